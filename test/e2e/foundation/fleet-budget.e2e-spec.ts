import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeChatwoot, type FakeChatwoot } from '../../fake-chatwoot';
import type { RecordedRequest } from '../../fake-chatwoot/fake-chatwoot.types';
import { eventually } from '../../support/eventually';
import { redisTestsEnabled, startRedis, type RedisHandle } from '../../support/redis-server';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startServiceProcess, type ServiceProcess } from '../../support/service-process';
import { PLATFORM_KEY, startTestApp } from '../../support/test-app';

const enabled = redisTestsEnabled('fleet budget');

/** A small window so the test is quick; the fake allows exactly the budget, as Chatwoot allows 3000/min. */
const BUDGET = 20;
const WINDOW_MS = 2_000;
const INSTANCES = 3;
const STORES_PER_PHASE = 4;
const CUSTOMERS_PER_STORE = 60;

/** Requests the fake counted per window of its limiter (epoch-aligned, as rack-attack counts). */
function perWindow(requests: RecordedRequest[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const r of requests) counts.set(Math.floor(r.at / WINDOW_MS), (counts.get(Math.floor(r.at / WINDOW_MS)) ?? 0) + 1);
  return counts;
}

/**
 * Use of the budget over the busy windows: after the first (partial) one and before the window in
 * which the first store ran out of work (from then on demand falls, whatever the budget does).
 */
function budgetUse(requests: RecordedRequest[], accounts: number[]): { windows: number; use: number; max: number } {
  const counts = perWindow(requests);
  const first = Math.min(...counts.keys());
  const lastOf = accounts.map((id) => Math.max(...requests.filter((r) => r.accountId === id).map((r) => r.at)));
  const end = Math.floor(Math.min(...lastOf) / WINDOW_MS);
  const inner: number[] = [];
  for (let w = first + 1; w < end; w += 1) inner.push(counts.get(w) ?? 0);
  const used = inner.reduce((sum, n) => sum + n, 0);
  return { windows: inner.length, use: used / (inner.length * BUDGET), max: Math.max(...counts.values()) };
}

/** Sum of the samples matching `pattern`; `missing` when there are none (a labelled counter before its first count). */
async function metric(service: ServiceProcess, pattern: RegExp, missing?: number): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !pattern.test(line)) continue;
    found = true;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  if (!found) {
    if (missing !== undefined) return missing;
    throw new Error(`no metric matching ${pattern}`);
  }
  return total;
}

async function startSync(service: ServiceProcess, storeId: string): Promise<string> {
  const response = await fetch(`${service.url}/v1/stores/${storeId}/contacts/sync`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PLATFORM_KEY}` },
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function runState(service: ServiceProcess, storeId: string, runId: string): Promise<string> {
  const response = await fetch(`${service.url}/v1/stores/${storeId}/sync-runs/${runId}`, {
    headers: { authorization: `Bearer ${PLATFORM_KEY}` },
  });
  return ((await response.json()) as { state: string }).state;
}

/**
 * Three instances behind one egress IP (all on loopback), one PostgreSQL, one Redis, one fake
 * Chatwoot whose rack-attack-like limiter allows exactly CHATWOOT_BUDGET_PER_WINDOW per window.
 */
describe.runIf(enabled)('one Chatwoot budget for the fleet (REDIS_URL)', () => {
  let redis: RedisHandle;
  let fake: FakeChatwoot;
  const services: ServiceProcess[] = [];
  const stores: SeededStore[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    fake = await startFakeChatwoot();
    // Echo webhooks would add their own (budgeted) traffic; this is about the sync's calls.
    fake.webhooksEnabled = false;
    // Seeding goes through an app of its own before the fleet starts, with no workers.
    const seeder = await startTestApp({ fake, env: { JOBS_ENABLED: 'false' } });
    for (let i = 0; i < 2 * STORES_PER_PHASE; i += 1) stores.push(await seedStore(seeder));
    const db = seeder.get(DataSource);
    for (const store of stores) {
      await db.query(
        `insert into customers (store_id, customer_id, email, name, marketing_consent, registered_at, updated_at)
         select $1, 'cust-' || n, 'cust' || n || '@' || $1 || '.example.test', 'Customer ' || n, false,
                timestamptz '2024-01-01' + n * interval '1 hour', now()
         from generate_series(1, $2) as n`,
        [store.storeId, CUSTOMERS_PER_STORE],
      );
    }
    const databaseUrl = seeder.databaseUrl;
    await seeder.close();
    const env = {
      REDIS_URL: redis.url,
      CHATWOOT_BUDGET_PER_WINDOW: String(BUDGET),
      CHATWOOT_BUDGET_WINDOW_MS: String(WINDOW_MS),
      CONTACT_SYNC_RATE_PER_MINUTE: '100000',
      CHATWOOT_TIMEOUT_MS: '5000',
      // No scheduled syncs: each phase syncs only the stores it starts.
      CRON_ENABLED: 'false',
    };
    // One after another: three compiling at once on a busy machine can miss the health deadline.
    for (let i = 0; i < INSTANCES; i += 1) services.push(await startServiceProcess({ databaseUrl, fake, env }));
    // Every instance has seen the others (its N for the fallback) before the load starts.
    for (const service of services) {
      await eventually(async () => expect(await metric(service, /^chatwoot_fleet_instances /)).toBe(INSTANCES), 20_000, 200);
    }
    fake.faults.rateLimit(BUDGET, WINDOW_MS);
  }, 240_000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await fake?.close();
    await redis?.stop();
  });

  const createdContacts = (store: SeededStore, since: number) =>
    fake.requests.filter(
      (r) =>
        r.at >= since && r.method === 'POST' && r.path === `/api/v1/accounts/${store.accountId}/contacts` && r.status === 200,
    ).length;

  it('keeps a bulk sync on three instances within the budget (0 × 429) and uses at least 90% of it', async () => {
    const phase = stores.slice(0, STORES_PER_PHASE);
    const since = Date.now();
    const before = await Promise.all(services.map((s) => metric(s, /^chatwoot_requests_total\{/, 0)));
    const runs = await Promise.all(phase.map((store, i) => startSync(services[i % INSTANCES], store.storeId)));
    await eventually(
      async () => {
        for (const [i, store] of phase.entries()) expect(await runState(services[0], store.storeId, runs[i])).toBe('done');
      },
      180_000,
      500,
    );
    const requests = fake.requests.filter((r) => r.at >= since);
    const use = budgetUse(
      requests,
      phase.map((store) => store.accountId),
    );
    console.log('fleet budget', JSON.stringify({ requests: requests.length, ...use }));

    expect(requests.filter((r) => r.status === 429)).toHaveLength(0);
    expect(use.max).toBeLessThanOrEqual(BUDGET);
    expect(use.windows).toBeGreaterThanOrEqual(3);
    expect(use.use).toBeGreaterThanOrEqual(0.9);
    for (const store of phase) expect(createdContacts(store, since)).toBe(CUSTOMERS_PER_STORE);
    // The work was the fleet's: every instance sent its part of the calls.
    const after = await Promise.all(services.map((s) => metric(s, /^chatwoot_requests_total\{/)));
    for (const [i, count] of after.entries()) expect(count - before[i]).toBeGreaterThan(0);
    for (const service of services) expect(await metric(service, /^chatwoot_budget_mode\{mode="shared"\}/)).toBe(1);
  }, 240_000);

  it('falls back to 1/N per instance while Redis is down, with no 429, and finishes once it is back', async () => {
    const phase = stores.slice(STORES_PER_PHASE);
    const since = Date.now();
    const runs = await Promise.all(phase.map((store, i) => startSync(services[i % INSTANCES], store.storeId)));
    await eventually(() => expect(fake.requests.filter((r) => r.at >= since).length).toBeGreaterThan(BUDGET), 60_000, 50);

    await redis.stop();
    for (const service of services) {
      await eventually(
        async () => expect(await metric(service, /^chatwoot_budget_mode\{mode="fallback"\}/)).toBe(1),
        20_000,
        100,
      );
      // N of the fallback: the instances last seen in Redis.
      expect(await metric(service, /^chatwoot_fleet_instances /)).toBe(INSTANCES);
    }
    const downSince = Date.now();
    // Several windows counted in process, then Redis returns (empty, as after a crash).
    await eventually(
      () => expect(fake.requests.filter((r) => r.at >= downSince + WINDOW_MS).length).toBeGreaterThan(2 * BUDGET),
      60_000,
      100,
    );
    const downUntil = Date.now();
    await redis.restart();

    await eventually(
      async () => {
        for (const [i, store] of phase.entries()) expect(await runState(services[0], store.storeId, runs[i])).toBe('done');
      },
      180_000,
      500,
    );
    const requests = fake.requests.filter((r) => r.at >= since);
    const outage = requests.filter((r) => r.at >= downSince + WINDOW_MS && r.at < downUntil);
    console.log(
      'fleet budget with an outage',
      JSON.stringify({
        requests: requests.length,
        outage: outage.length,
        ...budgetUse(
          requests,
          phase.map((store) => store.accountId),
        ),
      }),
    );
    expect(requests.filter((r) => r.status === 429)).toHaveLength(0);
    // Nothing lost, nothing doubled: every customer of every store is created once.
    for (const store of phase) expect(createdContacts(store, since)).toBe(CUSTOMERS_PER_STORE);
    for (const service of services) {
      expect(await metric(service, /^chatwoot_budget_mode_changes_total\{mode="fallback"\}/)).toBeGreaterThanOrEqual(1);
      await eventually(async () => expect(await metric(service, /^chatwoot_budget_mode\{mode="shared"\}/)).toBe(1), 20_000, 100);
    }
  }, 300_000);
});
