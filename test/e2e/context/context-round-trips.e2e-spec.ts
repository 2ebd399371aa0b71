import { AsyncLocalStorage } from 'node:async_hooks';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { ContextCacheService } from '../../../src/context/context-cache.service';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';
import { ctxHeaders, item, putProduct, seedCustomer } from './context-fixtures';

const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();

/**
 * Round trips to PostgreSQL per request, counted at the driver (`pg` Client#query, which every
 * TypeORM query and raw statement goes through), for the statements issued by that request only:
 * background jobs run in other async contexts and are not counted.
 */
function roundTripCounter() {
  const scope = new AsyncLocalStorage<{ queries: string[] }>();
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const counter = scope.getStore();
    const text = args[0];
    if (counter) counter.queries.push(typeof text === 'string' ? text : String((text as { text?: string })?.text));
    return original.apply(this, args);
  };
  return {
    async count<T>(fn: () => Promise<T>): Promise<{ result: T; queries: string[] }> {
      const counter = { queries: [] as string[] };
      const result = await scope.run(counter, fn);
      return { result, queries: counter.queries };
    },
    restore: () => (proto.query = original),
  };
}

describe('context API round trips', () => {
  let t: TestApp;
  let a: SeededStore;
  let many: number;
  let few: number;
  let counter: ReturnType<typeof roundTripCounter>;
  const base = (contactId: number) => `/v1/context/accounts/${a.accountId}/contacts/${contactId}`;
  const get = (path: string) => t.request('GET', path, { auth: null, headers: ctxHeaders(a) });

  beforeAll(async () => {
    t = await startTestApp();
    a = await seedStore(t, { name: 'Tea Shop' });
    await putProduct(t, a.storeId, { productId: 'green', name: 'Green tea', category: 'Tea', price: 1_000 });
    many = await seedCustomer(t, a, {
      customerId: 'many',
      name: 'Many Orders',
      email: 'many@example.test',
      orders: Array.from({ length: 40 }, (_, i) => ({
        orderId: `m-${i}`,
        totalAmount: 1_000 + i,
        placedAt: daysAgo(300 - i * 7),
        items: [item('green', 'Tea', 1_000), item('black', 'Tea', 500)],
      })),
      cart: [item('green', 'Tea', 1_000)],
    });
    few = await seedCustomer(t, a, {
      customerId: 'few',
      name: 'Few Orders',
      email: 'few@example.test',
      orders: [{ orderId: 'f-1', totalAmount: 1_000, placedAt: daysAgo(3), items: [item('green', 'Tea', 1_000)] }],
    });
    // A storefront session, conversations and an escalation, so every section of the read has rows.
    const db = t.get(DataSource);
    await db.query(
      `insert into tracking_sessions (store_id, session_id, customer_id, first_seen, last_seen, current_url, page_views, product_views)
       values ($1, 'sess-many-1', 'many', now() - interval '5 minutes', now() - interval '1 minute', 'https://shop.test/p/green', 7, 2)`,
      [a.storeId],
    );
    await db.query(
      `insert into tracking_events (store_id, session_id, customer_id, type, at, url, product_id) values
       ($1, 'sess-many-1', 'many', 'product_view', now() - interval '4 minutes', 'https://shop.test/p/black', 'black'),
       ($1, 'sess-many-1', 'many', 'page_view', now() - interval '3 minutes', 'https://shop.test/', null),
       ($1, 'sess-many-1', 'many', 'product_view', now() - interval '2 minutes', 'https://shop.test/p/green', 'green')`,
      [a.storeId],
    );
    await db.query(
      `insert into conversations (store_id, display_id, contact_id, customer_id, status, labels, created_at, csat_rating)
       values ($1, 9001, $2, 'many', 'resolved', '["tea"]', now() - interval '2 days', 5),
              ($1, 9002, $2, 'many', 'open', '[]', now() - interval '1 day', null)`,
      [a.storeId, many],
    );
    await db.query(
      `insert into escalations (store_id, conversation_id, contact_id, customer_id, reason, agent_name, state)
       values ($1, 9002, $2, 'many', 'Late parcel', 'Dana', 'done')`,
      [a.storeId, many],
    );
    // Warm the short-lived store lookup (auth), which is not what is measured.
    await get(base(few));
    counter = roundTripCounter();
  }, 120_000);
  afterAll(async () => {
    counter?.restore();
    await t?.close();
  });

  const cold = async (path: string) => {
    t.get(ContextCacheService).clear();
    const { result, queries } = await counter.count(() => get(path));
    expect(result.status, result.text).toBe(200);
    return { body: result.body, queries };
  };

  it('answers a cold context in at most 4 round trips, whatever the order count', async () => {
    const withMany = await cold(base(many));
    const withFew = await cold(base(few));
    // The counter sees the request's statements (a cold answer cannot come from nowhere).
    expect(withMany.queries.length).toBeGreaterThanOrEqual(1);
    // One read for the customer's whole context, plus the agent's allowances (order actions and
    // discount codes used today), which are read fresh on every call.
    expect(withMany.queries.length, withMany.queries.join('\n---\n')).toBeLessThanOrEqual(4);
    expect(withFew.queries.length).toBe(withMany.queries.length);
    // ...and the answer is complete: every section came from that read.
    const c = withMany.body;
    expect(c.customer).toMatchObject({ id: 'many', order_count: 40 });
    expect(c.recent_orders.map((o: { id: string }) => o.id)).toEqual(['m-39', 'm-38', 'm-37', 'm-36', 'm-35']);
    expect(c.recent_orders[0].items.map((i: { product_id: string }) => i.product_id)).toEqual(['green', 'black']);
    expect(c.recent_orders[0].shipments).toEqual([]);
    expect(c.current_cart).toMatchObject({ total: 1_000, items: [{ product_id: 'green', quantity: 1 }] });
    expect(c.favorite_categories).toEqual(['Tea']);
    expect(c.previous_conversations.map((v: { id: number }) => v.id)).toEqual([9002, 9001]);
    expect(c.previous_conversations[1]).toMatchObject({ status: 'resolved', labels: ['tea'], csat_rating: 5 });
    expect(c.satisfaction_score).toBe(5);
    expect(c.rated_conversations).toBe(1);
    expect(c.escalation_history).toEqual([
      expect.objectContaining({ conversation_id: 9002, reason: 'Late parcel', agent_name: 'Dana', state: 'done' }),
    ]);
    expect(c.current_page).toBe('https://shop.test/p/green');
    expect(c.session_active).toBe(true);
    expect(c.session_duration).toBe(240);
    expect(c.pages_visited).toBe(7);
    expect(c.products_viewed).toEqual([
      { productId: 'green', name: null, url: null },
      { productId: 'black', name: null, url: null },
    ]);
    expect(c.unavailable).toEqual([]);
  });

  it('answers cold orders in at most 3 round trips, and a cached context with only the agent allowance reads', async () => {
    const orders = await cold(`${base(many)}/orders?limit=50`);
    expect(orders.queries.length).toBeGreaterThanOrEqual(1);
    expect(orders.queries.length).toBeLessThanOrEqual(3);
    expect(orders.body.orders).toHaveLength(40);
    await get(base(many));
    const { result, queries } = await counter.count(() => get(base(many)));
    expect(result.status).toBe(200);
    // Cached: nothing about the customer is read again; only what changes with the agent's own
    // actions on any customer (order actions, discount codes today) is.
    expect(queries.length).toBeLessThanOrEqual(3);
    for (const q of queries) expect(q).toMatch(/order_actions|discount_codes/);
    const metrics = await t.request('GET', '/metrics', { auth: null });
    expect(metrics.text).toMatch(/^context_read_duration_seconds_count\{view="orders"\} [1-9]/m);
    expect(metrics.text).toMatch(/^context_read_duration_seconds_count\{view="context"\} [1-9]/m);
  });
});
