import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatwootFleetBudget } from '../../../src/chatwoot/chatwoot-fleet-budget';
import { ChatwootStoreShare } from '../../../src/chatwoot/chatwoot-store-share';
import { ChatwootTransport } from '../../../src/chatwoot/chatwoot-transport';
import { RedisService } from '../../../src/common/redis/redis.service';
import { loadConfig } from '../../../src/config/app-config';
import { MetricsService } from '../../../src/observability/metrics.service';
import { startFakeChatwoot, type FakeChatwoot } from '../../fake-chatwoot';
import { redisTestsEnabled, startRedis, type RedisHandle } from '../../support/redis-server';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { freePort, startServiceProcess, type ServiceProcess } from '../../support/service-process';
import { PLATFORM_KEY, startTestApp } from '../../support/test-app';

const enabled = redisTestsEnabled('fleet store share');
const INSTANCES = 3;
const STORE_CONCURRENCY = 2;
const CALLS_PER_INSTANCE = 8;
/** Each call stays in flight this long at the fake, so the instances' calls overlap. */
const LATENCY_MS = 120;

/** One instance's Chatwoot transport with its own Redis connections, as in another process. */
async function instance(fake: FakeChatwoot, redisUrl?: string) {
  const config = loadConfig({
    NODE_ENV: 'test',
    CHATWOOT_URL: fake.url,
    CHATWOOT_PLATFORM_TOKEN: fake.platformToken,
    CHATWOOT_STORE_CONCURRENCY: String(STORE_CONCURRENCY),
    CHATWOOT_TIMEOUT_MS: '5000',
    CHATWOOT_RETRY_BASE_MS: '10',
    // Short windows with plenty in each: the fleet budget switches to and from its fallback only
    // at a window boundary, and this test is about the per-store share, not the window budget.
    CHATWOOT_BUDGET_WINDOW_MS: '1000',
    CHATWOOT_BUDGET_PER_WINDOW: '1000',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const metrics = new MetricsService();
  const redis = new RedisService(config, metrics);
  const fleet = new ChatwootFleetBudget(config, redis, metrics);
  const share = new ChatwootStoreShare(config, redis, metrics);
  await Promise.all([fleet.onModuleInit(), share.onModuleInit()]);
  const transport = new ChatwootTransport(new HttpService(axios.create()), config, metrics, fleet, share);
  return {
    metrics,
    /** One store's account read, as every store-scoped call is. */
    call: (storeId: string, accountId: number) =>
      transport.request({
        method: 'GET',
        path: `/platform/api/v1/accounts/${accountId}`,
        token: fake.platformToken,
        operation: 'platform.accounts.get',
        context: { storeId, lane: 'bulk' },
      }),
    close: async () => {
      share.onModuleDestroy();
      await fleet.onModuleDestroy();
      await transport.onModuleDestroy();
      await redis.onApplicationShutdown();
    },
  };
}

type Instance = Awaited<ReturnType<typeof instance>>;

describe.runIf(enabled)('per-store fair share across the fleet (CHATWOOT_STORE_CONCURRENCY)', () => {
  let redis: RedisHandle;
  let fake: FakeChatwoot;
  let accountId: number;
  let other: number;
  const open: Instance[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    fake = await startFakeChatwoot();
    accountId = fake.state.createAccount({ name: 'Busy store' }, { platformOwned: true }).id;
    other = fake.state.createAccount({ name: 'Other store' }, { platformOwned: true }).id;
    fake.faults.add({ path: /^\/platform\/api\/v1\/accounts\//, delayMs: LATENCY_MS });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((i) => i.close()));
    fake.resetInFlightHighWater();
  });
  afterAll(async () => {
    await fake?.close();
    await redis?.stop();
  });

  async function fleetOf(redisUrl?: string): Promise<Instance[]> {
    const fleet = await Promise.all(Array.from({ length: INSTANCES }, () => instance(fake, redisUrl)));
    open.push(...fleet);
    return fleet;
  }

  /** Every instance sends CALLS_PER_INSTANCE calls for `storeId` at once; resolves with how they ended. */
  const burst = (fleet: Instance[], storeId: string, account: number) =>
    Promise.allSettled(fleet.flatMap((i) => Array.from({ length: CALLS_PER_INSTANCE }, () => i.call(storeId, account))));

  it('with REDIS_URL, one store never has more than CHATWOOT_STORE_CONCURRENCY calls in flight for the whole fleet', async () => {
    const fleet = await fleetOf(redis.url);
    const [busy, calm] = await Promise.all([burst(fleet, 'store-busy', accountId), burst(fleet, 'store-calm', other)]);
    expect([...busy, ...calm].filter((r) => r.status === 'rejected')).toEqual([]);
    expect(fake.inFlightHighWater(accountId)).toBe(STORE_CONCURRENCY);
    // Another store has its own share, at the same time.
    expect(fake.inFlightHighWater(other)).toBe(STORE_CONCURRENCY);
    expect(fake.inFlightHighWater()).toBeGreaterThan(STORE_CONCURRENCY);
    for (const i of fleet) expect(await i.metrics.registry.metrics()).not.toMatch(/chatwoot_store_share_fallbacks_total\{/);
  });

  it('without REDIS_URL each instance has the share to itself, so the fleet may reach N times it', async () => {
    const fleet = await fleetOf();
    const results = await burst(fleet, 'store-busy', accountId);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(fake.inFlightHighWater(accountId)).toBeGreaterThan(STORE_CONCURRENCY);
    expect(fake.inFlightHighWater(accountId)).toBeLessThanOrEqual(INSTANCES * STORE_CONCURRENCY);
  });

  it('with Redis unreachable, calls go ahead on the per-process share and none fails', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    const fleet = await fleetOf(dead);
    const results = await burst(fleet, 'store-busy', accountId);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(fake.inFlightHighWater(accountId)).toBeLessThanOrEqual(INSTANCES * STORE_CONCURRENCY);
    const text = await fleet[0].metrics.registry.metrics();
    expect(text).toMatch(/chatwoot_store_share_fallbacks_total\{reason="redis_unready"\} [1-9]/);
  });

  it('keeps every call going when Redis stops while calls wait for a slot', async () => {
    const fleet = await fleetOf(redis.url);
    const results = burst(fleet, 'store-outage', accountId);
    await new Promise((r) => setTimeout(r, LATENCY_MS / 2));
    await redis.stop();
    const settled = await results;
    await redis.restart();
    expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(settled).toHaveLength(INSTANCES * CALLS_PER_INSTANCE);
  });
});

/**
 * The same as operators run it: three service processes on one database and one Redis, a store's
 * customer changes synced by whichever instance's worker takes the job (two workers each).
 */
describe.runIf(enabled)('per-store fair share of three service processes', () => {
  const CUSTOMERS = 24;
  let redis: RedisHandle;
  let fake: FakeChatwoot;
  let store: SeededStore;
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    fake = await startFakeChatwoot();
    fake.webhooksEnabled = false;
    const seeder = await startTestApp({ fake, env: { JOBS_ENABLED: 'false' } });
    store = await seedStore(seeder);
    const databaseUrl = seeder.databaseUrl;
    await seeder.close();
    const env = { REDIS_URL: redis.url, CHATWOOT_STORE_CONCURRENCY: String(STORE_CONCURRENCY), CRON_ENABLED: 'false' };
    for (let i = 0; i < INSTANCES; i += 1) services.push(await startServiceProcess({ databaseUrl, fake, env }));
    fake.faults.add({ path: new RegExp(`^/api/v1/accounts/${store.accountId}/`), delayMs: LATENCY_MS });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await fake?.close();
    await redis?.stop();
  });

  /** Chatwoot calls an instance has sent so far (its own metrics). */
  async function sent(service: ServiceProcess): Promise<number> {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith('chatwoot_requests_total{'))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }

  it('keeps one store at CHATWOOT_STORE_CONCURRENCY calls in flight while all three instances sync it', async () => {
    fake.resetInFlightHighWater();
    const before = await Promise.all(services.map(sent));
    const path = `/api/v1/accounts/${store.accountId}/contacts`;
    const created = () => fake.requests.filter((r) => r.method === 'POST' && r.path === path && r.status === 200).length;
    await Promise.all(
      Array.from({ length: CUSTOMERS }, async (_, n) => {
        const response = await fetch(`${services[n % INSTANCES].url}/v1/stores/${store.storeId}/customers/share-${n}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${PLATFORM_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            email: `share-${n}@example.test`,
            name: `Customer ${n}`,
            marketingConsent: false,
            registeredAt: '2024-01-01T00:00:00Z',
            updatedAt: new Date().toISOString(),
          }),
        });
        expect(response.status).toBe(200);
      }),
    );
    await eventually(() => expect(created()).toBe(CUSTOMERS), 120_000, 200);
    const perInstance = (await Promise.all(services.map(sent))).map((n, i) => n - before[i]);
    console.log('store share', JSON.stringify({ highWater: fake.inFlightHighWater(store.accountId), perInstance }));
    // The store's work really was the fleet's, not one instance's.
    expect(perInstance.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    expect(fake.inFlightHighWater(store.accountId)).toBe(STORE_CONCURRENCY);
  }, 180_000);
});
