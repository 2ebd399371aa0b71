import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatwootFleetBudget } from '../../../src/chatwoot/chatwoot-fleet-budget';
import { RedisService } from '../../../src/common/redis/redis.service';
import { loadConfig } from '../../../src/config/app-config';
import { MetricsService } from '../../../src/observability/metrics.service';
import { freePort } from '../../support/service-process';
import { redisTestsEnabled, startRedis, type RedisHandle } from '../../support/redis-server';

const enabled = redisTestsEnabled('fleet budget lanes');
const WINDOW_MS = 1_000;

/** One instance's budget: its own Redis connections, as in another process. */
function instance(redisUrl: string, env: Record<string, string> = {}) {
  const config = loadConfig({
    REDIS_URL: redisUrl,
    CHATWOOT_BUDGET_PER_WINDOW: '3',
    CHATWOOT_BUDGET_WINDOW_MS: String(WINDOW_MS),
    ...env,
  });
  const metrics = new MetricsService();
  const redis = new RedisService(config, metrics);
  const budget = new ChatwootFleetBudget(config, redis, metrics);
  return {
    budget,
    metrics,
    close: async () => {
      await budget.onModuleDestroy();
      await redis.onApplicationShutdown();
    },
  };
}

const windowOf = () => Math.floor(Date.now() / WINDOW_MS);

/** Waits for the start of a fresh window, so a few takes fit in it before its last-fifth guard. */
async function freshWindow(): Promise<number> {
  await new Promise((r) => setTimeout(r, WINDOW_MS - (Date.now() % WINDOW_MS) + 5));
  return windowOf();
}

describe.runIf(enabled)('ChatwootFleetBudget across instances', () => {
  let redis: RedisHandle;
  const open: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((i) => i.close()));
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('counts one window for all instances: what one spent, the other waits for', async () => {
    const one = instance(redis.url);
    const two = instance(redis.url);
    open.push(one, two);
    await one.budget.onModuleInit();
    await two.budget.onModuleInit(); // its first heartbeat sees both
    const start = await freshWindow();
    for (let i = 0; i < 3; i += 1) await one.budget.take('bulk');
    expect(windowOf()).toBe(start);
    await two.budget.take('realtime');
    // Counted alone, `two` would have had three calls left in `start`.
    expect(windowOf()).toBeGreaterThan(start);
    expect(two.budget.currentMode).toBe('shared');
    expect(two.budget.liveInstances).toBe(2);
    const metrics = await two.metrics.registry.metrics();
    expect(metrics).toMatch(/chatwoot_budget_waits_total\{lane="realtime"\} 1/);
    expect(metrics).toMatch(/chatwoot_fleet_instances 2/);
  });

  it('lets a real-time call waiting on one instance go before bulk calls waiting on another', async () => {
    const one = instance(redis.url);
    const two = instance(redis.url);
    open.push(one, two);
    await Promise.all([one.budget.onModuleInit(), two.budget.onModuleInit()]);
    const start = await freshWindow();
    for (let i = 0; i < 3; i += 1) await one.budget.take('bulk');
    // Three bulk calls queue first on `two`, then one real-time call on `one`; the next window has three turns.
    const bulk = Array.from({ length: 3 }, () => two.budget.take('bulk').then(windowOf));
    await new Promise((r) => setTimeout(r, 20));
    const realtime = await one.budget.take('realtime').then(windowOf);
    const bulkWindows = await Promise.all(bulk);
    // First come would give the bulk calls all three turns and the real-time call the window after.
    expect(realtime).toBe(start + 1);
    expect(bulkWindows.filter((w) => w === start + 1)).toHaveLength(2);
    expect(bulkWindows.filter((w) => w > start + 1)).toHaveLength(1);
  });

  it('counts alone at 1/N while Redis is unreachable, from the next window on', async () => {
    const port = await freePort(); // nothing listens there
    const alone = instance(`redis://127.0.0.1:${port}`, {
      CHATWOOT_BUDGET_PER_WINDOW: '6',
      CHATWOOT_FLEET_MIN_INSTANCES: '3',
    });
    open.push(alone);
    await alone.budget.onModuleInit(); // gives up waiting for Redis after 2 s
    expect(alone.budget.fallbackShare).toBe(2);
    const start = await freshWindow();
    const granted: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => alone.budget.take('bulk').then(() => granted.push(windowOf()))));
    expect(alone.budget.currentMode).toBe('fallback');
    // Nothing in the window the outage was noticed in, then two per window: 6 / 3 instances.
    expect(granted[0]).toBeGreaterThan(start);
    expect(granted.filter((w) => w === granted[0])).toHaveLength(2);
    expect(granted.filter((w) => w > granted[0])).toHaveLength(2);
    expect(await alone.metrics.registry.metrics()).toMatch(/chatwoot_budget_mode\{mode="fallback"\} 1/);
  });
});
