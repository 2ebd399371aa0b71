import { HttpModule } from '@nestjs/axios';
import { Global, Module } from '@nestjs/common';
import { ChatwootClient } from './chatwoot.client';
import { ChatwootFleetBudget } from './chatwoot-fleet-budget';
import { ChatwootStoreShare } from './chatwoot-store-share';
import { ChatwootTransport } from './chatwoot-transport';

@Global()
@Module({
  imports: [HttpModule.register({ maxRedirects: 0 })],
  providers: [ChatwootFleetBudget, ChatwootStoreShare, ChatwootTransport, ChatwootClient],
  exports: [ChatwootClient],
})
export class ChatwootModule {}
