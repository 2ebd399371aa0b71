/**
 * One Chatwoot budget for a fleet: three service processes behind one egress IP (all on loopback)
 * run a bulk contact sync of several stores against one fake Chatwoot whose rack-attack-like
 * limiter allows exactly CHATWOOT_BUDGET_PER_WINDOW per window. Measured twice in the same run:
 * with REDIS_URL (the fleet shares the budget) and without (the baseline: each process its own).
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { listenForSeeding } from './support/seeding-app';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { startFakeChatwoot, type FakeChatwoot } from '../test/fake-chatwoot';
import type { RecordedRequest } from '../test/fake-chatwoot/fake-chatwoot.types';
import { PLATFORM_KEY } from '../test/support/platform-key';
import { startRedis } from '../test/support/redis-server';
import { seedStore } from '../test/support/seed-store';
import { createDatabase } from '../test/support/create-database';
import { startServiceProcess, type ServiceProcess } from '../test/support/service-process';
import { peakRssMbOf, type BenchResult } from './bench-result';

const INSTANCES = 3;
/** Small enough that this 2-core machine, shared with everything else, can ask for more than it (override: BENCH_FLEET_BUDGET). */
const BUDGET = Number(process.env.BENCH_FLEET_BUDGET ?? 12);
const WINDOW_MS = 2_000;
const STORES = 6;
const CUSTOMERS_PER_STORE = Number(process.env.BENCH_FLEET_CUSTOMERS ?? 60);

interface FleetRun {
  requests: number;
  throttled: number;
  /** Accepted calls per busy window over the budget (busy: before the first store ran out of work). */
  budgetUse: number;
  windows: number;
  seconds: number;
  peakRssMb: number;
}

/** Stores with accounts on the fake and customers never synced, seeded by an app with no workers. */
async function seed(databaseUrl: string, fake: FakeChatwoot): Promise<{ storeId: string; accountId: number }[]> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    CHATWOOT_URL: fake.url,
    CHATWOOT_PLATFORM_TOKEN: fake.platformToken,
    PLATFORM_API_KEY: PLATFORM_KEY,
    LOG_LEVEL: 'silent',
    CRON_ENABLED: 'false',
    JOBS_ENABLED: 'false',
  });
  const app = await createApp(config);
  const t = await listenForSeeding(app);
  try {
    const stores = [];
    for (let i = 0; i < STORES; i += 1) stores.push(await seedStore(t));
    const db = app.get(DataSource);
    for (const store of stores) {
      await db.query(
        `insert into customers (store_id, customer_id, email, name, marketing_consent, registered_at, updated_at)
         select $1, 'cust-' || n, 'cust' || n || '@' || $1 || '.example.test', 'Customer ' || n, false,
                timestamptz '2024-01-01' + n * interval '1 hour', now()
         from generate_series(1, $2) as n`,
        [store.storeId, CUSTOMERS_PER_STORE],
      );
    }
    return stores.map((s) => ({ storeId: s.storeId, accountId: s.accountId }));
  } finally {
    await app.close();
  }
}

async function call(service: ServiceProcess, method: string, path: string): Promise<{ id: string; state: string }> {
  const response = await fetch(`${service.url}${path}`, { method, headers: { authorization: `Bearer ${PLATFORM_KEY}` } });
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; state: string };
}

function measure(requests: RecordedRequest[], accounts: number[]): { budgetUse: number; windows: number } {
  const accepted = new Map<number, number>();
  for (const r of requests) {
    if (r.status === 429) continue;
    const w = Math.floor(r.at / WINDOW_MS);
    accepted.set(w, (accepted.get(w) ?? 0) + 1);
  }
  const first = Math.min(...requests.map((r) => Math.floor(r.at / WINDOW_MS)));
  const end = Math.floor(
    Math.min(...accounts.map((id) => Math.max(...requests.filter((r) => r.accountId === id).map((r) => r.at)))) / WINDOW_MS,
  );
  let used = 0;
  let windows = 0;
  for (let w = first + 1; w < end; w += 1, windows += 1) used += accepted.get(w) ?? 0;
  return { budgetUse: windows === 0 ? 0 : used / (windows * BUDGET), windows };
}

async function fleetRun(adminUrl: string, fake: FakeChatwoot, redisUrl: string | undefined): Promise<FleetRun> {
  const databaseUrl = await createDatabase(adminUrl, 'fleet');
  const stores = await seed(databaseUrl, fake);
  const env: Record<string, string> = {
    CHATWOOT_BUDGET_PER_WINDOW: String(BUDGET),
    CHATWOOT_BUDGET_WINDOW_MS: String(WINDOW_MS),
    CONTACT_SYNC_RATE_PER_MINUTE: '1000000',
    CHATWOOT_TIMEOUT_MS: '5000',
    CRON_ENABLED: 'false',
    LOG_LEVEL: 'error',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
  // One after another: three compiling at once on a busy 2-core machine can miss the health deadline.
  const services: ServiceProcess[] = [];
  try {
    for (let i = 0; i < INSTANCES; i += 1)
      services.push(await startServiceProcess({ databaseUrl, fake, env, startTimeoutMs: 400_000 }));
    if (redisUrl) await new Promise((r) => setTimeout(r, 2_500)); // one heartbeat: every instance knows N
    fake.resetRequests();
    fake.faults.rateLimit(BUDGET, WINDOW_MS);
    const started = Date.now();
    const runs = await Promise.all(
      stores.map((store, i) => call(services[i % INSTANCES], 'POST', `/v1/stores/${store.storeId}/contacts/sync`)),
    );
    for (;;) {
      const states = await Promise.all(
        stores.map((store, i) => call(services[0], 'GET', `/v1/stores/${store.storeId}/sync-runs/${runs[i].id}`)),
      );
      if (states.every((s) => s.state !== 'running')) break;
      if (Date.now() - started > 600_000) throw new Error('the sync runs did not finish in 10 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (Date.now() - started) / 1000;
    const requests = [...fake.requests];
    return {
      requests: requests.length,
      throttled: requests.filter((r) => r.status === 429).length,
      ...measure(
        requests,
        stores.map((s) => s.accountId),
      ),
      seconds,
      peakRssMb: Math.max(...services.map((s) => peakRssMbOf(s.child.pid!))),
    };
  } finally {
    fake.faults.clear();
    await Promise.all(services.map((s) => s.stop()));
  }
}

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-bench-'));
  const pg = await startEmbeddedPostgres({ dataDir: dir, fsync: false, database: 'postgres' });
  const redis = await startRedis();
  const fake = await startFakeChatwoot();
  fake.webhooksEnabled = false;
  try {
    const shared = await fleetRun(pg.url, fake, redis.url);
    const alone = await fleetRun(pg.url, fake, undefined);
    const round = (n: number) => Math.round(n * 1000) / 1000;
    return {
      name: 'fleet-budget',
      metrics: {
        instances: INSTANCES,
        budget_per_window: BUDGET,
        window_ms: WINDOW_MS,
        contacts: STORES * CUSTOMERS_PER_STORE,
        redis_429s: shared.throttled,
        redis_budget_use: round(shared.budgetUse),
        redis_busy_windows: shared.windows,
        redis_requests: shared.requests,
        redis_seconds: round(shared.seconds),
        redis_peak_rss_mb: shared.peakRssMb,
        alone_429s: alone.throttled,
        alone_budget_use: round(alone.budgetUse),
        alone_busy_windows: alone.windows,
        alone_requests: alone.requests,
        alone_seconds: round(alone.seconds),
        alone_peak_rss_mb: alone.peakRssMb,
        peak_rss_mb: Math.max(shared.peakRssMb, alone.peakRssMb),
      },
      notes:
        `${INSTANCES} service processes, one PostgreSQL, one fake Chatwoot limited to the budget per client IP ` +
        `(${BUDGET} per ${WINDOW_MS} ms, epoch-aligned like rack-attack), a first sync of ${STORES} stores. ` +
        `redis_*: REDIS_URL set (one budget for the fleet); alone_*: the baseline, each process its own budget. ` +
        `Targets: redis_429s = 0, redis_budget_use >= 0.9 (accepted calls per busy window over the budget). ` +
        `peak_rss_mb: the largest VmHWM of the service processes.`,
    };
  } finally {
    await fake.close();
    await redis.stop();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
