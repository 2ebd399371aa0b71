import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { PLATFORM_KEY, startTestApp, type TestApp } from '../../support/test-app';

/** Nothing listens here: the CLI finds no service. */
function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('npm run sync -- --store <id>', () => {
  let t: TestApp;
  let s: SeededStore;

  beforeAll(async () => {
    t = await startTestApp();
    t.fake.webhooksEnabled = false;
    s = await seedStore(t);
    await t.get(DataSource).query(
      `insert into customers (store_id, customer_id, email, name, marketing_consent, registered_at, updated_at)
       select $1, 'cli-' || n, 'cli' || n || '@example.test', 'CLI ' || n, false, now(), now() from generate_series(1, 40) n`,
      [s.storeId],
    );
  });
  afterAll(() => t?.close());

  const cli = (args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/cli/sync.cli.ts', ...args], {
        env: {
          PATH: process.env.PATH,
          CHATWOOT_URL: t.fake.url,
          CHATWOOT_PLATFORM_TOKEN: t.fake.platformToken,
          PLATFORM_API_KEY: PLATFORM_KEY,
          JOBS_POLL_SECONDS: '0.5',
          LOG_LEVEL: 'silent',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('exit', (code) => resolve({ code, output }));
    });

  it('asks the running service over its API and follows the run to the end', async () => {
    // A database the CLI cannot reach: a run that completes went through the service.
    const { code, output } = await cli(['--store', s.storeId, '--url', t.url], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/unreachable',
    });
    expect(output).toContain(`asking the service at ${t.url}`);
    expect(output).toMatch(/run [0-9a-f-]{36} done/);
    expect(code).toBe(0);
    const synced = t.fake.state.contactsOf(s.accountId).filter((c) => c.identifier?.startsWith('cli-'));
    expect(synced).toHaveLength(40);
    const [run] = await t.get(DataSource).query('select trigger from sync_runs where store_id = $1', [s.storeId]);
    expect(run.trigger).toBe('api');
  }, 90_000);

  it('runs the sync in its own process when no service answers and no live service owns the database', async () => {
    const { code, output } = await cli(['--store', s.storeId], {
      DATABASE_URL: t.databaseUrl,
      PORT: String(await unusedPort()),
    });
    expect(output).toContain('running the sync in this process');
    expect(output).toMatch(/run [0-9a-f-]{36} done/);
    expect(code).toBe(0);
    const triggers = await t
      .get(DataSource)
      .query('select trigger from sync_runs where store_id = $1 order by started_at', [s.storeId]);
    expect(triggers.map((r: { trigger: string }) => r.trigger)).toEqual(['api', 'cli']);
  }, 90_000);

  it('explains its usage and fails without a store', async () => {
    const { code, output } = await cli([], { DATABASE_URL: t.databaseUrl });
    expect(code).toBe(64);
    expect(output).toContain('usage: npm run sync -- --store <storeId>');
  }, 30_000);
});
