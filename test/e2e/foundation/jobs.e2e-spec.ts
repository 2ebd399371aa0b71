import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueTick } from '../../../src/jobs/cron-enqueuer';
import { JobQueue } from '../../../src/jobs/job-queue.service';
import { eventually } from '../../support/eventually';
import { startTestApp, type TestApp } from '../../support/test-app';

/** This test's own queues join the typed map (declaration merging), so register/send check them too. */
declare module '../../../src/jobs/queues' {
  interface QueuePayloads {
    'test.tick': { at: string };
    'test.flaky': { key: string };
  }
}

describe('job queue', () => {
  let t: TestApp;
  let second: TestApp;
  const ticks: string[] = [];
  const attempts = new Map<string, number>();
  const events: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    // A second instance on the same database, as in a scaled-out deployment.
    second = await startTestApp({ fake: t.fake, databaseUrl: t.databaseUrl, env: { JOBS_ENABLED: 'false' } });
    const jobs = t.get(JobQueue);
    jobs.register('test.tick', async (data) => {
      ticks.push(data.at);
    });
    jobs.register(
      'test.flaky',
      async (data) => {
        const n = (attempts.get(data.key) ?? 0) + 1;
        attempts.set(data.key, n);
        if (n < 3) throw new Error('transient');
      },
      { retryLimit: 5, retryDelay: 1, retryBackoff: false },
    );
    jobs.on('cart.changed', 'test.cart-listener', async (data) => {
      events.push(`${data.storeId}/${data.customerId}`);
    });
    await jobs.onApplicationBootstrap();
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('runs a cron tick once per slot however many instances enqueue it', async () => {
    const [a, b, c] = await Promise.all([
      enqueueTick(t.get(JobQueue), 'test.tick', 3600, { at: 'first' }),
      enqueueTick(second.get(JobQueue), 'test.tick', 3600, { at: 'second' }),
      enqueueTick(t.get(JobQueue), 'test.tick', 3600, { at: 'third' }),
    ]);
    expect([a, b, c].filter(Boolean)).toHaveLength(1);
    await eventually(() => expect(ticks).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 700));
    expect(ticks).toHaveLength(1);
  });

  it('retries a failing job until it succeeds', async () => {
    await t.get(JobQueue).send('test.flaky', { key: 'k1' });
    await eventually(() => expect(attempts.get('k1')).toBe(3), 15_000);
  });

  it('delivers a domain event published by any instance to the subscribed queue', async () => {
    await second.get(JobQueue).publish('cart.changed', { storeId: 's1', customerId: 'c1' });
    await eventually(() => expect(events).toEqual(['s1/c1']));
  });
});
