import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_SECRETS } from '../../../src/config/app-config';
import { removeEmbeddedData, startEmbeddedPostgres } from '../../../src/database/embedded-postgres';
import { eventually } from '../../support/eventually';
import { createTestDatabase } from '../../support/test-database';

const children: ChildProcess[] = [];
const folders: string[] = [];

function startService(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', CRON_ENABLED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-startup-'));
  folders.push(dir);
  return dir;
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('start-up', () => {
  it('exits non-zero naming every bad variable', async () => {
    const service = startService({ PORT: 'not-a-port', ENCRYPTION_KEY: 'too-short' });
    const code = await service.exited;
    expect(code).not.toBe(0);
    expect(service.output()).toMatch(/PORT:/);
    expect(service.output()).toMatch(/ENCRYPTION_KEY:/);
  });

  it('refuses production without real secrets', async () => {
    const service = startService({ NODE_ENV: 'production', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' });
    expect(await service.exited).not.toBe(0);
    expect(service.output()).toMatch(/PLATFORM_API_KEY: must be set to a real secret/);
  });

  it('starts on the embedded database, survives kill -9 and starts again', async () => {
    const dataDir = join(tempFolder(), 'data');
    const port = await freePort();
    const health = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(res.status).toBe(200);
    };

    const first = startService({ PORT: String(port), DATA_DIR: dataDir });
    await eventually(health, 60_000, 200);
    first.child.kill('SIGKILL');
    await first.exited;

    // The orphaned postmaster still holds the data folder; the next start must cope.
    const second = startService({ PORT: String(port), DATA_DIR: dataDir });
    await eventually(health, 60_000, 200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 150_000);

  it('prints one banner with the URLs, the embedded data folder and the dev platform key, not Nest registration lines', async () => {
    const dataDir = join(tempFolder(), 'data');
    const port = await freePort();
    const service = startService({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' });
    await eventually(() => expect(service.output()).toContain('is listening on'), 60_000, 200);
    const out = service.output();
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(out).toContain(`chatwoot-store-bridge ${version} is listening on http://localhost:${port}`);
    expect(out).toContain(`http://localhost:${port}/docs`);
    expect(out).toContain(`http://localhost:${port}/metrics`);
    expect(out).toMatch(/Database\s+embedded PostgreSQL, data in \/\S+/);
    expect(out).toContain('npm run reset');
    expect(out).toContain(`Authorization: Bearer ${DEV_SECRETS.PLATFORM_API_KEY}`);
    // Module and route registration went to debug.
    expect(out).not.toMatch(/dependencies initialized|Mapped \{/);
    expect(out).not.toContain('Nest application successfully started');
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);

    // A real key is never printed.
    const realKey = 'a-real-platform-key-that-must-stay-secret';
    const other = startService({
      PORT: String(port),
      DATABASE_URL: await createTestDatabase(),
      PLATFORM_API_KEY: realKey,
      LOG_LEVEL: 'info',
    });
    await eventually(() => expect(other.output()).toContain('is listening on'), 60_000, 200);
    expect(other.output()).not.toContain(realKey);
    expect(other.output()).toMatch(/Platform key\s+from PLATFORM_API_KEY \(not shown\)/);
    expect(other.output()).toMatch(/Database\s+external PostgreSQL/);
    other.child.kill('SIGTERM');
    expect(await other.exited).toBe(0);
  }, 150_000);

  it('writes one request line shape for raw and Fastify routes: route, status, ms, ids, error code; probes at debug', async () => {
    const port = await freePort();
    const service = startService({ PORT: String(port), DATABASE_URL: await createTestDatabase(), LOG_LEVEL: 'info' });
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200), 60_000, 200);

    const webhook = await fetch(`http://127.0.0.1:${port}/v1/webhooks/chatwoot/no-such-store?token=secret-in-query`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'raw-route-probe',
        'x-chatwoot-signature': 'sha256=0000',
        'x-chatwoot-timestamp': '1',
      },
      body: '{"event":"conversation_created"}',
    });
    expect(webhook.status).toBe(404);
    const api = await fetch(`http://127.0.0.1:${port}/v1/stores/x`, { headers: { 'x-request-id': 'fastify-route-probe' } });
    expect(api.status).toBe(401);
    const probe = await fetch(`http://127.0.0.1:${port}/health`, { headers: { 'x-request-id': 'health-probe' } });
    expect(probe.status).toBe(200);
    await fetch(`http://127.0.0.1:${port}/v1/stores/x`, { headers: { 'x-request-id': 'last-probe' } });

    const entries = () =>
      service
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, any>);
    const lineFor = (requestId: string) =>
      entries().find((entry) => entry.msg === 'request completed' && entry.requestId === requestId);
    await eventually(() => expect(lineFor('last-probe')).toBeDefined());
    await eventually(() => expect(lineFor('raw-route-probe')).toBeDefined());
    const keys = ['context', 'hostname', 'level', 'method', 'ms', 'msg', 'pid', 'requestId', 'route', 'status', 'time'];
    expect(Object.keys(lineFor('fastify-route-probe')!).sort()).toEqual([...keys, 'code', 'storeId'].sort());
    expect(Object.keys(lineFor('raw-route-probe')!).sort()).toEqual([...keys, 'code', 'storeId'].sort());
    expect(lineFor('fastify-route-probe')).toMatchObject({
      level: 30,
      method: 'GET',
      route: '/v1/stores/:storeId',
      status: 401,
      storeId: 'x',
      code: 'UNAUTHORIZED',
      ms: expect.any(Number),
    });
    expect(lineFor('raw-route-probe')).toMatchObject({
      level: 30,
      method: 'POST',
      route: '/v1/webhooks/chatwoot/:storeId',
      status: 404,
      storeId: 'no-such-store',
      code: 'STORE_NOT_FOUND',
      ms: expect.any(Number),
    });
    // Probes are debug: not written at info.
    expect(lineFor('health-probe')).toBeUndefined();
    // No response headers, no query strings, no signatures.
    expect(service.output()).not.toContain('strict-transport-security');
    expect(service.output()).not.toContain('secret-in-query');
    expect(service.output()).not.toContain('sha256=0000');
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  }, 90_000);

  it('runs its database from a checkout inside a 0700 folder', async () => {
    const locked = tempFolder();
    chmodSync(locked, 0o700);
    const dataDir = join(locked, 'checkout', '.data');
    const pg = await startEmbeddedPostgres({ dataDir, fsync: false });
    try {
      const client = new Client({ connectionString: pg.url });
      await client.connect();
      const { rows } = await client.query('select current_database() as db');
      await client.end();
      expect(rows[0].db).toBe('chatwoot_bridge');
      // As root the cluster lives where the postgres user can reach it, linked from ./.data/pg.
      if (process.getuid?.() === 0) expect(lstatSync(join(dataDir, 'pg')).isSymbolicLink()).toBe(true);
      expect(() => removeEmbeddedData(dataDir)).toThrow(/still running/);
    } finally {
      await pg.stop();
    }
    // `npm run reset`'s work: the cluster goes, wherever the link pointed.
    const kept = pg.linked ? readlinkSync(join(dataDir, 'pg')) : join(dataDir, 'pg');
    expect(existsSync(join(kept, 'PG_VERSION'))).toBe(true);
    removeEmbeddedData(dataDir);
    expect(existsSync(kept)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);

  it('npm run reset deletes the data folder and a linked cluster (and says when there is nothing)', () => {
    const dataDir = join(tempFolder(), 'data');
    const elsewhere = join(tempFolder(), 'cluster');
    mkdirSync(join(dataDir, 'demo'), { recursive: true });
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'PG_VERSION'), '18');
    symlinkSync(elsewhere, join(dataDir, 'demo', 'pg'));
    const run = () =>
      execFileSync('npm', ['run', '--silent', 'reset'], { env: { PATH: process.env.PATH, DATA_DIR: dataDir } }).toString();
    expect(run()).toContain('deleted');
    expect(existsSync(elsewhere)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
    expect(run()).toContain('nothing to delete');
  }, 60_000);
});
