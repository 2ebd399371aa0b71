import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp, type TestResponse } from '../../support/test-app';
import { signedDeliveryHeaders } from '../../support/signed-delivery';

/** Every 429 the service sends says, in whole seconds, when to come back. */
function expectRetryAfter(res: TestResponse, windowSeconds: number): void {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
  const header = res.headers['retry-after'];
  expect(String(header)).toMatch(/^\d+$/);
  expect(Number(header)).toBeGreaterThanOrEqual(1);
  expect(Number(header)).toBeLessThanOrEqual(windowSeconds);
}

describe('Retry-After on every kind of 429', () => {
  let t: TestApp;
  let s: SeededStore;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        PLATFORM_INGEST_RATE_PER_MINUTE: '2',
        ACCOUNT_CREATION_PER_HOUR: '1',
        TRACKING_RATE_PER_IP_PER_MINUTE: '1',
        TRACKING_RATE_PER_STORE_PER_MINUTE: '2',
        WEBHOOK_RATE_PER_MINUTE: '1',
      },
    });
    t.fake.webhooksEnabled = false;
    s = await seedStore(t);
  });
  afterAll(() => t?.close());

  const customer = {
    email: 'ann@example.test',
    name: 'Ann',
    marketingConsent: false,
    registeredAt: '2024-01-15T10:00:00Z',
    updatedAt: '2024-06-01T12:00:00Z',
  };

  it('platform ingestion (PLATFORM_INGEST_RATE_PER_MINUTE), where a bulk import counts each record', async () => {
    const imported = await t.request('POST', `/v1/stores/${s.storeId}/import`, {
      body: {
        customers: [
          { customerId: 'ra-1', ...customer },
          { customerId: 'ra-2', ...customer },
        ],
      },
    });
    expect(imported.status).toBe(200);
    const refused = await t.request('PUT', `/v1/stores/${s.storeId}/customers/ra-3`, { body: customer });
    expectRetryAfter(refused, 60);
    expect(refused.body.message).toMatch(/PLATFORM_INGEST_RATE_PER_MINUTE/);
    expectRetryAfter(await t.request('POST', `/v1/stores/${s.storeId}/import`, { body: { customers: [] } }), 60);
    expectRetryAfter(await t.request('POST', `/v1/stores/${s.storeId}/contacts/sync`), 60);
  });

  it('account creation (ACCOUNT_CREATION_PER_HOUR)', async () => {
    const store = (id: string) => ({
      name: id,
      slug: id,
      email: `support@${id}.example.test`,
      websiteUrl: `https://${id}.example.test`,
    });
    expect((await t.request('PUT', '/v1/stores/ra-store-1', { body: store('ra-store-1') })).status).toBe(202);
    expectRetryAfter(await t.request('PUT', '/v1/stores/ra-store-2', { body: store('ra-store-2') }), 3600);
  });

  it('tracking per IP and per store', async () => {
    const post = (ip: string) =>
      t.request('POST', '/v1/tracking/events', {
        auth: null,
        body: {
          websiteToken: s.websiteToken,
          sessionId: 'sess-0000-aaaa',
          events: [{ type: 'widget_opened', at: new Date().toISOString() }],
        },
        headers: { origin: 'https://shop.example.test', 'x-forwarded-for': ip },
      });
    expect((await post('203.0.113.1')).status).toBe(202);
    const perIp = await post('203.0.113.1');
    expectRetryAfter(perIp, 60);
    expect(perIp.body.message).toMatch(/this IP/);
    expect((await post('203.0.113.2')).status).toBe(202);
    const perStore = await post('203.0.113.3');
    expectRetryAfter(perStore, 60);
    expect(perStore.body.message).toMatch(/this store/);
  });

  it('webhook intake never answers 429: WEBHOOK_RATE_PER_MINUTE paces processing, not intake', async () => {
    const deliver = () => {
      const body = JSON.stringify({ event: 'contact_updated', id: 1, account: { id: s.accountId } });
      return t.request('POST', `/v1/webhooks/chatwoot/${s.storeId}`, {
        auth: null,
        payload: body,
        headers: signedDeliveryHeaders(s.webhookSecret, body),
      });
    };
    // Chatwoot never resends a refused delivery: beyond the pace it is still stored and acknowledged
    // (the backlog ceiling's 503 carries Retry-After: test/e2e/webhooks/intake-volume.e2e-spec.ts).
    expect((await deliver()).status).toBe(200);
    expect((await deliver()).status).toBe(200);
  });
});
