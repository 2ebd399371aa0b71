import { createHmac } from 'node:crypto';

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the same scheme Chatwoot uses towards us. */
export function signNotification(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
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
