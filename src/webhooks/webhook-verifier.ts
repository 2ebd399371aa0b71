import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidRequestError, NotFoundError, UnauthorizedError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { verifyChatwootSignature } from './chatwoot-signature';
import { WebhookMetrics } from './webhook-metrics';
import { WebhookSecretCache } from './webhook-secret.cache';

/** One delivery as it arrived: nothing in it is trusted yet. */
export interface IncomingWebhook {
  /** The store id in the URL provisioning registers; null for `POST /v1/webhooks/chatwoot`. */
  storeIdFromPath: string | null;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The parsed body. */
  body: unknown;
}

export interface VerifiedWebhook {
  storeId: string;
  accountId: number | null;
  timestamp: number;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The Chatwoot audience's authentication: the per-store webhook secret signs every delivery
 * (API-NOTES §5.4). Unknown store → 404; missing, wrong or stale signature → 401.
 */
@Injectable()
export class WebhookVerifier {
  constructor(
    private readonly secrets: WebhookSecretCache,
    private readonly config: AppConfig,
    private readonly metrics: WebhookMetrics,
  ) {}

  async verify(delivery: IncomingWebhook): Promise<VerifiedWebhook> {
    const storeId = await this.storeIdOf(delivery);
    let key = storeId === null ? null : await this.secrets.get(storeId);
    if (!key) {
      this.metrics.count('unknown_store');
      throw new NotFoundError(storeId === null ? 'The Chatwoot account of this delivery' : `Store ${storeId}`, 'STORE_NOT_FOUND');
    }
    const signature = header(delivery.headers, 'x-chatwoot-signature');
    const timestamp = header(delivery.headers, 'x-chatwoot-timestamp');
    const check = (secret: string | null) =>
      secret === null
        ? 'missing'
        : verifyChatwootSignature({
            secret,
            signature,
            timestamp,
            rawBody: delivery.rawBody,
            nowSeconds: Math.floor(Date.now() / 1000),
            maxAgeSeconds: this.config.WEBHOOK_MAX_AGE_SECONDS,
          });
    let verdict = check(key.secret);
    if (verdict === 'bad_signature' || (verdict === 'missing' && key.secret === null && signature)) {
      // The secret may have been rotated since it was cached.
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
    return { storeId: key.storeId, accountId: key.accountId, timestamp: Number(timestamp) };
  }

  /**
   * The store id from the URL provisioning registers, or (for `POST /v1/webhooks/chatwoot`
   * without one) from the payload's `account.id`, which Chatwoot sends since v4.14.2. The
   * signature is then checked with that account's secret, so a forged account id gains nothing.
   */
  private async storeIdOf(delivery: IncomingWebhook): Promise<string | null> {
    if (delivery.storeIdFromPath) return delivery.storeIdFromPath;
    const accountId = accountIdOf(delivery.body);
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
