import { spawn } from 'node:child_process';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

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

  const cli = (args: string[]) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/cli/sync.cli.ts', ...args], {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: t.databaseUrl,
          CHATWOOT_URL: t.fake.url,
          CHATWOOT_PLATFORM_TOKEN: t.fake.platformToken,
          JOBS_POLL_SECONDS: '0.5',
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('exit', (code) => resolve({ code, output }));
    });

  it('runs a full sync of the store to the end and reports it', async () => {
    const { code, output } = await cli(['--store', s.storeId]);
    expect(output).toMatch(/run [0-9a-f-]{36} done/);
    expect(code).toBe(0);
    const synced = t.fake.state.contactsOf(s.accountId).filter((c) => c.identifier?.startsWith('cli-'));
    expect(synced).toHaveLength(40);
  }, 90_000);

  it('explains its usage and fails without a store', async () => {
    const { code, output } = await cli([]);
    expect(code).toBe(64);
    expect(output).toContain('usage: npm run sync -- --store <storeId>');
  }, 30_000);
});
