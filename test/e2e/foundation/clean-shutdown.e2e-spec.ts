import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeChatwoot, type FakeChatwoot } from '../../fake-chatwoot';
import { eventually } from '../../support/eventually';

const children: ChildProcess[] = [];
const folders: string[] = [];
let fake: FakeChatwoot | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  await fake?.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('clean shutdown', () => {
  it('Ctrl-C (SIGINT to the whole process group) stops the service and its embedded database without error lines', async () => {
    fake = await startFakeChatwoot();
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'bridge-shutdown-'));
    folders.push(dataDir);
    // Like `npm start` in a terminal: the service leads a process group, and Ctrl-C signals every member.
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        DATA_DIR: join(dataDir, 'data'),
        CHATWOOT_URL: fake.url,
        CHATWOOT_PLATFORM_TOKEN: fake.platformToken,
        LOG_LEVEL: 'info',
        JOBS_POLL_SECONDS: '0.5',
        CRON_ENABLED: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await eventually(async () => expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200), 60_000, 200);
    // Let the workers poll a few times (JOBS_POLL_SECONDS 0.5): stopping has loops to end and pooled connections to close.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const before = output.length;
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);

    const lines = output
      .slice(before)
      .split('\n')
      .filter((line) => line.trim() !== '');
    const entries = lines.map((line) => {
      try {
        return JSON.parse(line) as { level?: number; msg?: string };
      } catch {
        return { level: 50, msg: line };
      }
    });
    expect(entries.map((e) => e.msg)).toContain('SIGINT: shutting down');
    expect(entries.filter((e) => (e.level ?? 0) >= 50)).toEqual([]);
  }, 90_000);
});
