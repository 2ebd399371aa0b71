import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { NotFoundError, UnauthorizedError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { verifyChatwootSignature } from './chatwoot-signature';
import { WebhookMetrics } from './webhook-metrics';
import { WebhookSecretCache } from './webhook-secret.cache';

export interface VerifiedWebhook {
  storeId: string;
  accountId: number | null;
  timestamp: number;
}

export type WebhookRequest = RawBodyRequest<FastifyRequest> & { chatwootWebhook?: VerifiedWebhook };

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Chatwoot audience: the per-store webhook secret signs every delivery (API-NOTES §5.4). */
@Injectable()
export class ChatwootWebhookGuard implements CanActivate {
  constructor(
    private readonly secrets: WebhookSecretCache,
    private readonly config: AppConfig,
    private readonly metrics: WebhookMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<WebhookRequest>();
    const storeId = (request.params as Record<string, string>).storeId;
    let key = await this.secrets.get(storeId);
    if (!key) {
      this.metrics.count('unknown_store');
      throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
    }
    const signature = header(request, 'x-chatwoot-signature');
    const timestamp = header(request, 'x-chatwoot-timestamp');
    const check = (secret: string | null) =>
      secret === null
        ? 'missing'
        : verifyChatwootSignature({
            secret,
            signature,
            timestamp,
            rawBody: request.rawBody ?? '',
            nowSeconds: Math.floor(Date.now() / 1000),
            maxAgeSeconds: this.config.WEBHOOK_MAX_AGE_SECONDS,
          });
    let verdict = check(key.secret);
    if (verdict === 'bad_signature' || (verdict === 'missing' && key.secret === null && signature)) {
      key = (await this.secrets.refresh(storeId)) ?? key;
      verdict = check(key.secret);
    }
    if (verdict === 'missing') {
      this.metrics.count('bad_signature');
      throw new UnauthorizedError('X-Chatwoot-Signature and X-Chatwoot-Timestamp are required', 'SIGNATURE_MISSING');
    }
    if (verdict === 'bad_signature') {
      this.metrics.count('bad_signature');
      throw new UnauthorizedError('The webhook signature does not match', 'SIGNATURE_INVALID');
    }
    if (verdict === 'stale') {
      this.metrics.count('stale');
      throw new UnauthorizedError(
        `X-Chatwoot-Timestamp is more than ${this.config.WEBHOOK_MAX_AGE_SECONDS} s away from now`,
        'SIGNATURE_STALE',
      );
    }
    request.chatwootWebhook = { storeId, accountId: key.accountId, timestamp: Number(timestamp) };
    return true;
  }
}
