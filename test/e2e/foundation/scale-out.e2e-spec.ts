import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { RedisService } from '../../../src/common/redis/redis.service';
import { ContextCacheService } from '../../../src/context/context-cache.service';
import { ctxHeaders, item, putOrder, seedCustomer } from '../context/context-fixtures';
import { eventually } from '../../support/eventually';
import { redisTestsEnabled, startRedis, type RedisHandle } from '../../support/redis-server';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';
import { signedDeliveryHeaders } from '../../support/signed-delivery';

const enabled = redisTestsEnabled('scale-out with Redis');

/** Two instances on one database and one Redis, as behind a load balancer. */
describe.runIf(enabled)('several instances sharing REDIS_URL', () => {
  let redis: RedisHandle;
  let one: TestApp;
  let two: TestApp;
  let store: SeededStore;
  /** A store with no other traffic, so only this suite's deliveries count against its limit. */
  let quiet: SeededStore;
  let contactId: number;

  beforeAll(async () => {
    redis = await startRedis();
    const env = { REDIS_URL: redis.url, WEBHOOK_RATE_PER_MINUTE: '4' };
    one = await startTestApp({ env });
    two = await startTestApp({ env, fake: one.fake, databaseUrl: one.databaseUrl });
    store = await seedStore(one);
    quiet = await seedStore(one);
    contactId = await seedCustomer(one, store, {
      customerId: 'shared-1',
      name: 'Sam Shared',
      email: 'sam@example.test',
      orders: [{ orderId: 's-1', totalAmount: 5_000, placedAt: new Date().toISOString(), items: [item('p', 'Tea', 5_000)] }],
    });
  }, 60_000);

  afterAll(async () => {
    await two?.close();
    await one?.close();
    await redis?.stop();
  });

  const deliver = (app: TestApp) => {
    const body = JSON.stringify({ event: 'contact_updated', id: 1, account: { id: quiet.accountId } });
    return app.request('POST', `/v1/webhooks/chatwoot/${quiet.storeId}`, {
      auth: null,
      payload: body,
      headers: signedDeliveryHeaders(quiet.webhookSecret, body),
    });
  };

  it("refuses none of one account's deliveries across instances and paces their processing together", async () => {
    const statuses = [];
    for (const app of [one, two, one, two, one, two, one, two]) statuses.push((await deliver(app)).status);
    // Twice the pace, all acknowledged: the pace applies to processing, never to intake.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200]);
    const processed = async () =>
      Number(
        (
          await one
            .get(DataSource)
            .query("select count(*) as n from webhook_deliveries where store_id = $1 and state not in ('pending')", [
              quiet.storeId,
            ])
        )[0].n,
      );
    await eventually(async () => expect(await processed()).toBeGreaterThanOrEqual(4), 20_000);
    // Both instances drain, but from one bucket in the shared database: 4 a minute, plus refill.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await processed()).toBeLessThanOrEqual(5);
  });

  it('drops a cached context answer on every instance when one of them handles the change', async () => {
    const path = `/v1/context/accounts/${store.accountId}/contacts/${contactId}`;
    const read = (app: TestApp) => app.request('GET', path, { auth: null, headers: ctxHeaders(store) });
    const cacheOfOne = one.get(ContextCacheService).cache;
    expect((await read(one)).body.customer.order_count).toBe(1);
    const hits = cacheOfOne.hits;
    await read(one);
    expect(cacheOfOne.hits).toBe(hits + 1);

    // The order.changed event is taken by instance two's worker here; one never sees the job.
    await two.get(ContextCacheService).invalidateCustomer(store.storeId, 'shared-1');
    await eventually(() => expect(cacheOfOne.size).toBe(0), 5_000, 20);
    const misses = cacheOfOne.misses;
    await read(one);
    expect(cacheOfOne.misses).toBe(misses + 1);

    // And end to end: an order written through instance two shows on instance one well within the TTL.
    await putOrder(two, store.storeId, 'shared-1', {
      orderId: 's-2',
      totalAmount: 7_000,
      placedAt: new Date().toISOString(),
      items: [item('q', 'Tea', 7_000)],
    });
    await eventually(async () => expect((await read(one)).body.customer.order_count).toBe(2), 10_000);
  });

  it('keeps serving when Redis goes away: each instance counts on its own meanwhile', async () => {
    await redis.stop();
    await eventually(() => expect(one.get(RedisService).ready || two.get(RedisService).ready).toBe(false), 5_000, 20);
    // A rate-limited write (CONTACT_SYNC_RATE_PER_MINUTE) is counted by the in-process insurance counter meanwhile.
    expect((await deliver(one)).status).toBe(200);
    const write = await one.request('PUT', `/v1/stores/${quiet.storeId}/customers/redis-down-1`, {
      body: {
        email: 'down@example.test',
        name: 'Dee Down',
        marketingConsent: false,
        registeredAt: '2024-03-01T10:00:00Z',
        updatedAt: new Date().toISOString(),
      },
    });
    expect(write.status, write.text).toBeLessThan(300);
    const path = `/v1/context/accounts/${store.accountId}/contacts/${contactId}`;
    const context = await two.request('GET', path, { auth: null, headers: ctxHeaders(store) });
    expect(context.status).toBe(200);
    await two.get(ContextCacheService).invalidateCustomer(store.storeId, 'shared-1');
    // The failed broadcast and the in-process count are both on /metrics where they happened.
    const metrics = await two.request('GET', '/metrics', { auth: null });
    expect(metrics.text).toMatch(/redis_errors_total\{operation="publish"\} [1-9]/);
    const metricsOfOne = await one.request('GET', '/metrics', { auth: null });
    expect(metricsOfOne.text).toMatch(/redis_errors_total\{operation="rate_limit"\} [1-9]/);
  });
});
