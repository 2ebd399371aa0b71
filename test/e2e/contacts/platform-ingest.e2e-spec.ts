import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

const CUSTOMERS = 1000;

function customer(id: number, updatedAt = '2024-06-01T12:00:00Z', extra: object = {}) {
  return {
    email: `seed${id}@example.test`,
    name: `Seed ${id}`,
    marketingConsent: id % 2 === 0,
    registeredAt: '2024-01-15T10:00:00Z',
    updatedAt,
    ...extra,
  };
}

function order(id: number, updatedAt = '2024-06-01T12:00:00Z', extra: object = {}) {
  return {
    customerId: `seed-${id}`,
    status: 'paid',
    currency: 'EUR',
    totalAmount: 1000 + id,
    placedAt: '2024-06-01T11:58:00Z',
    updatedAt,
    items: [{ productId: `p-${id % 7}`, name: 'Mug', category: 'Kitchen', quantity: 1, unitPrice: 1000 + id }],
    ...extra,
  };
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

describe('platform ingestion at the default configuration', () => {
  let t: TestApp;
  let s: SeededStore;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    // About the intake, not the echo webhooks of the contacts it creates.
    t.fake.webhooksEnabled = false;
    s = await seedStore(t);
    db = t.get(DataSource);
  });
  afterAll(() => t?.close());

  it(`takes ${CUSTOMERS} customers with their orders through the PUTs without a single 429`, async () => {
    const statuses = new Map<number, number>();
    const seen = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const ids = Array.from({ length: CUSTOMERS }, (_, i) => i + 1);
    await pool(ids, 16, async (id) => {
      seen((await t.request('PUT', `/v1/stores/${s.storeId}/customers/seed-${id}`, { body: customer(id) })).status);
      seen((await t.request('PUT', `/v1/stores/${s.storeId}/orders/order-${id}`, { body: order(id) })).status);
      if (id % 4 === 0) {
        const cart = { updatedAt: '2024-06-01T12:00:00Z', items: [] };
        seen((await t.request('PUT', `/v1/stores/${s.storeId}/customers/seed-${id}/cart`, { body: cart })).status);
      }
    });
    expect(Object.fromEntries(statuses)).toEqual({ 200: CUSTOMERS * 2 + CUSTOMERS / 4 });
    const [counts] = await db.query(
      `select (select count(*)::int from customers where store_id = $1) as customers,
              (select count(*)::int from orders where store_id = $1) as orders`,
      [s.storeId],
    );
    expect(counts).toEqual({ customers: CUSTOMERS, orders: CUSTOMERS });
  }, 240_000);

  describe('POST /v1/stores/:storeId/import', () => {
    const importBody = (from: number, count: number, updatedAt?: string) => ({
      customers: Array.from({ length: count }, (_, i) => ({ customerId: `bulk-${from + i}`, ...customer(from + i, updatedAt) })),
      orders: Array.from({ length: count }, (_, i) => ({
        orderId: `bulk-order-${from + i}`,
        ...order(from + i, updatedAt, { customerId: `bulk-${from + i}` }),
      })),
    });

    it('applies many customers and orders in one request, then reports a replay as stale', async () => {
      const first = await t.request('POST', `/v1/stores/${s.storeId}/import`, { body: importBody(1, 300) });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ applied: 600, stale: 0, invalid: 0 });
      expect(first.body.customers[0]).toEqual({ index: 0, id: 'bulk-1', result: 'applied' });
      expect(first.body.orders[299]).toEqual({ index: 299, id: 'bulk-order-300', result: 'applied' });
      const [row] = await db.query(
        `select count(*)::int as n from orders o join customers c using (store_id, customer_id)
         where o.store_id = $1 and o.order_id like 'bulk-order-%'`,
        [s.storeId],
      );
      expect(row.n).toBe(300);

      const replay = await t.request('POST', `/v1/stores/${s.storeId}/import`, { body: importBody(1, 300) });
      expect(replay.body).toMatchObject({ applied: 0, stale: 600, invalid: 0 });
    }, 120_000);

    it('validates each record like its PUT and applies the rest, newest wins', async () => {
      const res = await t.request('POST', `/v1/stores/${s.storeId}/import`, {
        body: {
          customers: [
            { customerId: 'bulk-1', ...customer(1, '2024-07-01T00:00:00Z', { name: 'Renamed' }) },
            { customerId: 'bulk-2', ...customer(2, '2023-01-01T00:00:00Z', { name: 'Older' }) },
            { customerId: 'bulk-new', ...customer(9, '2024-06-01T12:00:00Z', { email: 'not-an-email' }) },
            { customerId: 'bad id!', ...customer(10) },
            { customerId: 'bulk-extra', ...customer(11), admin: true },
          ],
          orders: [{ orderId: 'bulk-order-x', ...order(1, undefined, { customerId: 'bulk-1', items: [{ productId: 'p' }] }) }],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ applied: 1, stale: 1, invalid: 4 });
      const results = res.body.customers.map((r: { result: string }) => r.result);
      expect(results).toEqual(['applied', 'stale', 'invalid', 'invalid', 'invalid']);
      expect(res.body.customers[2].errors).toEqual([{ field: 'email', message: 'email must be an email' }]);
      expect(res.body.customers[3].errors.map((e: { field: string }) => e.field)).toContain('customerId');
      expect(res.body.customers[4].errors).toEqual([{ field: 'admin', message: 'property admin should not exist' }]);
      expect(res.body.orders[0]).toMatchObject({ id: 'bulk-order-x', result: 'invalid' });
      expect(res.body.orders[0].errors.map((e: { field: string }) => e.field)).toContain('items.0.quantity');
      const names = await db.query(
        `select customer_id, name from customers where store_id = $1 and customer_id in ('bulk-1', 'bulk-2') order by 1`,
        [s.storeId],
      );
      expect(names).toEqual([
        { customer_id: 'bulk-1', name: 'Renamed' },
        { customer_id: 'bulk-2', name: 'Seed 2' },
      ]);
    });

    it('refuses more records than one import may hold, and unknown stores', async () => {
      const big = await t.request('POST', `/v1/stores/${s.storeId}/import`, { body: importBody(5000, 501) });
      expect(big.status).toBe(400);
      expect(big.body.code).toBe('IMPORT_TOO_LARGE');
      const tooMany = await t.request('POST', `/v1/stores/${s.storeId}/import`, {
        body: { customers: Array.from({ length: 1001 }, () => ({})) },
      });
      expect(tooMany.status).toBe(400);
      const unknown = await t.request('POST', '/v1/stores/no-such-store/import', { body: importBody(1, 1) });
      expect(unknown.status).toBe(404);
      expect((await t.request('POST', `/v1/stores/${s.storeId}/import`, { body: { customers: 'x' } })).status).toBe(400);
    });
  });
});

describe('contact writes keep to CONTACT_SYNC_RATE_PER_MINUTE', () => {
  const PACE = 5;
  let t: TestApp;
  let s: SeededStore;

  beforeAll(async () => {
    t = await startTestApp({ env: { CONTACT_SYNC_RATE_PER_MINUTE: String(PACE) } });
    t.fake.webhooksEnabled = false;
    s = await seedStore(t);
  });
  afterAll(() => t?.close());

  /** Contact creates and updates that reached the fake Chatwoot for this account. */
  const contactWrites = () =>
    t.fake.requests.filter(
      (r) =>
        r.accountId === s.accountId &&
        ((r.method === 'POST' && /\/contacts$/.test(r.path)) ||
          (/^(PUT|PATCH)$/.test(r.method) && /\/contacts\/\d+$/.test(r.path))),
    );

  const metric = async (name: string) => {
    const metrics = await t.request('GET', '/metrics', { auth: null });
    return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(metrics.text)?.[1] ?? 0);
  };

  it('paces contact syncs instead of refusing platform writes: real-time syncs are re-queued, bulk runs wait', async () => {
    // Platform writes beyond the pace are all accepted...
    for (let i = 1; i <= 12; i++) {
      const res = await t.request('PUT', `/v1/stores/${s.storeId}/customers/paced-${i}`, { body: customer(i) });
      expect(res.status).toBe(200);
    }
    // ...and their contact syncs go out at the pace; the rest are queued for the next window.
    await eventually(
      async () => {
        expect(await metric('contacts_sync_paced_total')).toBeGreaterThan(0);
        expect(contactWrites().length).toBe(PACE);
      },
      30_000,
      100,
    );
    await eventually(async () => {
      const [deferred] = await t
        .get(DataSource)
        .query(
          `select count(*)::int as n from pgboss.job where name = 'contacts.sync' and state = 'created' and start_after > now()`,
        );
      expect(deferred.n).toBeGreaterThan(0);
    });

    // A bulk run of the same store waits for the pace in its worker.
    const run = await t.request('POST', `/v1/stores/${s.storeId}/contacts/sync`);
    expect(run.status).toBe(202);
    await eventually(async () => expect(await metric('contacts_sync_pace_waiting')).toBeGreaterThan(0), 30_000, 100);

    const writes = contactWrites();
    const windowStart = writes[0].at;
    expect(writes.filter((w) => w.at < windowStart + 60_000).length).toBeLessThanOrEqual(PACE);
    const progress = await t.request('GET', `/v1/stores/${s.storeId}/sync-runs/${run.body.id}`);
    expect(progress.body).toMatchObject({ state: 'running' });
  }, 60_000);
});
