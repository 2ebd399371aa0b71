import { createHmac, randomUUID } from 'node:crypto';

/**
 * The headers Chatwoot (v4.11.2+) sends with an account webhook: `sha256=` hex HMAC-SHA256 of
 * "<timestamp>.<raw body>" under the webhook secret, the timestamp and a unique delivery id.
 * Computed here, independently of the service's verifier, so a verifier bug cannot hide.
 */
export function signedDeliveryHeaders(
  secret: string,
  rawBody: string,
  options: { deliveryId?: string; timestamp?: number } = {},
): Record<string, string> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'x-chatwoot-delivery': options.deliveryId ?? randomUUID(),
    'x-chatwoot-timestamp': String(timestamp),
    'x-chatwoot-signature': `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`,
  };
}
