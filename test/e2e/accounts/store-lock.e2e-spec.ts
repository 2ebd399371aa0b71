import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { StoreLock } from '../../../src/accounts/store-lock.service';
import { MetricsService } from '../../../src/observability/metrics.service';
import { eventually } from '../../support/eventually';
import { startTestApp, type TestApp } from '../../support/test-app';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StoreLock.withStoreLock (a lease, not a held connection)', () => {
  let t: TestApp;
  let lock: StoreLock;
  let db: DataSource;
  /** A Chatwoot stand-in that answers only when the test lets it. */
  let slow: Server;
  let slowUrl: string;
  let answer = deferred();

  beforeAll(async () => {
    t = await startTestApp();
    lock = t.get(StoreLock);
    db = t.get(DataSource);
    slow = createServer((_req, res) => {
      void answer.promise.then(() => res.end('{}'));
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    answer.resolve();
    await new Promise((resolve) => slow?.close(resolve));
    await t?.close();
  });

  it('serialises two operations on one store: the second starts only after the first ended', async () => {
    const events: string[] = [];
    const gate = deferred();
    const firstStarted = deferred();
    const first = lock.withStoreLock('lock-serial', 'first', async () => {
      events.push('first:start');
      firstStarted.resolve();
      await gate.promise;
      events.push('first:end');
    });
    await firstStarted.promise;
    const second = lock.withStoreLock('lock-serial', 'second', async () => {
      events.push('second:start');
    });
    await sleep(300);
    expect(events).toEqual(['first:start']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(events).toEqual(['first:start', 'first:end', 'second:start']);
    expect(await db.query(`select * from store_leases where store_id = 'lock-serial'`)).toEqual([]);
  });

  it('runs operations on two stores in parallel', async () => {
    const gate = deferred();
    const started: string[] = [];
    const a = lock.withStoreLock('lock-par-a', 'a', async () => {
      started.push('a');
      await gate.promise;
    });
    const b = lock.withStoreLock('lock-par-b', 'b', async () => {
      started.push('b');
      await gate.promise;
    });
    // Both start while the gate is still shut: serialised, the second could not.
    await eventually(() => expect([...started].sort()).toEqual(['a', 'b']), 10_000);
    gate.resolve();
    await Promise.all([a, b]);
  });

  it('holds no advisory lock and no open transaction while the operation waits on a slow HTTP call', async () => {
    answer = deferred();
    let parked!: () => void;
    const inCall = new Promise<void>((r) => (parked = r));
    const run = lock.withStoreLock('lock-http', 'slow-http', async () => {
      parked();
      const res = await fetch(slowUrl);
      return res.status;
    });
    await inCall;
    await sleep(100);
    const advisory = await db.query(
      `select count(*)::int as n from pg_locks
       where locktype = 'advisory' and ((classid::bigint << 32) | objid::bigint) = hashtextextended('accounts:lock-http', 0)`,
    );
    const inTransaction = await db.query(
      `select count(*)::int as n from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'`,
    );
    const [lease] = await db.query(`select operation from store_leases where store_id = 'lock-http'`);
    answer.resolve();
    expect(await run).toBe(200);
    expect(advisory[0].n).toBe(0);
    expect(inTransaction[0].n).toBe(0);
    expect(lease).toEqual({ operation: 'slow-http' });
  });

  it('takes over the lease of a holder that crashed once it expired', async () => {
    await db.query(
      `insert into store_leases (store_id, holder, operation, expires_at)
       values ('lock-stale', gen_random_uuid(), 'crashed', now() - interval '1 second')`,
    );
    const ran = await lock.withStoreLock('lock-stale', 'after-crash', async () => 'ran', { waitMs: 200 });
    expect(ran).toBe('ran');
    expect(await db.query(`select * from store_leases where store_id = 'lock-stale'`)).toEqual([]);
  });

  it('answers STORE_BUSY once the store stays busy beyond the wait, and does not free the other holder', async () => {
    await db.query(
      `insert into store_leases (store_id, holder, operation, expires_at)
       values ('lock-busy', gen_random_uuid(), 'elsewhere', now() + interval '1 minute')`,
    );
    let ran = false;
    const started = Date.now();
    await expect(
      lock.withStoreLock(
        'lock-busy',
        'waiting',
        async () => {
          ran = true;
        },
        { waitMs: 400 },
      ),
    ).rejects.toMatchObject({ statusCode: 409, code: 'STORE_BUSY' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(ran).toBe(false);
    expect(await db.query(`select operation from store_leases where store_id = 'lock-busy'`)).toEqual([
      { operation: 'elsewhere' },
    ]);
  });

  it('keeps the lease alive past its TTL with the heartbeat while the operation runs', async () => {
    // Read in the database, not raced against an intruder: a loaded machine can pause this
    // process for longer than a short TTL, which says nothing about the heartbeat.
    const ttlMs = 1_500;
    const expiry = async (): Promise<number> => {
      const [row] = await db.query(`select expires_at from store_leases where store_id = 'lock-beat'`);
      return (row.expires_at as Date).getTime();
    };
    let claimed = 0;
    let later = 0;
    await lock.withStoreLock(
      'lock-beat',
      'long',
      async () => {
        claimed = await expiry();
        await sleep(ttlMs * 2);
        later = await expiry();
      },
      { ttlMs },
    );
    // Without heartbeats the expiry would still be the claim's, now in the past.
    expect(later).toBeGreaterThan(claimed);
  });

  it('logs, counts and signals a lease lost while the operation ran', async () => {
    const lost = t.get(MetricsService).counter('store_lock_leases_lost_total', '', ['operation']);
    const before = (await lost.get()).values.find((v) => v.labels.operation === 'robbed')?.value ?? 0;
    let aborted = false;
    await lock.withStoreLock(
      'lock-lost',
      'robbed',
      async ({ signal }) => {
        await db.query(`update store_leases set holder = gen_random_uuid() where store_id = 'lock-lost'`);
        // The next heartbeat finds the lease taken (however late a loaded machine runs it).
        await eventually(() => expect(signal.aborted).toBe(true), 10_000);
        aborted = signal.aborted;
      },
      { ttlMs: 300 },
    );
    expect(aborted).toBe(true);
    const after = (await lost.get()).values.find((v) => v.labels.operation === 'robbed')?.value ?? 0;
    expect(after - before).toBe(1);
    // The release left the new holder's lease alone.
    expect(await db.query(`select count(*)::int as n from store_leases where store_id = 'lock-lost'`)).toEqual([{ n: 1 }]);
  });
});
