import { createHmac } from 'node:crypto';

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the same scheme Chatwoot uses towards us. */
export function signNotification(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * The headers of every signed POST to the store (notifications and order actions): the signature
 * over "<timestamp>.<body>", its timestamp (unix seconds, from `nowMs`) and the delivery id.
 */
export function signedPostHeaders(secret: string, body: string, deliveryId: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'chatwoot-store-bridge',
    'x-bridge-signature': signNotification(secret, timestamp, body),
    'x-bridge-timestamp': String(timestamp),
    'x-bridge-delivery': deliveryId,
  };
}

/** What the store's endpoint receives; `data` is the type-specific payload. */
export interface NotificationEnvelope {
  id: string;
  type: string;
  storeId: string;
  createdAt: string;
  data: Record<string, unknown>;
}

/** Whether a failed POST is worth another attempt: network trouble, 5xx and 429 are; other 4xx are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}
