import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isRetryableStatus, signedPostHeaders, signNotification } from './notification-signature';

describe('signNotification', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 and prefixes sha256=', () => {
    const expected = createHmac('sha256', 'k3y').update('1700000000.{"a":1}').digest('hex');
    expect(signNotification('k3y', 1_700_000_000, '{"a":1}')).toBe(`sha256=${expected}`);
  });

  it('changes with the timestamp, the body and the secret', () => {
    const base = signNotification('k', 1, 'b');
    expect(signNotification('k', 2, 'b')).not.toBe(base);
    expect(signNotification('k', 1, 'c')).not.toBe(base);
    expect(signNotification('j', 1, 'b')).not.toBe(base);
  });
});

describe('signedPostHeaders', () => {
  it('signs the body with the timestamp it sends, in unix seconds, and names the delivery', () => {
    const headers = signedPostHeaders('k3y', '{"a":1}', 'delivery-1', 1_700_000_000_999);
    expect(headers).toEqual({
      'content-type': 'application/json',
      'user-agent': 'chatwoot-store-bridge',
      'x-bridge-signature': signNotification('k3y', 1_700_000_000, '{"a":1}'),
      'x-bridge-timestamp': '1700000000',
      'x-bridge-delivery': 'delivery-1',
    });
  });
});

describe('isRetryableStatus', () => {
  it.each([
    [0, true],
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [404, false],
    [410, false],
  ])('%i → %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });
});
