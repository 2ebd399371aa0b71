import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureVerdict = 'ok' | 'missing' | 'bad_signature' | 'stale';

export interface SignatureInput {
  secret: string;
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer | string;
  /** Unix seconds of "now" (injected for tests). */
  nowSeconds: number;
  /** Accepted distance between the timestamp and now, in either direction. */
  maxAgeSeconds: number;
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const TIMESTAMP = /^\d{1,12}$/;

/**
 * Chatwoot (v4.11.2+) signs `"<X-Chatwoot-Timestamp>.<raw body>"` with HMAC-SHA256 and the
 * webhook's secret. Compared in constant time; a timestamp too old (replay) or too far ahead is refused.
 */
export function verifyChatwootSignature(input: SignatureInput): SignatureVerdict {
  if (!input.signature || !input.timestamp) return 'missing';
  const match = SIGNATURE.exec(input.signature.trim());
  if (!match || !TIMESTAMP.test(input.timestamp)) return 'bad_signature';
  const mac = createHmac('sha256', input.secret);
  mac.update(`${input.timestamp}.`);
  mac.update(input.rawBody);
  const expected = mac.digest();
  const given = Buffer.from(match[1], 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad_signature';
  // Checked after the MAC so an unauthenticated caller learns nothing about our clock window.
  if (Math.abs(input.nowSeconds - Number(input.timestamp)) > input.maxAgeSeconds) return 'stale';
  return 'ok';
}

export function signChatwootPayload(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}
