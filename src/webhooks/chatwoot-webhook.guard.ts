import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidRequestError, NotFoundError, UnauthorizedError } from '../common/errors/domain-error';
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
    const storeId = await this.storeIdOf(request);
    let key = storeId === null ? null : await this.secrets.get(storeId);
    if (!key) {
      this.metrics.count('unknown_store');
      throw new NotFoundError(storeId === null ? 'The Chatwoot account of this delivery' : `Store ${storeId}`, 'STORE_NOT_FOUND');
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
      key = (await this.secrets.refresh(key.storeId)) ?? key;
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
    request.chatwootWebhook = { storeId: key.storeId, accountId: key.accountId, timestamp: Number(timestamp) };
    return true;
  }

  /**
   * The store id from the URL provisioning registers, or (for `POST /v1/webhooks/chatwoot`
   * without one) from the payload's `account.id`, which Chatwoot sends since v4.14.2. The
   * signature is then checked with that account's secret, so a forged account id gains nothing.
   */
  private async storeIdOf(request: WebhookRequest): Promise<string | null> {
    const fromPath = (request.params as Record<string, string | undefined>).storeId;
    if (fromPath) return fromPath;
    const accountId = accountIdOf(request.body);
    if (accountId === null) {
      this.metrics.count('malformed');
      throw new InvalidRequestError(
        'This delivery names no Chatwoot account (account.id); use the webhook URL with the store id',
        'MALFORMED_WEBHOOK',
      );
    }
    return this.secrets.storeIdForAccount(accountId);
  }
}

function accountIdOf(body: unknown): number | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  const candidates = [b.account, (b.conversation as Record<string, unknown> | undefined)?.account];
  for (const candidate of candidates) {
    const id = (candidate as { id?: unknown } | undefined)?.id;
    if (typeof id === 'number' && Number.isInteger(id) && id > 0) return id;
  }
  return null;
}
