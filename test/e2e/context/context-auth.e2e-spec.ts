import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';
import { item, seedCustomer } from './context-fixtures';

interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: (store: SeededStore, contactId: number, conversationId: number) => string;
  body?: unknown;
}

const ROUTES: Route[] = [
  { name: 'context', method: 'GET', path: (s, c) => `/v1/context/accounts/${s.accountId}/contacts/${c}` },
  { name: 'orders', method: 'GET', path: (s, c) => `/v1/context/accounts/${s.accountId}/contacts/${c}/orders?limit=5` },
  { name: 'cart', method: 'GET', path: (s, c) => `/v1/context/accounts/${s.accountId}/contacts/${c}/cart` },
  { name: 'insights', method: 'GET', path: (s, c) => `/v1/context/accounts/${s.accountId}/contacts/${c}/insights` },
  { name: 'recommendations', method: 'GET', path: (s, c) => `/v1/context/accounts/${s.accountId}/contacts/${c}/recommendations` },
  {
    name: 'discount-codes',
    method: 'POST',
    path: (s, c) => `/v1/context/accounts/${s.accountId}/contacts/${c}/discount-codes`,
    body: { type: 'percent', value: 5 },
  },
  {
    name: 'escalate',
    method: 'POST',
    path: (s, _c, conv) => `/v1/context/accounts/${s.accountId}/conversations/${conv}/escalate`,
    body: { reason: 'Cross-store attempt' },
  },
];

describe('context API authentication and tenant isolation', () => {
  let t: TestApp;
  let a: SeededStore;
  let b: SeededStore;
  let aliceContact: number;
  let aliceConversation: number;
  let bobContact: number;

  const call = (
    route: Route,
    store: SeededStore,
    headers: Record<string, string>,
    contactId = aliceContact,
    conv = aliceConversation,
  ) => t.request(route.method, route.path(store, contactId, conv), { auth: null, headers, body: route.body });

  /** Nothing of store A's customer may appear in a refused answer. */
  const expectNoLeak = (text: string) => {
    // The request id is a random UUID and may contain "a-1" by chance; it carries no store data.
    expect(text.replace(/"requestId":"[^"]*"/, '')).not.toMatch(/Alice|alice@|a-1|TEAS-/);
  };

  beforeAll(async () => {
    t = await startTestApp();
    a = await seedStore(t, { name: 'Tea Shop' });
    b = await seedStore(t, { name: 'Bike Shop' });
    aliceContact = await seedCustomer(t, a, {
      customerId: 'alice',
      name: 'Alice Example',
      email: 'alice@example.test',
      orders: [
        { orderId: 'a-1', totalAmount: 20_000, placedAt: '2026-01-10T10:00:00Z', items: [item('green', 'Tea', 1_000, 20)] },
      ],
    });
    bobContact = await seedCustomer(t, b, { customerId: 'bob', name: 'Bob', email: 'bob@example.test' });
    aliceConversation = t.fake.state.createConversation(
      a.accountId,
      { contactId: aliceContact, inboxId: a.inboxId },
      { silent: true },
    ).display_id;
  }, 120_000);
  afterAll(() => t?.close());

  it('refuses every route without credentials (401)', async () => {
    for (const route of ROUTES) {
      const res = await call(route, a, {});
      expect(res.status, route.name).toBe(401);
      expect(res.body.code, route.name).toBe('MISSING_CREDENTIALS');
      expectNoLeak(res.text);
    }
  });

  it('refuses every route with a wrong context token (401)', async () => {
    for (const route of ROUTES) {
      const res = await call(route, a, { 'x-context-token': 'not-a-real-token' });
      expect(res.status, route.name).toBe(401);
      expect(res.body.code).toBe('INVALID_CONTEXT_TOKEN');
    }
  });

  it("refuses every route with another store's context token on this store's account (403)", async () => {
    for (const route of ROUTES) {
      const res = await call(route, a, { 'x-context-token': b.contextToken });
      expect(res.status, route.name).toBe(403);
      expect(res.body.code).toBe('ACCOUNT_MISMATCH');
      expectNoLeak(res.text);
    }
    // The refused escalation changed nothing in store A's Chatwoot.
    const conversation = t.fake.state.getConversation(a.accountId, aliceConversation);
    expect(conversation.priority).toBeNull();
    expect(conversation.label_list).not.toContain('escalated');
  });

  it("does not find store A's contact through store B's own account (404)", async () => {
    for (const route of ROUTES.filter((r) => r.name !== 'escalate')) {
      const res = await call(route, b, { 'x-context-token': b.contextToken }, aliceContact);
      expect(res.status, route.name).toBe(404);
      expect(['CONTACT_NOT_FOUND', 'CUSTOMER_NOT_LINKED']).toContain(res.body.code);
      expectNoLeak(res.text);
    }
  });

  it('accepts the query token the dashboard app iframe may use', async () => {
    const res = await t.request(
      'GET',
      `/v1/context/accounts/${a.accountId}/contacts/${aliceContact}?token=${encodeURIComponent(a.contextToken)}`,
      { auth: null },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.customer.name).toBe('Alice Example');
    const orders = await t.request(
      'GET',
      `/v1/context/accounts/${a.accountId}/contacts/${aliceContact}/orders?limit=1&token=${encodeURIComponent(a.contextToken)}`,
      { auth: null },
    );
    expect(orders.status, orders.text).toBe(200);
  });

  it("accepts an agent's own Chatwoot token for their account, and caches the profile check", async () => {
    const agent = t.fake.state.createAgent(a.accountId, { name: 'Agent Anna', email: 'anna@example.test' });
    t.fake.resetRequests();
    for (let i = 0; i < 3; i++) {
      const res = await t.request('GET', `/v1/context/accounts/${a.accountId}/contacts/${aliceContact}`, {
        auth: null,
        headers: { api_access_token: agent.access_token },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.customer.email).toBe('alice@example.test');
    }
    expect(t.fake.countRequests({ method: 'GET', path: '/api/v1/profile' })).toBe(1);
  });

  it('refuses an agent of another account on every route (403), and an unknown agent token (401)', async () => {
    const outsider = t.fake.state.createAgent(b.accountId, { name: 'Agent Otto', email: 'otto@example.test' });
    for (const route of ROUTES) {
      const res = await call(route, a, { api_access_token: outsider.access_token });
      expect(res.status, route.name).toBe(403);
      expect(res.body.code).toBe('ACCOUNT_MISMATCH');
      expectNoLeak(res.text);
    }
    for (const route of ROUTES) {
      const res = await call(route, a, { api_access_token: 'nonsense-token-123' });
      expect(res.status, route.name).toBe(401);
      expect(res.body.code).toBe('INVALID_AGENT_TOKEN');
    }
  });

  it("lets an agent of store B reach store B's data only", async () => {
    const agentB = t.fake.state.createAgent(b.accountId, { name: 'Agent Berta', email: 'berta@example.test' });
    const own = await t.request('GET', `/v1/context/accounts/${b.accountId}/contacts/${bobContact}`, {
      auth: null,
      headers: { api_access_token: agentB.access_token },
    });
    expect(own.status, own.text).toBe(200);
    const foreign = await t.request('GET', `/v1/context/accounts/${b.accountId}/contacts/${aliceContact}`, {
      auth: null,
      headers: { api_access_token: agentB.access_token },
    });
    expect(foreign.status).toBe(404);
    expectNoLeak(foreign.text);
  });

  it('refuses a valid account member whose account is not a store here (404)', async () => {
    const stray = t.fake.state.createAccount({ name: 'Not a store' });
    const agent = t.fake.state.createAgent(stray.id, { name: 'Stray', email: 'stray@example.test' });
    const res = await t.request('GET', `/v1/context/accounts/${stray.id}/contacts/${aliceContact}`, {
      auth: null,
      headers: { api_access_token: agent.access_token },
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('STORE_NOT_FOUND');
  });

  it('keeps the checkout lookup behind the platform key and scoped to its store', async () => {
    const created = await t.request('POST', `/v1/context/accounts/${a.accountId}/contacts/${aliceContact}/discount-codes`, {
      auth: null,
      headers: { 'x-context-token': a.contextToken },
      body: { type: 'percent', value: 10 },
    });
    expect(created.status, created.text).toBe(201);
    const code = created.body.code as string;
    const withContextToken = await t.request('GET', `/v1/stores/${a.storeId}/discount-codes/${code}`, {
      auth: null,
      headers: { 'x-context-token': a.contextToken },
    });
    expect(withContextToken.status).toBe(401);
    const otherStore = await t.request('GET', `/v1/stores/${b.storeId}/discount-codes/${code}`);
    expect(otherStore.status).toBe(200);
    expect(otherStore.body).toEqual({ code, status: 'unknown' });
    const own = await t.request('GET', `/v1/stores/${a.storeId}/discount-codes/${code}`);
    expect(own.body).toMatchObject({ code, status: 'valid', type: 'percent', value: 10, customer_id: 'alice' });
  });

  it('answers 400 for a malformed account id', async () => {
    const res = await t.request('GET', `/v1/context/accounts/abc/contacts/${aliceContact}`, {
      auth: null,
      headers: { 'x-context-token': a.contextToken },
    });
    expect(res.status).toBe(400);
  });
});
