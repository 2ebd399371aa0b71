import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeChatwoot, type FakeChatwoot } from '../../fake-chatwoot';
import { eventually } from '../../support/eventually';
import { PLATFORM_KEY } from '../../support/test-app';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The service as `npm start` runs it (its own process, embedded PostgreSQL in a temp DATA_DIR)
 * and the sync CLI started next to it on the same DATA_DIR: the CLI must go through the
 * service or refuse, never take the service's database.
 */
describe('npm run sync while the service runs on the embedded database', () => {
  let fake: FakeChatwoot;
  let service: ChildProcess;
  let serviceOutput = '';
  let dataDir: string;
  let port: number;
  let base: string;
  const storeId = 'cli-live-store';

  const env = () => ({
    PATH: process.env.PATH,
    PORT: String(port),
    DATA_DIR: dataDir,
    CHATWOOT_URL: fake.url,
    CHATWOOT_PLATFORM_TOKEN: fake.platformToken,
    PLATFORM_API_KEY: PLATFORM_KEY,
    PUBLIC_URL: base,
    JOBS_POLL_SECONDS: '0.5',
    CRON_ENABLED: 'false',
    LOG_LEVEL: 'warn',
  });
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${PLATFORM_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const cli = (args: string[], extra: Record<string, string> = {}) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/cli/sync.cli.ts', ...args], {
        env: { ...env(), ...extra },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('exit', (code) => resolve({ code, output }));
    });
  const putCustomer = (id: string) =>
    api('PUT', `/v1/stores/${storeId}/customers/${id}`, {
      email: `${id}@example.test`,
      name: `Customer ${id}`,
      marketingConsent: false,
      registeredAt: '2024-01-01T00:00:00Z',
      updatedAt: new Date().toISOString(),
    });

  beforeAll(async () => {
    fake = await startFakeChatwoot();
    fake.webhooksEnabled = false;
    dataDir = join(mkdtempSync(join(tmpdir(), 'bridge-cli-live-')), 'data');
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout?.on('data', (d: Buffer) => (serviceOutput += d.toString()));
    service.stderr?.on('data', (d: Buffer) => (serviceOutput += d.toString()));
    await eventually(async () => expect((await fetch(`${base}/health`)).status).toBe(200), 90_000, 250);

    const created = await api('PUT', `/v1/stores/${storeId}`, {
      name: 'CLI live shop',
      slug: storeId,
      email: `support@${storeId}.example.test`,
      websiteUrl: `https://${storeId}.example.test`,
      currency: 'EUR',
    });
    expect(created.status).toBe(202);
    await eventually(
      async () => {
        const store = (await (await api('GET', `/v1/stores/${storeId}`)).json()) as { chatwoot: { state: string } };
        expect(store.chatwoot.state).toBe('active');
      },
      60_000,
      250,
    );
    for (let i = 1; i <= 5; i++) expect((await putCustomer(`live-${i}`)).status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    if (service && service.exitCode === null) {
      const exited = new Promise((resolve) => service.once('exit', resolve));
      service.kill('SIGTERM');
      await exited;
    }
    await fake?.close();
    if (dataDir) rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('completes the sync through the service, which keeps working', async () => {
    const { code, output } = await cli(['--store', storeId]);
    expect(output).toContain(`asking the service at ${base}`);
    expect(output).toMatch(/run [0-9a-f-]{36} done/);
    expect(code).toBe(0);
    // The service and its database are still up: a write and a read after the CLI finished.
    expect((await putCustomer('after-cli')).status).toBe(200);
    expect((await api('GET', `/v1/stores/${storeId}`)).status).toBe(200);
    expect(service.exitCode).toBeNull();
  }, 120_000);

  it('refuses clearly when the owning service does not answer where it looks, and stops nothing', async () => {
    const { code, output } = await cli(['--store', storeId, '--url', `http://127.0.0.1:${await freePort()}`]);
    expect(code).toBe(75);
    expect(output).toMatch(
      /refusing: process \d+ owns the embedded database in .*this CLI never touches a live service's database/s,
    );
    expect((await putCustomer('after-refusal')).status).toBe(200);
    expect((await api('GET', `/v1/stores/${storeId}`)).status).toBe(200);
    expect(serviceOutput).not.toMatch(/terminating connection due to administrator command/);
  }, 120_000);
});
