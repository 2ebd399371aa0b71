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

  it('answers a cold context in at most 2 round trips, whatever the order count', async () => {
    const withMany = await cold(base(many));
    const withFew = await cold(base(few));
    // The counter sees the request's statements (a cold answer cannot come from nowhere).
    expect(withMany.queries.length).toBeGreaterThanOrEqual(1);
    // One read for the customer's whole context, plus one for the agent's allowances (order actions,
    // refunds and discount codes used today), which is read fresh on every call.
    expect(withMany.queries.length, withMany.queries.join('\n---\n')).toBeLessThanOrEqual(2);
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

  it('answers cold orders in at most 3 round trips, and a cached context with only the agent allowance read', async () => {
    const orders = await cold(`${base(many)}/orders?limit=50`);
    expect(orders.queries.length).toBeGreaterThanOrEqual(1);
    expect(orders.queries.length).toBeLessThanOrEqual(3);
    expect(orders.body.orders).toHaveLength(40);
    await get(base(many));
    const { result, queries } = await counter.count(() => get(base(many)));
    expect(result.status).toBe(200);
    // Cached: nothing about the customer is read again; only what changes with the agent's own
    // actions on any customer (order actions, refunds and discount codes today) is, in one statement.
    expect(queries, queries.join('\n---\n')).toHaveLength(1);
    expect(queries[0]).toMatch(/order_actions[\s\S]*discount_codes/);
    const metrics = await t.request('GET', '/metrics', { auth: null });
    expect(metrics.text).toMatch(/^context_read_duration_seconds_count\{view="orders"\} [1-9]/m);
    expect(metrics.text).toMatch(/^context_read_duration_seconds_count\{view="context"\} [1-9]/m);
  });

  it("reads the agent's allowances from that one statement: only this agent's refunds and codes of the last 24 h", async () => {
    const db = t.get(DataSource);
    const action = (key: string, agentId: number | null, type: string, status: string, amount: number | null, ago: string) =>
      db.query(
        `insert into order_actions (store_id, idempotency_key, request_hash, order_id, customer_id, contact_id, type, status,
           amount, currency, lines, agent_id, agent_name, issued_via, created_at, updated_at, settled_at)
         values ($1, $2, 'h', 'm-39', 'many', $3, $4, $5, $6, 'EUR', '[{"productId":"green","quantity":1}]', $7, 'Dana',
           'context-token', now() - $8::interval, now() - $8::interval, case when $5 = 'pending' then null else now() - $8::interval end)`,
        [a.storeId, key, many, type, status, amount, agentId, ago],
      );
    await action('allow-1', 7, 'refund', 'succeeded', 1_200, '2 hours');
    await action('allow-2', 7, 'refund', 'pending', 300, '1 hour');
    await action('allow-3', 7, 'refund', 'failed', 5_000, '30 minutes');
    await action('allow-4', 7, 'refund', 'succeeded', 4_000, '25 hours');
    await action('allow-5', 8, 'refund', 'succeeded', 700, '10 minutes');
    await action('allow-6', null, 'refund', 'succeeded', 50, '5 minutes');
    await action('allow-7', 7, 'cancel', 'succeeded', null, '1 minute');
    const code = (n: number, agentId: number | null, ago: string) =>
      db.query(
        `insert into discount_codes (store_id, code, type, value, currency, agent_id, issued_via, created_at)
         values ($1, $2, 'percent', 5, 'EUR', $3, 'context-token', now() - $4::interval)`,
        [a.storeId, `ALLOW-${a.storeId}-${n}`, agentId, ago],
      );
    await code(1, 7, '1 hour');
    await code(2, 7, '23 hours');
    await code(3, 7, '25 hours');
    await code(4, 8, '1 hour');
    await code(5, null, '1 hour');
    t.get(ContextCacheService).clear();

    const asAgent7 = await get(`${base(many)}?agentId=7`);
    expect(asAgent7.status, asAgent7.text).toBe(200);
    expect(asAgent7.body.action_policy.refunded_by_agent_today).toBe(1_500);
    expect(asAgent7.body.discount_policy.used_by_agent_today).toBe(2);
    // The customer's actions, newest first, whoever did them.
    const ids = await db.query(
      `select id from order_actions where store_id = $1 and customer_id = 'many' order by created_at desc, id`,
      [a.storeId],
    );
    expect(asAgent7.body.order_actions.map((x: { id: string }) => x.id)).toEqual(ids.map((r: { id: string }) => r.id));
    expect(asAgent7.body.order_actions[0]).toMatchObject({
      type: 'cancel',
      status: 'succeeded',
      amount: null,
      lines: [{ product_id: 'green', quantity: 1 }],
      agent: { id: 7, name: 'Dana' },
    });
    expect(Date.parse(asAgent7.body.order_actions[0].created_at)).toBeGreaterThan(Date.now() - 5 * 60_000);

    // Cached or not, the allowances come fresh: another agent sees theirs.
    const { result: asAgent8, queries } = await counter.count(() => get(`${base(many)}?agentId=8`));
    expect(queries.length).toBe(1);
    expect(asAgent8.body.action_policy.refunded_by_agent_today).toBe(700);
    expect(asAgent8.body.discount_policy.used_by_agent_today).toBe(1);
    // No agent reported: the unknown ones share one allowance.
    const unknown = await get(base(many));
    expect(unknown.body.action_policy.refunded_by_agent_today).toBe(50);
    expect(unknown.body.discount_policy.used_by_agent_today).toBe(1);
    // An unlinked contact has no actions, but the agent's allowances still count.
    const visitor = t.fake.state.createContact(a.accountId, { name: 'Anonymous visitor' }, { silent: true });
    const unlinked = await get(`${base(visitor.id)}?agentId=7`);
    expect(unlinked.status, unlinked.text).toBe(200);
    expect(unlinked.body.order_actions).toEqual([]);
    expect(unlinked.body.action_policy.refunded_by_agent_today).toBe(1_500);
  });
});
