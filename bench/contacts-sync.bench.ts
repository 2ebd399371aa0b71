/**
 * Bulk contact sync of a whole store against the fake Chatwoot: customers per second, Chatwoot
 * calls per changed contact and database queries per batch, for a first run (every contact
 * created) and a re-run (nothing changed). Baseline measured in the same run: the naive way of
 * computing the attributes, a handful of queries per customer, against the set-based query.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../src/accounts/store-directory.service';
import { listenForSeeding } from './support/seeding-app';
import { createApp } from '../src/app.factory';
import { computeContactAttributes, type CustomerBasis } from '../src/contacts/attributes/compute-attributes';
import { isCountedStatus } from '../src/contacts/attributes/order-stats';
import { storeFormat } from '../src/contacts/contact-sync.service';
import { CustomerBasisRepository } from '../src/contacts/customer-basis.repository';
import { BATCH_SIZE, SyncRunService } from '../src/contacts/sync-run.service';
import { loadConfig } from '../src/config/app-config';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { startFakeChatwoot } from '../test/fake-chatwoot';
import { seedStore } from '../test/support/seed-store';
import type { BenchResult } from './bench-result';

const CUSTOMERS = 5000;

/** Counts queries sent by the service's own pool (TypeORM), not pg-boss's. */
const counter = { queries: 0 };
function countQueries(): void {
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown; __counted?: boolean };
  if (proto.__counted) return;
  const original = proto.query;
  proto.query = function (this: { connectionParameters?: { application_name?: string } }, ...args: unknown[]) {
    if (this.connectionParameters?.application_name === 'chatwoot-bridge') counter.queries++;
    return original.apply(this, args);
  };
  proto.__counted = true;
}

export async function run(): Promise<BenchResult> {
  countQueries();
  const dir = mkdtempSync(join(tmpdir(), 'contacts-bench-'));
  const pg = await startEmbeddedPostgres({ dataDir: dir, fsync: false, database: 'bench' });
  const fake = await startFakeChatwoot();
  fake.webhooksEnabled = false;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: pg.url,
    CHATWOOT_URL: fake.url,
    CHATWOOT_PLATFORM_TOKEN: fake.platformToken,
    PLATFORM_API_KEY: 'bench-platform-api-key-0123456789',
    LOG_LEVEL: 'silent',
    CRON_ENABLED: 'false',
    JOBS_POLL_SECONDS: '0.5',
    CHATWOOT_BUDGET_PER_WINDOW: '1000000',
    // Measures our own throughput, not the per-store contact write pace.
    CONTACT_SYNC_RATE_PER_MINUTE: '1000000',
  });
  const app = await createApp(config);
  const t = await listenForSeeding(app);
  try {
    const s = await seedStore(t);
    const db = app.get(DataSource);
    await db.query(
      `insert into customers (store_id, customer_id, email, name, marketing_consent, registered_at, updated_at)
       select $1, 'cust-' || lpad(n::text, 6, '0'), 'cust' || n || '@example.test', 'Customer ' || n, n % 2 = 0,
              timestamptz '2024-01-01' + n * interval '1 hour', now()
       from generate_series(1, $2) as n`,
      [s.storeId, CUSTOMERS],
    );
    await db.query(
      `insert into orders (store_id, order_id, customer_id, status, currency, total_amount, placed_at, updated_at)
       select $1, 'ord-' || n || '-' || k, 'cust-' || lpad(n::text, 6, '0'), case when k = 3 then 'refunded' else 'paid' end, 'EUR',
              1000 * k + n, timestamptz '2024-03-01' + k * interval '20 days', now()
       from generate_series(1, $2) as n, generate_series(1, 3) as k`,
      [s.storeId, CUSTOMERS],
    );
    await db.query(
      `insert into order_items (store_id, order_id, line, product_id, name, category, quantity, unit_price)
       select store_id, order_id, 1, 'p' || (total_amount % 40), 'Product', 'cat' || (total_amount % 7), 1 + total_amount % 3, 500
       from orders where store_id = $1`,
      [s.storeId],
    );
    await db.query('analyze');
    const runs = app.get(SyncRunService);
    const batches = Math.ceil(CUSTOMERS / BATCH_SIZE) + (CUSTOMERS % BATCH_SIZE === 0 ? 1 : 0);

    const measureRun = async () => {
      fake.resetRequests();
      const queriesBefore = counter.queries;
      const started = performance.now();
      const { id } = await runs.startRun(s.storeId, 'cli');
      let polls = 0;
      for (;;) {
        polls++;
        const [row] = await db.query('select state, created, updated, unchanged, failed from sync_runs where id = $1', [id]);
        if (row.state !== 'running') {
          const seconds = (performance.now() - started) / 1000;
          // The polling above is ours, not the run's: one query per poll.
          return { ...row, seconds, calls: fake.requests.length, queries: counter.queries - queriesBefore - polls };
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const first = await measureRun();
    const second = await measureRun();

    // Attribute computation alone: the set-based page query vs one round of queries per customer.
    const store = await app.get(StoreDirectory).get(s.storeId);
    const format = storeFormat(store);
    const bases = app.get(CustomerBasisRepository);
    let q0 = counter.queries;
    let started = performance.now();
    let cursor: string | null = null;
    let computed = 0;
    for (;;) {
      const page = await bases.forStore(s.storeId).page(store.currency, cursor, BATCH_SIZE);
      for (const basis of page) computeContactAttributes(basis, format);
      computed += page.length;
      if (page.length < BATCH_SIZE) break;
      cursor = page[page.length - 1].customerId;
    }
    const setBasedMs = performance.now() - started;
    const setBasedQueries = counter.queries - q0;

    q0 = counter.queries;
    started = performance.now();
    const ids: { customer_id: string }[] = await db.query(
      'select customer_id from customers where store_id = $1 order by customer_id',
      [s.storeId],
    );
    for (const { customer_id: customerId } of ids) {
      computeContactAttributes(await naiveBasis(db, s.storeId, customerId), format);
    }
    const naiveMs = performance.now() - started;
    const naiveQueries = counter.queries - q0;

    const changed = first.created + first.updated;
    return {
      name: 'contacts-sync',
      metrics: {
        customers: CUSTOMERS,
        first_run_customers_per_second: CUSTOMERS / first.seconds,
        first_run_chatwoot_calls_per_changed_contact: changed ? first.calls / changed : 0,
        first_run_db_queries_per_batch: first.queries / batches,
        first_run_created: first.created,
        first_run_failed: first.failed,
        rerun_customers_per_second: CUSTOMERS / second.seconds,
        rerun_chatwoot_calls: second.calls,
        rerun_unchanged: second.unchanged,
        rerun_db_queries_per_batch: second.queries / batches,
        attributes_set_based_ms: setBasedMs,
        attributes_set_based_queries_per_batch: setBasedQueries / Math.ceil(computed / BATCH_SIZE),
        attributes_naive_ms: naiveMs,
        attributes_naive_queries_per_batch: naiveQueries / Math.ceil(computed / BATCH_SIZE),
        attributes_naive_vs_set_based_time_ratio: naiveMs / setBasedMs,
        attributes_naive_vs_set_based_queries_ratio: naiveQueries / Math.max(1, setBasedQueries),
      },
      notes:
        `${CUSTOMERS} customers, 3 orders each (1 refunded), fake Chatwoot without webhooks, per-store concurrency ` +
        `${config.CHATWOOT_STORE_CONCURRENCY}; queries counted on the service pool (pg-boss excluded, our progress polling subtracted).`,
    };
  } finally {
    await app.close().catch(() => undefined);
    await fake.close();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The baseline: what a per-customer implementation would do (customer, orders, items, cart). */
async function naiveBasis(db: DataSource, storeId: string, customerId: string): Promise<CustomerBasis> {
  const [c] = await db.query('select * from customers where store_id = $1 and customer_id = $2', [storeId, customerId]);
  const orders: { order_id: string; status: string; currency: string; total_amount: string; placed_at: Date }[] = await db.query(
    'select * from orders where store_id = $1 and customer_id = $2',
    [storeId, customerId],
  );
  const counted = orders.filter((o) => isCountedStatus(o.status) && o.currency === 'EUR');
  const items: { category: string; quantity: number; unit_price: string }[] = await db.query(
    'select * from order_items where store_id = $1 and order_id = any($2::text[])',
    [storeId, counted.map((o) => o.order_id)],
  );
  const [cart] = await db.query('select items from carts where store_id = $1 and customer_id = $2', [storeId, customerId]);
  const categories = new Map<string, { category: string; quantity: number; spend: number }>();
  for (const i of items) {
    const entry = categories.get(i.category) ?? { category: i.category, quantity: 0, spend: 0 };
    entry.quantity += i.quantity;
    entry.spend += i.quantity * Number(i.unit_price);
    categories.set(i.category, entry);
  }
  const times = counted.map((o) => o.placed_at.getTime());
  return {
    customerId,
    email: c.email,
    name: c.name,
    phone: c.phone,
    language: c.language,
    marketingConsent: c.marketing_consent,
    registeredAt: c.registered_at,
    orderCount: counted.length,
    totalSpent: counted.reduce((sum, o) => sum + Number(o.total_amount), 0),
    firstOrderAt: times.length ? new Date(Math.min(...times)) : null,
    lastOrderAt: times.length ? new Date(Math.max(...times)) : null,
    categories: [...categories.values()],
    cartItems: cart?.items ?? [],
    conversationCount: c.conversation_count,
  };
}
