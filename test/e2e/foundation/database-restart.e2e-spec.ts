import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../../src/database/embedded-postgres';
import { startFakeChatwoot, type FakeChatwoot } from '../../fake-chatwoot';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startServiceProcess, type ServiceProcess } from '../../support/service-process';
import { PLATFORM_KEY, startTestApp } from '../../support/test-app';
import { signedDeliveryHeaders } from '../../support/signed-delivery';

interface Answer {
  deliveryId: string;
  status: number;
  code?: string;
  retryAfter?: string;
  error?: string;
}

function deliver(agent: Agent, url: string, store: SeededStore): Promise<Answer> {
  const deliveryId = randomUUID();
  const body = JSON.stringify({ event: 'conversation_typing_on', id: 1, account: { id: store.accountId } });
  const headers = signedDeliveryHeaders(store.webhookSecret, body, { deliveryId });
  return new Promise((resolve) => {
    const req = httpRequest(
      `${url}/v1/webhooks/chatwoot/${store.storeId}`,
      { method: 'POST', agent, headers, timeout: 10_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let code: string | undefined;
          try {
            code = (JSON.parse(text) as { code?: string }).code;
          } catch {
            code = undefined;
          }
          resolve({
            deliveryId,
            status: res.statusCode ?? 0,
            code,
            retryAfter: res.headers['retry-after'] as string | undefined,
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ deliveryId, status: 0, error: error.code ?? error.message }));
    req.end(body);
  });
}

/**
 * PostgreSQL restarts under load while the service runs as a real process: nothing may exit
 * (pg-boss 10.4 leaves complete()/fail() unawaited, so a lost connection is an unhandled
 * rejection), requests get a quick 503 while the database is away, and every delivery that was
 * acknowledged is processed once it is back.
 */
describe('PostgreSQL restart under load', () => {
  let dataDir: string;
  let pg: EmbeddedPostgresHandle | undefined;
  let fake: FakeChatwoot;
  let service: ServiceProcess | undefined;
  let store: SeededStore;
  let port: number;

  beforeAll(async () => {
    mkdirSync('.data', { recursive: true });
    dataDir = mkdtempSync(join('.data', 'restart-'));
    pg = await startEmbeddedPostgres({ dataDir, fsync: false, database: 'bridge' });
    port = pg.port;
    fake = await startFakeChatwoot();
    // Migrations and a ready store, written by an in-process app that is closed before the real process starts.
    const seeder = await startTestApp({ fake, databaseUrl: pg.url, env: { JOBS_ENABLED: 'false' } });
    store = await seedStore(seeder);
    await seeder.close();
    service = await startServiceProcess({ databaseUrl: pg.url, fake });
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await pg?.stop();
    await fake?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('stays up, answers 503 DATABASE_UNAVAILABLE with Retry-After while it is down, and processes everything it acknowledged', async () => {
    const svc = service!;
    const answers: Answer[] = [];
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    let sending = true;
    const sender = async () => {
      while (sending) {
        answers.push(await deliver(agent, svc.url, store));
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const senders = Array.from({ length: 4 }, sender);
    try {
      await eventually(() => expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(50), 30_000);

      await pg!.stop();
      pg = undefined;
      const downFrom = answers.length;
      // Intake refuses quickly and honestly while the database is away.
      await eventually(
        () => {
          const refused = answers.slice(downFrom).filter((a) => a.status === 503);
          expect(refused.length).toBeGreaterThan(5);
          expect(refused.every((a) => a.code === 'DATABASE_UNAVAILABLE' && Number(a.retryAfter) > 0)).toBe(true);
        },
        30_000,
        100,
      );
      // So do the Fastify routes, and /health names the dependency that is down.
      const storeRead = await fetch(`${svc.url}/v1/stores/${store.storeId}`, {
        headers: { authorization: `Bearer ${PLATFORM_KEY}` },
      });
      expect(storeRead.status).toBe(503);
      expect(storeRead.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await storeRead.json()) as { code: string }).code).toBe('DATABASE_UNAVAILABLE');
      await eventually(async () => {
        const health = await fetch(`${svc.url}/health`);
        expect(health.status).toBe(503);
        const body = (await health.json()) as { error?: Record<string, { status: string }> };
        expect(body.error?.database?.status).toBe('down');
      }, 15_000);
      // Long enough for every worker to poll, fail and have its unawaited complete()/fail() reject.
      await new Promise((r) => setTimeout(r, 4000));
      expect(svc.alive(), svc.output()).toBe(true);

      pg = await startEmbeddedPostgres({ dataDir, port, fsync: false, database: 'bridge' });
      const upFrom = answers.length;
      await eventually(() => expect(answers.slice(upFrom).filter((a) => a.status === 200).length).toBeGreaterThan(50), 60_000);
    } finally {
      sending = false;
      await Promise.all(senders);
      agent.destroy();
    }
    expect(svc.alive(), svc.output()).toBe(true);

    // Only 200s and 503s: no 500, no hung or reset request.
    const kinds = new Set(answers.map((a) => (a.status === 0 ? `error:${a.error}` : String(a.status))));
    expect([...kinds].sort()).toEqual(['200', '503']);

    const acknowledged = answers.filter((a) => a.status === 200).map((a) => a.deliveryId);
    const db = new Client({ connectionString: pg!.url });
    await db.connect();
    try {
      await eventually(
        async () => {
          const { rows } = await db.query<{ state: string; n: number }>(
            `select state, count(*)::int as n from webhook_deliveries
                where store_id = $1 and delivery_id = any($2) group by state`,
            [store.storeId, acknowledged],
          );
          const byState = Object.fromEntries(rows.map((r) => [r.state, r.n]));
          expect(byState).toEqual({ ignored: acknowledged.length });
        },
        150_000,
        1000,
      );
    } finally {
      await db.end();
    }
    await eventually(async () => expect((await fetch(`${svc.url}/health`)).status).toBe(200), 30_000);
    expect(svc.alive(), svc.output()).toBe(true);
  }, 420_000);
});
