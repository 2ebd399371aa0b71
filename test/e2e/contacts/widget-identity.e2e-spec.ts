import { createHmac } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

/** GET /v1/stores/:storeId/customers/:customerId/widget-identity: what the storefront server renders for setUser. */
describe('widget identity for identity validation (hmac_mandatory inboxes)', () => {
  let t: TestApp;
  let store: SeededStore;
  let hmacToken: string;

  beforeAll(async () => {
    t = await startTestApp();
    store = await seedStore(t);
    hmacToken = t.fake.state.getInbox(store.accountId, store.inboxId).hmac_token;
    const now = new Date().toISOString();
    const put = await t.request('PUT', `/v1/stores/${store.storeId}/customers/cust-77`, {
      body: { email: 'bo@example.test', name: 'Bo Customer', marketingConsent: true, registeredAt: now, updatedAt: now },
    });
    expect(put.status).toBe(200);
  });
  afterAll(() => t?.close());

  const path = (storeId: string, customerId: string) => `/v1/stores/${storeId}/customers/${customerId}/widget-identity`;

  it("answers Chatwoot's identifier_hash (hex HMAC-SHA256 keyed with the inbox hmac_token) and never the token itself", async () => {
    const res = await t.request('GET', path(store.storeId, 'cust-77'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      identifier: 'cust-77',
      identifierHash: createHmac('sha256', hmacToken).update('cust-77').digest('hex'),
      websiteToken: store.websiteToken,
      name: 'Bo Customer',
      email: 'bo@example.test',
    });
    expect(JSON.stringify(res.body)).not.toContain(hmacToken);
  });

  it('needs the platform key', async () => {
    expect((await t.request('GET', path(store.storeId, 'cust-77'), { auth: null })).status).toBe(401);
  });

  it('answers 404 for an unknown customer or store, and stays within the store', async () => {
    const unknown = await t.request('GET', path(store.storeId, 'nobody'));
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('CUSTOMER_NOT_FOUND');
    const other = await seedStore(t);
    expect((await t.request('GET', path(other.storeId, 'cust-77'))).body.code).toBe('CUSTOMER_NOT_FOUND');
    expect((await t.request('GET', path('no-such-store', 'cust-77'))).body.code).toBe('STORE_NOT_FOUND');
  });

  it('answers 409 STORE_NOT_READY while the store has no active widget inbox', async () => {
    const pending = await seedStore(t);
    const now = new Date().toISOString();
    await t.request('PUT', `/v1/stores/${pending.storeId}/customers/cust-1`, {
      body: { email: 'c@example.test', name: 'C', marketingConsent: false, registeredAt: now, updatedAt: now },
    });
    await t.get(DataSource).query("update chatwoot_accounts set state = 'suspended' where store_id = $1", [pending.storeId]);
    const res = await t.request('GET', path(pending.storeId, 'cust-1'));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('STORE_NOT_READY');
  });
});
