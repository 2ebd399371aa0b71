import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ChatwootAccountClient } from './chatwoot-account.client';
import { ChatwootPlatformClient } from './chatwoot-platform.client';
import { ChatwootTransport, type ChatwootCallContext } from './chatwoot-transport';

/** Entry point feature modules inject: `chatwoot.platform` and `chatwoot.account(id, token)`. */
@Injectable()
export class ChatwootClient {
  readonly platform: ChatwootPlatformClient;

  constructor(
    readonly transport: ChatwootTransport,
    config: AppConfig,
  ) {
    this.platform = new ChatwootPlatformClient(transport, config.CHATWOOT_PLATFORM_TOKEN);
  }

  account(accountId: number, userToken: string, context: ChatwootCallContext = {}): ChatwootAccountClient {
    return new ChatwootAccountClient(this.transport, accountId, userToken, context);
  }
}
