import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signChatwootPayload, verifyChatwootSignature } from './chatwoot-signature';

const secret = 'whsec-test';
const body = '{"event":"conversation_created","id":7}';
const now = 1_750_000_000;

function sign(timestamp: number, raw = body, key = secret): string {
  return `sha256=${createHmac('sha256', key).update(`${timestamp}.${raw}`).digest('hex')}`;
}

const base = { secret, rawBody: body, nowSeconds: now, maxAgeSeconds: 300 };

describe('verifyChatwootSignature', () => {
  it('accepts the signature Chatwoot computes', () => {
    expect(verifyChatwootSignature({ ...base, signature: sign(now), timestamp: String(now) })).toBe('ok');
    expect(verifyChatwootSignature({ ...base, rawBody: Buffer.from(body), signature: sign(now), timestamp: String(now) })).toBe(
      'ok',
    );
  });

  it('matches the signing helper', () => {
    expect(signChatwootPayload(secret, now, body)).toBe(sign(now));
  });

  it('reports missing headers', () => {
    expect(verifyChatwootSignature({ ...base, signature: undefined, timestamp: String(now) })).toBe('missing');
    expect(verifyChatwootSignature({ ...base, signature: sign(now), timestamp: undefined })).toBe('missing');
  });

  it('refuses a tampered body, another secret, another timestamp and junk', () => {
    expect(
      verifyChatwootSignature({ ...base, rawBody: body.replace('7', '8'), signature: sign(now), timestamp: String(now) }),
    ).toBe('bad_signature');
    expect(verifyChatwootSignature({ ...base, signature: sign(now, body, 'other'), timestamp: String(now) })).toBe(
      'bad_signature',
    );
    expect(verifyChatwootSignature({ ...base, signature: sign(now), timestamp: String(now - 1) })).toBe('bad_signature');
    expect(verifyChatwootSignature({ ...base, signature: 'sha256=zz', timestamp: String(now) })).toBe('bad_signature');
    expect(verifyChatwootSignature({ ...base, signature: sign(now).replace('sha256=', 'sha1='), timestamp: String(now) })).toBe(
      'bad_signature',
    );
    expect(verifyChatwootSignature({ ...base, signature: sign(now), timestamp: `${now}x` })).toBe('bad_signature');
  });

  it('refuses stale and far-future timestamps even when correctly signed', () => {
    expect(verifyChatwootSignature({ ...base, signature: sign(now - 301), timestamp: String(now - 301) })).toBe('stale');
    expect(verifyChatwootSignature({ ...base, signature: sign(now + 301), timestamp: String(now + 301) })).toBe('stale');
    expect(verifyChatwootSignature({ ...base, signature: sign(now - 300), timestamp: String(now - 300) })).toBe('ok');
  });
});
