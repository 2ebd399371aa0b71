import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeChatwoot, type FakeChatwoot } from '../../fake-chatwoot';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startServiceProcess, type ServiceProcess } from '../../support/service-process';
import { PLATFORM_KEY, startTestApp, type TestApp } from '../../support/test-app';

const CUSTOMERS = 600;

/**
 * kill -9 of the worker in the middle of a bulk sync: the dead instance's lease must not hold the
 * run. The restarted service takes it over within seconds and finishes it, and no contact is
 * created twice in Chatwoot (the chunk that was in flight is redone by adopting what it created).
 */
describe('bulk sync survives a SIGKILL of its worker', () => {
  let fake: FakeChatwoot;
  let seeder: TestApp;
  let store: SeededStore;
  let db: DataSource;
  let first: ServiceProcess | undefined;
  let second: ServiceProcess | undefined;

  beforeAll(async () => {
    fake = await startFakeChatwoot();
    fake.webhooksEnabled = false;
    // The in-process app only migrates and seeds; it runs no workers, so the sync is the child's alone.
    seeder = await startTestApp({ fake, env: { JOBS_ENABLED: 'false' } });
    store = await seedStore(seeder);
    db = seeder.get(DataSource);
    await db.query(
      `insert into customers (store_id, customer_id, email, name, marketing_consent, registered_at, updated_at)
       select $1, 'crash-' || lpad(n::text, 4, '0'), 'crash' || n || '@example.test', 'Crash ' || n, false, now(), now()
         from generate_series(1, ${CUSTOMERS}) n`,
      [store.storeId],
    );
  }, 120_000);

  afterAll(async () => {
    await first?.kill();
    await second?.stop();
    await seeder?.close();
    await fake?.close();
  });

  const run = async (runId: string) =>
    (await db.query('select state, done, total, lease_owner from sync_runs where id = $1', [runId]))[0] as {
      state: string;
      done: number;
      total: number;
      lease_owner: string | null;
    };

  it('finishes the run after a restart, each contact created once', async () => {
    // Slow Chatwoot down so the kill lands mid-run.
    fake.faults.add({ method: 'POST', path: /\/api\/v1\/accounts\/\d+\/contacts$/, delayMs: 40 });
    first = await startServiceProcess({ databaseUrl: seeder.databaseUrl, fake });
    const started = await fetch(`${first.url}/v1/stores/${store.storeId}/contacts/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PLATFORM_KEY}` },
    });
    expect(started.status, await started.clone().text()).toBeLessThan(300);
    const runId = ((await started.json()) as { id: string }).id;

    await eventually(async () => expect((await run(runId)).done).toBeGreaterThanOrEqual(200), 90_000, 100);
    await first.kill();
    const atKill = await run(runId);
    expect(atKill.state).toBe('running');
    expect(atKill.done).toBeLessThan(CUSTOMERS);
    expect(atKill.lease_owner).not.toBeNull();

    fake.faults.clear();
    second = await startServiceProcess({ databaseUrl: seeder.databaseUrl, fake });
    // Generous: the dead lease runs out (seconds), then the restarted worker finishes the run.
    await eventually(async () => expect(await run(runId)).toMatchObject({ state: 'done', done: CUSTOMERS }), 120_000, 500);

    const contacts = fake.state.contactsOf(store.accountId).filter((c) => c.identifier?.startsWith('crash-'));
    expect(new Set(contacts.map((c) => c.identifier)).size).toBe(CUSTOMERS);
    expect(contacts).toHaveLength(CUSTOMERS);
    // Each contact was created by exactly one successful POST (a redo adopts, it does not create again).
    const creates = fake.requests.filter(
      (r) => r.method === 'POST' && /\/api\/v1\/accounts\/\d+\/contacts$/.test(r.path) && r.status === 200,
    );
    const perIdentifier = new Map<string, number>();
    for (const r of creates) {
      const id = (r.body as { identifier?: string }).identifier ?? '';
      perIdentifier.set(id, (perIdentifier.get(id) ?? 0) + 1);
    }
    expect(perIdentifier.size).toBe(CUSTOMERS);
    expect([...perIdentifier.values()].every((n) => n === 1)).toBe(true);
    expect(second.alive()).toBe(true);
  }, 360_000);
});
