import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../../src/database/embedded-postgres';
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

  it('writes one JSON request line with the request id for raw and Fastify routes alike', async () => {
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

    const lineFor = (requestId: string) =>
      service
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, any>)
        .find((entry) => entry.msg === 'request completed' && entry.req?.id === requestId);
    await eventually(() => expect(lineFor('fastify-route-probe')).toBeDefined());
    await eventually(() => expect(lineFor('raw-route-probe')).toBeDefined());
    const shape = { level: 30, msg: 'request completed', responseTime: expect.any(Number) };
    expect(lineFor('fastify-route-probe')).toMatchObject({
      ...shape,
      requestId: 'fastify-route-probe',
      res: { statusCode: 401 },
    });
    expect(lineFor('raw-route-probe')).toMatchObject({
      ...shape,
      requestId: 'raw-route-probe',
      req: { method: 'POST', url: '/v1/webhooks/chatwoot/no-such-store' },
      res: { statusCode: 404 },
    });
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
    } finally {
      await pg.stop();
    }
  }, 60_000);
});
