import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { ContextCacheService } from '../../../src/context/context-cache.service';
import { NotificationService } from '../../../src/notifications/notification.service';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';
import { ctxHeaders, item, putOrder, putProduct, seedCustomer } from './context-fixtures';

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

describe('context API', () => {
  let t: TestApp;
  let a: SeededStore;
  let b: SeededStore;
  let aliceContact: number;
  let bobContact: number;
  const base = (store: SeededStore, contactId: number) => `/v1/context/accounts/${store.accountId}/contacts/${contactId}`;
  const get = (store: SeededStore, path: string, headers = ctxHeaders(store)) => t.request('GET', path, { auth: null, headers });

  beforeAll(async () => {
    t = await startTestApp();
    a = await seedStore(t, { name: 'Tea Shop' });
    b = await seedStore(t, { name: 'Bike Shop' });
    for (const p of [
      { productId: 'green', name: 'Green tea', category: 'Tea', price: 1_000 },
      { productId: 'black', name: 'Black tea', category: 'Tea', price: 1_200 },
      { productId: 'oolong', name: 'Oolong', category: 'Tea', price: 2_000 },
      { productId: 'matcha', name: 'Matcha', category: 'Tea', price: 3_000, inStock: false },
      { productId: 'cup', name: 'Tea cup', category: 'Cups', price: 800 },
      { productId: 'kettle', name: 'Kettle', category: 'Kitchen', price: 4_000 },
    ]) {
      await putProduct(t, a.storeId, p);
    }
    // Another customer buys green tea together with a kettle and matcha: co-purchase signal.
    await seedCustomer(t, a, {
      customerId: 'other-1',
      name: 'Olga Other',
      email: 'olga@example.test',
      orders: [
        {
          orderId: 'o-other-1',
          totalAmount: 8_000,
          placedAt: daysAgo(20),
          items: [item('green', 'Tea', 1_000), item('kettle', 'Kitchen', 4_000), item('matcha', 'Tea', 3_000)],
        },
      ],
    });
    aliceContact = await seedCustomer(t, a, {
      customerId: 'alice',
      name: 'Alice Example',
      email: 'alice@example.test',
      orders: [
        { orderId: 'a-1', totalAmount: 20_000, placedAt: daysAgo(120), items: [item('green', 'Tea', 1_000, 20)] },
        {
          orderId: 'a-2',
          totalAmount: 25_000,
          placedAt: daysAgo(60),
          items: [item('black', 'Tea', 1_200, 10), item('cup', 'Cups', 800, 5)],
        },
        { orderId: 'a-3', totalAmount: 15_000, placedAt: daysAgo(30), items: [item('green', 'Tea', 1_000, 15)] },
        { orderId: 'a-4', totalAmount: 9_999, placedAt: daysAgo(10), status: 'cancelled', items: [item('cup', 'Cups', 800, 1)] },
      ],
      cart: [item('cup', 'Cups', 800, 2)],
    });
    bobContact = await seedCustomer(t, b, {
      customerId: 'bob',
      name: 'Bob Secret',
      email: 'bob@example.test',
      orders: [{ orderId: 'b-1', totalAmount: 5_000, placedAt: daysAgo(5), items: [item('bike', 'Bikes', 5_000)] }],
    });
  }, 120_000);
  afterAll(() => t?.close());

  it('answers the whole context for a linked contact', async () => {
    const res = await get(a, base(a, aliceContact));
    expect(res.status, res.text).toBe(200);
    const c = res.body;
    expect(c.linked).toBe(true);
    expect(c.customer).toMatchObject({
      id: 'alice',
      name: 'Alice Example',
      email: 'alice@example.test',
      total_spent: 60_000,
      order_count: 3,
    });
    // 60 000 ≥ gold (50 000) < platinum (100 000) with the default thresholds.
    expect(c.customer.tier).toBe('Gold');
    expect(c.customer.registration_date).toBe('2024-03-01T10:00:00.000Z');
    expect(c.recent_orders.map((o: { id: string }) => o.id)).toEqual(['a-4', 'a-3', 'a-2', 'a-1']);
    expect(c.recent_orders[1]).toMatchObject({ total: 15_000, currency: 'EUR', status: 'delivered' });
    expect(c.current_cart).toMatchObject({ total: 1_600, items: [{ product_id: 'cup', quantity: 2, unit_price: 800 }] });
    expect(c.favorite_categories).toEqual(['Tea', 'Cups']);
    expect(c.average_order_value).toBe(20_000);
    expect(c.purchase_frequency).toBe('every ~45 days');
    expect(c.seasonal_patterns.by_month).toHaveLength(12);
    expect(c).toHaveProperty('previous_conversations');
    expect(c).toHaveProperty('satisfaction_score');
    expect(c).toHaveProperty('escalation_history');
    expect(c).toHaveProperty('current_page');
    expect(c).toHaveProperty('session_duration');
    expect(c).toHaveProperty('pages_visited');
    expect(c).toHaveProperty('products_viewed');
    expect(c.unavailable).toEqual([]);
  });

  it('lists orders newest first with a limit, and validates the limit', async () => {
    const res = await get(a, `${base(a, aliceContact)}/orders?limit=2`);
    expect(res.status).toBe(200);
    expect(res.body.orders.map((o: { id: string }) => o.id)).toEqual(['a-4', 'a-3']);
    expect(res.body.orders[0].items[0]).toMatchObject({ product_id: 'cup', category: 'Cups', quantity: 1 });
    expect((await get(a, `${base(a, aliceContact)}/orders?limit=0`)).body.code).toBe('VALIDATION_FAILED');
    expect((await get(a, `${base(a, aliceContact)}/orders?limit=51`)).status).toBe(400);
    expect((await get(a, `${base(a, aliceContact)}/orders?limit=abc`)).status).toBe(400);
    expect((await get(a, `${base(a, aliceContact)}/orders`)).body.orders).toHaveLength(4);
  });

  it('answers the cart', async () => {
    const res = await get(a, `${base(a, aliceContact)}/cart`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      customer_id: 'alice',
      total: 1_600,
      currency: 'EUR',
      items: [{ product_id: 'cup', quantity: 2 }],
    });
    expect(res.body.updated_at).toEqual(expect.any(String));
  });

  it('answers insights: tier progress, trend, seasons, churn risk', async () => {
    const res = await get(a, `${base(a, aliceContact)}/insights`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.tier_progress).toEqual({
      tier: 'Gold',
      next_tier: 'Platinum',
      next_tier_at: 100_000,
      remaining: 40_000,
      progress_percent: 20,
      total_spent: 60_000,
    });
    expect(res.body.monthly_spend).toHaveLength(12);
    expect(res.body.monthly_spend.reduce((s: number, m: { total: number }) => s + m.total, 0)).toBe(60_000);
    expect(['up', 'down', 'flat', 'new']).toContain(res.body.spend_trend.direction);
    expect(res.body.churn_risk).toMatchObject({ level: 'low', days_since_last_order: 30 });
    expect(res.body.seasonal_patterns.by_month).toHaveLength(12);
  });

  it('recommends in-stock products bought together or of favourite categories, never already bought ones', async () => {
    const res = await get(a, `${base(a, aliceContact)}/recommendations`);
    expect(res.status, res.text).toBe(200);
    const ids = res.body.recommendations.map((r: { product_id: string }) => r.product_id);
    expect(ids[0]).toBe('kettle');
    expect(res.body.recommendations[0]).toMatchObject({
      reason_code: 'bought_together',
      reason: expect.stringContaining('Green tea'),
    });
    expect(ids).toContain('oolong');
    expect(res.body.recommendations.find((r: { product_id: string }) => r.product_id === 'oolong').reason_code).toBe(
      'favorite_category',
    );
    for (const bought of ['green', 'black', 'cup']) expect(ids).not.toContain(bought);
    expect(ids).not.toContain('matcha'); // out of stock
  });

  it('answers a contact without a customer with linked:false and a message, and 404 for its sub-resources', async () => {
    const visitor = t.fake.state.createContact(a.accountId, { name: 'Anonymous visitor' }, { silent: true });
    const res = await get(a, base(a, visitor.id));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ linked: false, customer: null, contact_id: visitor.id, recent_orders: [] });
    expect(res.body.message).toMatch(/not linked to a customer/);
    for (const sub of ['orders', 'cart', 'insights', 'recommendations']) {
      const r = await get(a, `${base(a, visitor.id)}/${sub}`);
      expect(r.status, sub).toBe(404);
      expect(r.body.code).toBe('CUSTOMER_NOT_LINKED');
    }
  });

  it('does not find a contact of another account (404) and leaks nothing', async () => {
    const res = await get(a, base(a, bobContact));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('CONTACT_NOT_FOUND');
    // The request id is a random UUID (it can contain "b-1"): look at everything but it.
    const withoutRequestId = (body: Record<string, unknown>) => JSON.stringify({ ...body, requestId: undefined });
    expect(withoutRequestId(res.body)).not.toMatch(/Bob|bob@/);
    const orders = await get(a, `${base(a, bobContact)}/orders`);
    expect(orders.status).toBe(404);
    expect(withoutRequestId(orders.body)).not.toMatch(/Bob|b-1/);
  });

  it('reflects a new order after the order.changed event (cache invalidated)', async () => {
    const cache = t.get(ContextCacheService);
    const first = await get(a, base(a, aliceContact));
    expect(first.body.customer.order_count).toBe(3);
    const hitsBefore = cache.cache.hits;
    expect((await get(a, base(a, aliceContact))).body.customer.order_count).toBe(3);
    expect(cache.cache.hits).toBe(hitsBefore + 1);
    await putOrder(t, a.storeId, 'alice', {
      orderId: 'a-5',
      totalAmount: 45_000,
      placedAt: daysAgo(1),
      items: [item('black', 'Tea', 1_200, 30)],
    });
    await eventually(async () => {
      const res = await get(a, base(a, aliceContact));
      expect(res.body.customer.order_count).toBe(4);
      expect(res.body.customer.tier).toBe('Platinum');
      expect(res.body.recent_orders[0].id).toBe('a-5');
    }, 15_000);
  });

  it('shows previous conversations and satisfaction recorded by the webhooks module', async () => {
    const conversation = t.fake.state.createConversation(a.accountId, { contactId: aliceContact, inboxId: a.inboxId });
    t.fake.state.addMessage(a.accountId, conversation.display_id, { messageType: 'incoming', content: 'Where is my tea?' });
    t.fake.state.setStatus(a.accountId, conversation.display_id, 'resolved');
    t.fake.state.submitCsat(a.accountId, conversation.display_id, 4);
    await t.fake.flushWebhooks();
    // conversation.changed (created, resolved, rated) drops the cached context, so the cache
    // never holds the old score: no clearing here.
    await eventually(async () => {
      const res = await get(a, base(a, aliceContact));
      expect(res.body.previous_conversations.map((c: { id: number }) => c.id)).toContain(conversation.display_id);
      expect(res.body.satisfaction_score).toBe(4);
      expect(res.body.rated_conversations).toBe(1);
    }, 20_000);
  });

  it('uses a fixed number of SQL round trips whatever the order count', async () => {
    const db = t.get(DataSource);
    const many = await seedCustomer(t, a, {
      customerId: 'many',
      name: 'Many Orders',
      email: 'many@example.test',
      orders: Array.from({ length: 60 }, (_, i) => ({
        orderId: `m-${i}`,
        totalAmount: 1_000 + i,
        placedAt: daysAgo(300 - i * 4),
        items: [item(i % 2 ? 'green' : 'black', 'Tea', 1_000)],
      })),
    });
    const few = await seedCustomer(t, a, {
      customerId: 'few',
      name: 'Few Orders',
      email: 'few@example.test',
      orders: [{ orderId: 'f-1', totalAmount: 1_000, placedAt: daysAgo(3), items: [item('green', 'Tea', 1_000)] }],
    });
    // Counts the statements issued on behalf of one request only (background jobs run in other async contexts).
    const count = async (contactId: number) => {
      // Warm the short-lived store lookup first: seeding can outlast its TTL, and then only the
      // first count would pay for it. The context cache (what is measured) is cleared after.
      await get(a, base(a, contactId));
      t.get(ContextCacheService).clear();
      const scope = new AsyncLocalStorage<{ queries: number }>();
      const proto = Object.getPrototypeOf(db.createQueryRunner()) as { query: (...args: unknown[]) => Promise<unknown> };
      const original = proto.query;
      proto.query = function (this: unknown, ...args: unknown[]) {
        const counter = scope.getStore();
        if (counter) counter.queries++;
        return original.apply(this, args);
      };
      const counter = { queries: 0 };
      try {
        const res = await scope.run(counter, () => get(a, base(a, contactId)));
        expect(res.status).toBe(200);
      } finally {
        proto.query = original;
      }
      return counter.queries;
    };
    const manyQueries = await count(many);
    const fewQueries = await count(few);
    expect(manyQueries).toBe(fewQueries);
    expect(manyQueries).toBeLessThanOrEqual(20);
  });

  it('serves the dashboard app only Chatwoot may frame, with the Chatwoot origin written into the page', async () => {
    const res = await t.request('GET', `/dashboard-app?token=${a.contextToken}`, { auth: null });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const csp = String(res.headers['content-security-policy']);
    const chatwoot = new URL(t.config.CHATWOOT_URL).origin;
    expect(csp).toContain(`frame-ancestors ${chatwoot}`);
    expect(csp).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.text).toContain(`<meta name="chatwoot-origin" content="${chatwoot}" />`);
    expect(res.text).not.toContain(a.contextToken);
    const js = await t.request('GET', '/dashboard-app/app.js', { auth: null });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.text).toContain('chatwoot-dashboard-app:fetch-info');
    expect(js.text).not.toMatch(/innerHTML/);
    expect((await t.request('GET', '/dashboard-app/app.css', { auth: null })).headers['content-type']).toMatch(/text\/css/);
  });

  it('records the notification for discount codes through the notifications module', async () => {
    const res = await t.request('POST', `${base(a, aliceContact)}/discount-codes`, {
      auth: null,
      headers: ctxHeaders(a),
      body: { type: 'percent', value: 5, agentId: 901, agentName: 'Dana' },
    });
    expect(res.status, res.text).toBe(201);
    const { items } = await t.get(NotificationService).list(a.storeId, { type: 'discount_code.created', page: 1, pageSize: 10 });
    expect(items.map((n) => (n.payload as { code: string }).code)).toContain(res.body.code);
  });
});
