import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeChatwoot, type FakeChatwoot } from '../../fake-chatwoot';
import { eventually } from '../../support/eventually';
import { createTestDatabase } from '../../support/test-database';

/**
 * The README's "Five minutes" block, run as written against the service started from source
 * (as `npm start` runs it, with the development defaults) and the fake Chatwoot. Only the two
 * ports are moved (3000 → a free port, 3001 → the fake's), so parallel test files cannot collide.
 */
function walkthroughBlock(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('### Five minutes'));
  const match = /```bash\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error('README has no bash block under "### Five minutes"');
  return match[1];
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function runBash(script: string, timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const hasCurl = spawnSync('curl', ['--version']).status === 0;
let service: ChildProcess | undefined;
let fake: FakeChatwoot | undefined;

afterAll(async () => {
  if (service && service.exitCode === null) service.kill('SIGKILL');
  await fake?.close();
});

describe('README walkthrough', () => {
  it.skipIf(!hasCurl && !process.env.CI)(
    'runs as written: store, customer with order and cart, panel URL',
    async () => {
      expect(hasCurl, 'curl is needed (apt-get install -y curl)').toBe(true);
      fake = await startFakeChatwoot();
      const port = await freePort();
      let output = '';
      service = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
        env: {
          PATH: process.env.PATH,
          PORT: String(port),
          PUBLIC_URL: `http://localhost:${port}`,
          CHATWOOT_URL: fake.url,
          DATABASE_URL: await createTestDatabase(),
          JOBS_POLL_SECONDS: '0.5',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      service.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      service.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      await eventually(() => expect(output).toContain('is listening on'), 60_000, 200);

      const script = walkthroughBlock()
        .replaceAll('localhost:3000', `localhost:${port}`)
        .replaceAll('127.0.0.1:3001', new URL(fake.url).host);
      // Asynchronously: the fake Chatwoot answers from this process's event loop.
      const run = await runBash(script, 120_000);
      expect(run.status, `${run.stdout}\n${run.stderr}\nservice:\n${output}`).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).toContain('"notificationSecret"');
      expect(lines.at(-1)).toMatch(new RegExp(`^http://localhost:${port}/dashboard-app\\?token=[A-Za-z0-9_-]+$`));

      // The customer arrived in Chatwoot with its order and cart.
      const store = JSON.parse(lines[1]) as { chatwoot: { accountId: number; state: string } };
      expect(store.chatwoot.state).toBe('active');
      const contact = await eventually(() => {
        const found = fake!.state.contactsOf(store.chatwoot.accountId).find((c) => c.identifier === 'cust-1001');
        expect(found?.custom_attributes).toMatchObject({ order_count: 1, current_cart_items: 1 });
        return found!;
      }, 30_000);

      // The printed panel URL works: the page, and its token on the context API.
      const panel = await fetch(lines.at(-1)!);
      expect(panel.status).toBe(200);
      const token = new URL(lines.at(-1)!).searchParams.get('token')!;
      const context = await fetch(
        `http://localhost:${port}/v1/context/accounts/${store.chatwoot.accountId}/contacts/${contact.id}`,
        {
          headers: { 'x-context-token': token },
        },
      );
      expect(context.status).toBe(200);
      expect(await context.json()).toMatchObject({ linked: true });

      service.kill('SIGTERM');
    },
    180_000,
  );
});
