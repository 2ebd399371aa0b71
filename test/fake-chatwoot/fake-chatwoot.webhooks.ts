/**
 * Signed webhook delivery, as lib/webhooks/trigger.rb does it (API-NOTES §5.4): one POST per
 * subscribed account webhook, HMAC over "<timestamp>.<raw body>", 5 s timeout, no retry.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import type { FakeChatwootState } from './fake-chatwoot.state';
import type { DeliveryRecord, JsonObject } from './fake-chatwoot.types';

export const WEBHOOK_TIMEOUT_MS = 5000;

export interface SendWebhookOptions {
  /** Unix seconds to put in X-Chatwoot-Timestamp (and sign); default now. */
  timestamp?: number;
  /** Signing secret override (e.g. a wrong one); default the webhook's own secret. */
  secret?: string;
  deliveryId?: string;
  /** Omit X-Chatwoot-Timestamp and X-Chatwoot-Signature (pre-v4.11.2 Chatwoot). */
  unsigned?: boolean;
  /** Exact bytes to send (and sign) instead of JSON.stringify(payload). */
  rawBody?: string;
}

export interface DeliveryResult {
  status: number;
  body: string;
  deliveryId: string;
  /** Set when no HTTP answer arrived (refused, timeout); status is then 0. */
  error?: string;
  url: string;
}

export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export class WebhookDispatcher {
  readonly deliveries: DeliveryRecord[] = [];
  /** Automatic events swallowed while `enabled` was false (what a receiver missed). */
  readonly suppressed: { accountId: number; payload: JsonObject; at: number }[] = [];
  enabled = true;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly state: FakeChatwootState,
    private readonly timeoutMs = WEBHOOK_TIMEOUT_MS,
  ) {}

  /**
   * Sink for state events: fire-and-forget like Sidekiq jobs, tracked for flush(). Like
   * EventDispatcherJob + WebhookListener (app/dispatchers/async_dispatcher.rb,
   * app/listeners/webhook_listener.rb) the payload is built when the job runs, from the state at
   * that moment: changes made in the same tick all show in every payload built after them (a
   * quick resolve → reopen gives two deliveries that both say `open`), while changed_attributes
   * were captured at commit. A record gone by then fails the job, and nothing is sent.
   */
  dispatchAutomatic(accountId: number, build: () => JsonObject): void {
    if (!this.enabled) {
      this.suppressed.push({ accountId, payload: build(), at: Date.now() });
      return;
    }
    const job = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      let payload: JsonObject;
      try {
        payload = build();
      } catch {
        return [];
      }
      if (this.state.webhooksFor(accountId, String(payload.event)).length === 0) return [];
      return this.send(accountId, payload, {}, true);
    });
    this.inFlight.add(job);
    void job.finally(() => this.inFlight.delete(job));
  }

  /** Resolves once every automatic delivery started so far (and any they triggered) has settled. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  async send(
    accountId: number,
    payload: JsonObject,
    opts: SendWebhookOptions = {},
    automatic = false,
  ): Promise<DeliveryResult[]> {
    const event = String(payload.event ?? '');
    const targets = this.state.webhooksFor(accountId, event);
    const rawBody = opts.rawBody ?? JSON.stringify(payload);
    return Promise.all(
      targets.map((hook) => {
        const deliveryId = opts.deliveryId ?? randomUUID();
        const headers: Record<string, string> = {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'X-Chatwoot-Delivery': deliveryId,
        };
        if (!opts.unsigned) {
          const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
          headers['X-Chatwoot-Timestamp'] = String(timestamp);
          headers['X-Chatwoot-Signature'] = signWebhook(opts.secret ?? hook.secret, timestamp, rawBody);
        }
        return this.post(hook.url, headers, rawBody).then((answer) => {
          this.deliveries.push({
            accountId,
            url: hook.url,
            event,
            deliveryId,
            ...(answer.error === undefined ? { status: answer.status } : { error: answer.error }),
            automatic,
            at: Date.now(),
          });
          return { ...answer, deliveryId, url: hook.url };
        });
      }),
    );
  }

  private post(
    url: string,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; body: string; error?: string }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ status: 0, body: '', error: `Invalid webhook URL ${url}` });
        return;
      }
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        target,
        { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            // A non-2xx answer is a failed delivery for Chatwoot, but still an HTTP answer worth recording.
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', (error: Error) => resolve({ status: 0, body: '', error: error.message }));
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`Webhook timed out after ${this.timeoutMs} ms`)));
      req.on('error', (error: Error) => resolve({ status: 0, body: '', error: error.message }));
      req.end(body);
    });
  }
}
