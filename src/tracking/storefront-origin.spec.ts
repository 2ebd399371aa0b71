import { describe, expect, it } from 'vitest';
import { checkStorefrontOrigin, originOf } from './storefront-origin';

const SITE = 'https://shop.example.test/en/';

describe('originOf', () => {
  it('normalises case and default ports', () => {
    expect(originOf('HTTPS://Shop.Example.test:443/x?y')).toBe('https://shop.example.test');
  });

  it('rejects non-web schemes and garbage', () => {
    expect(originOf('file:///tmp/x.html')).toBeNull();
    expect(originOf('not a url')).toBeNull();
    expect(originOf(undefined)).toBeNull();
  });
});

describe('checkStorefrontOrigin', () => {
  it('accepts the store origin whatever the path of websiteUrl', () => {
    expect(checkStorefrontOrigin(SITE, 'https://shop.example.test', undefined)).toEqual({ ok: true });
  });

  it('refuses another host, scheme or port', () => {
    for (const origin of ['https://evil.example.test', 'http://shop.example.test', 'https://shop.example.test:8443']) {
      expect(checkStorefrontOrigin(SITE, origin, undefined)).toMatchObject({ ok: false, reason: 'ORIGIN_NOT_ALLOWED' });
    }
  });

  it('refuses a subdomain of the store (exact origin only)', () => {
    expect(checkStorefrontOrigin(SITE, 'https://www.shop.example.test', undefined)).toMatchObject({ ok: false });
  });

  it('refuses the opaque origin "null" even with a matching Referer', () => {
    expect(checkStorefrontOrigin(SITE, 'null', 'https://shop.example.test/cart')).toMatchObject({
      ok: false,
      reason: 'ORIGIN_NOT_ALLOWED',
    });
  });

  it('falls back to the Referer only when Origin is absent', () => {
    expect(checkStorefrontOrigin(SITE, undefined, 'https://shop.example.test/p/1')).toEqual({ ok: true });
    expect(checkStorefrontOrigin(SITE, undefined, 'https://evil.example.test/')).toMatchObject({ ok: false });
    expect(checkStorefrontOrigin(SITE, 'https://evil.example.test', 'https://shop.example.test/')).toMatchObject({ ok: false });
  });

  it('requires an Origin or Referer', () => {
    expect(checkStorefrontOrigin(SITE, undefined, undefined)).toEqual({ ok: false, reason: 'ORIGIN_REQUIRED', seen: null });
  });
});
