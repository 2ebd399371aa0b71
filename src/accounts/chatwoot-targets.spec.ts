import { describe, expect, it } from 'vitest';
import {
  adminEmailFor,
  allowedDomains,
  sameDomains,
  dashboardAppUrl,
  sameSubscriptions,
  strongPassword,
  WEBHOOK_SUBSCRIPTIONS,
  webhookUrl,
} from './chatwoot-targets';

describe('adminEmailFor', () => {
  it('plus-addresses the store id on the public domain', () => {
    expect(adminEmailFor('store-42', 'https://bridge.shop.example/')).toBe('chatwoot-bridge+store-42@bridge.shop.example');
  });

  it('falls back to a reserved domain for IPs and localhost', () => {
    expect(adminEmailFor('s1', 'http://127.0.0.1:3000')).toBe('chatwoot-bridge+s1@chatwoot-bridge.invalid');
    expect(adminEmailFor('s1', 'http://localhost:3000')).toBe('chatwoot-bridge+s1@chatwoot-bridge.invalid');
  });

  it('keeps ids that differ only in case apart, since Chatwoot lower-cases e-mails', () => {
    const a = adminEmailFor('Store-A', 'https://x.example');
    const b = adminEmailFor('store-a', 'https://x.example');
    expect(a.toLowerCase()).not.toBe(b.toLowerCase());
    expect(a).toMatch(/^chatwoot-bridge\+store-a-[0-9a-f]{10}@x\.example$/);
  });

  it('keeps the local part within 64 characters for long ids', () => {
    const email = adminEmailFor('x'.repeat(64), 'https://x.example');
    expect(email.split('@')[0].length).toBeLessThanOrEqual(64);
  });
});

describe('strongPassword', () => {
  it('always satisfies Chatwoot’s password rule', () => {
    for (let i = 0; i < 200; i++) {
      const password = strongPassword();
      expect(password).toHaveLength(32);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/\d/);
      expect(password).toMatch(/[^A-Za-z0-9]/);
    }
  });
});

describe('URLs', () => {
  it('builds the webhook and dashboard URLs from PUBLIC_URL', () => {
    expect(webhookUrl('https://b.example/', 's 1')).toBe('https://b.example/v1/webhooks/chatwoot/s%201');
    expect(dashboardAppUrl('https://b.example', 'tok+/')).toBe('https://b.example/dashboard-app?token=tok%2B%2F');
  });

  it('compares subscriptions as sets', () => {
    expect(sameSubscriptions([...WEBHOOK_SUBSCRIPTIONS].reverse())).toBe(true);
    expect(sameSubscriptions(WEBHOOK_SUBSCRIPTIONS.slice(1))).toBe(false);
    expect(sameSubscriptions([...WEBHOOK_SUBSCRIPTIONS, 'inbox_created'])).toBe(false);
  });
});

describe('allowedDomains (the widget frame-ancestors list)', () => {
  it('names the host and its www twin, either way round', () => {
    expect(allowedDomains('https://shop.example/some/page')).toBe('shop.example,www.shop.example');
    expect(allowedDomains('https://WWW.Shop.Example')).toBe('www.shop.example,shop.example');
  });

  it('keeps a non-default port and adds no twin for IPs or single-label hosts', () => {
    expect(allowedDomains('http://localhost:8080')).toBe('localhost:8080');
    expect(allowedDomains('http://192.168.1.10:3000/')).toBe('192.168.1.10:3000');
    expect(allowedDomains('https://shop.example:8443')).toBe('shop.example:8443,www.shop.example:8443');
    expect(allowedDomains('not a url')).toBe('');
  });

  it('compares lists as sets, the way Chatwoot splits and strips them', () => {
    expect(sameDomains(' www.shop.example , shop.example', 'shop.example,www.shop.example')).toBe(true);
    expect(sameDomains('shop.example', 'shop.example,www.shop.example')).toBe(false);
    expect(sameDomains(null, '')).toBe(true);
  });
});
