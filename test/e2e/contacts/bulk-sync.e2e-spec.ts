import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncRunService } from '../../../src/contacts/sync-run.service';
import { startFakeChatwoot, type FakeChatwoot } from '../../fake-chatwoot';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

const CUSTOMERS = 3000;
const ENV = {
  CHATWOOT_BUDGET_PER_WINDOW: '100000',
  CONTACT_SYNC_RATE_PER_MINUTE: '100000',
  PLATFORM_INGEST_RATE_PER_MINUTE: '5',
};

describe('contacts: bulk sync runs', () => {
  let fake: FakeChatwoot;
  let t: TestApp;
  let s: SeededStore;

  const run = (id: string) => t.request('GET', `/v1/stores/${s.storeId}/sync-runs/${id}`);
  const createdContacts = () =>
    fake.requests.filter((r) => r.method === 'POST' && r.path === `/api/v1/accounts/${s.accountId}/contacts` && r.status === 200)
      .length;

  beforeAll(async () => {
    fake = await startFakeChatwoot();
    // This test is about the run, not about Chatwoot's echo webhooks (3000 contact_created
    // deliveries would triple its time on a loaded CI machine); echoes are tested elsewhere.
    fake.webhooksEnabled = false;
    t = await startTestApp({ fake, env: ENV });
    s = await seedStore(t);
    const db = t.get(DataSource);
    await db.query(
      `insert into customers (store_id, customer_id, email, name, marketing_consent, registered_at, updated_at)
       select $1, 'cust-' || lpad(n::text, 5, '0'), 'cust' || n || '@example.test', 'Customer ' || n, n % 2 = 0,
              timestamptz '2024-01-01' + n * interval '1 hour', now()
       from generate_series(1, $2) as n`,
      [s.storeId, CUSTOMERS],
    );
    await db.query(
      `insert into orders (store_id, order_id, customer_id, status, currency, total_amount, placed_at, updated_at)
       select $1, 'ord-' || n, 'cust-' || lpad(n::text, 5, '0'), case when n % 30 = 0 then 'cancelled' else 'paid' end, 'EUR',
              n * 100, timestamptz '2024-05-01', now()
       from generate_series(1, $2, 3) as n`,
      [s.storeId, CUSTOMERS],
    );
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('syncs thousands of customers, survives a restart mid-run and creates each contact once', async () => {
    const started = await t.request('POST', `/v1/stores/${s.storeId}/contacts/sync`);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'running', total: CUSTOMERS, done: 0 });
    const runId: string = started.body.id;
    const startedAt = Date.now();
    // Asking again while it runs returns the same run.
    expect((await t.request('POST', `/v1/stores/${s.storeId}/contacts/sync`)).body.id).toBe(runId);

    await eventually(async () => expect((await run(runId)).body.done).toBeGreaterThanOrEqual(500), 60_000, 100);
    const before = (await run(runId)).body;
    expect(before.state).toBe('running');
    console.log('closing mid-run at', before.done, 'after', Date.now() - startedAt, 'ms');
    const databaseUrl = t.databaseUrl;
    await t.close();

    t = await startTestApp({ fake, databaseUrl, env: ENV });
    const finished = await eventually(
      async () => {
        const body = (await run(runId)).body;
        expect(body.state).toBe('done');
        return body;
      },
      200_000,
      250,
    );
    console.log('run finished', JSON.stringify(finished), 'after', Date.now() - startedAt, 'ms');
    expect(finished.total).toBe(CUSTOMERS);
    expect(finished.done).toBe(CUSTOMERS);
    expect(finished.failed).toBe(0);
    expect(finished.created + finished.updated + finished.unchanged).toBe(CUSTOMERS);
    expect(finished.created).toBeGreaterThan(CUSTOMERS - 200);

    const contacts = fake.state.contactsOf(s.accountId);
    expect(contacts).toHaveLength(CUSTOMERS);
    expect(new Set(contacts.map((c) => c.identifier)).size).toBe(CUSTOMERS);
    expect(createdContacts()).toBe(CUSTOMERS);
    const c4 = contacts.find((c) => c.identifier === 'cust-00004')!;
    expect(c4.custom_attributes).toMatchObject({ order_count: 1, total_spent: '€4.00', marketing_consent: true });
    const c30 = contacts.find((c) => c.identifier === 'cust-00031')!;
    expect(c30.custom_attributes).toMatchObject({ order_count: 1, customer_tier: 'Bronze' });
    const c2 = contacts.find((c) => c.identifier === 'cust-00002')!;
    expect(c2.custom_attributes).toMatchObject({ order_count: 0, purchase_frequency: 'none', average_order_value: '€0.00' });
  }, 300_000);

  it('a second run finds everything unchanged and writes nothing to Chatwoot', async () => {
    fake.resetRequests();
    const started = await t.request('POST', `/v1/stores/${s.storeId}/contacts/sync`);
    expect(started.status).toBe(202);
    const finished = await eventually(
      async () => {
        const body = (await run(started.body.id)).body;
        expect(body.state).toBe('done');
        return body;
      },
      60_000,
      250,
    );
    expect(finished).toMatchObject({ done: CUSTOMERS, unchanged: CUSTOMERS, created: 0, updated: 0, failed: 0 });
    expect(fake.requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  }, 120_000);

  it('the schedule scan starts a run for a store seen for the first time, then waits for the cron', async () => {
    const runs = t.get(SyncRunService);
    const first = await runs.scan();
    expect(first.started).toEqual([s.storeId]);
    const second = await runs.scan();
    expect(second.started).toEqual([]);
    const [schedule] = await t
      .get(DataSource)
      .query('select next_run_at from contact_sync_schedules where store_id = $1', [s.storeId]);
    expect(new Date(schedule.next_run_at).getTime()).toBeGreaterThan(Date.now());
    const due = await runs.scan(new Date(Date.now() + 2 * 86_400_000));
    expect(due.started).toEqual([s.storeId]);
  });

  it('limits platform requests per store (PLATFORM_INGEST_RATE_PER_MINUTE)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.request('POST', '/v1/stores/limited-store/contacts/sync')).status);
    expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(statuses[5]).toBe(429);
    // Another store has its own budget.
    expect((await t.request('POST', '/v1/stores/other-store/contacts/sync')).status).toBe(404);
  });
});
