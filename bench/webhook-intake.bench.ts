/**
 * Webhook intake throughput: the real app (createApp) against a bare node:http + pg server that
 * does nothing but one INSERT per request, both on the same embedded PostgreSQL, then how fast
 * a backlog of stored deliveries is processed: the per-delivery drain it replaced (one
 * transaction per delivery, bench/support/per-delivery-drain.ts) and the set-based drain, each
 * on the same fresh backlog in this run, with the SQL statements each sent per delivery.
 * Last, the service as `npm start` runs it (`node dist/main.js`, its own process) under the same
 * intake load, for its peak resident memory (Linux's VmHWM), which the in-process figures cannot
 * separate from the harness's.
 * BENCH_PHASES=drain runs the drain phase alone (likewise intake, service).
 */
import 'reflect-metadata';
import { execFileSync, spawn } from 'node:child_process';
import { drainPerDelivery } from './support/per-delivery-drain';
import { countStatements } from './support/statement-counter';
import { messagePayload, type LoadResult } from './support/webhook-load';
import { ACCOUNT_ID, SECRET } from './support/webhook-bench-constants';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { ChatwootAccountLink } from '../src/accounts/entities/chatwoot-account-link.entity';
import { Store } from '../src/accounts/entities/store.entity';
import { createApp } from '../src/app.factory';
import { SecretBox } from '../src/common/crypto/secret-box.service';
import { loadConfig } from '../src/config/app-config';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { DeliveryQueueRepository } from '../src/webhooks/delivery-queue.repository';
import { WebhookDeliveryWorker } from '../src/webhooks/webhook-delivery.worker';
import { WebhookMetrics } from '../src/webhooks/webhook-metrics';
import { startFakeChatwoot, type FakeChatwoot } from '../test/fake-chatwoot';
import { createDatabase } from '../test/support/create-database';
import { startServiceProcess } from '../test/support/service-process';
import { peakRssMbOf, rssMbOf, sampleRss } from './bench-result';

const DURATION_S = 6;
const ROUNDS = 3;
const CONNECTIONS = 50;
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 10_000);
const STORE_ID = 'bench-store';
const PHASES = new Set((process.env.BENCH_PHASES ?? 'intake,drain,service').split(',').map((p) => p.trim()));

/** Load from a second process, as a real client would be. */
function load(url: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, 'support', 'webhook-load.ts'), url, String(CONNECTIONS), String(DURATION_S)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult)
        : reject(new Error(`load generator exited ${code}`)),
    );
  });
}

/** The run with the median requests per second. */
function median(runs: LoadResult[]): LoadResult {
  return [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)];
}

/** The baseline: what a hand-written endpoint does with no framework at all. */
async function startBare(databaseUrl: string): Promise<{ url: string; close: () => Promise<void> }> {
  const pool = new Pool({ connectionString: databaseUrl, max: 20 });
  await pool.query(`create table deliveries (id bigint generated always as identity primary key, store_id text not null,
    delivery_id text not null, event text not null, body text not null, received_at timestamptz not null default now(),
    unique (store_id, delivery_id))`);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const event = (JSON.parse(body) as { event: string }).event;
      pool
        .query({
          name: 'bare_insert',
          text: 'insert into deliveries (store_id, delivery_id, event, body) values ($1, $2, $3, $4) on conflict do nothing',
          values: [STORE_ID, req.headers['x-chatwoot-delivery'], event, body],
        })
        .then(
          () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}'),
          () => res.writeHead(500).end(),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

/** A built service process taking the intake load: its median round and its memory. */
async function serviceUnderLoad(
  databaseUrl: string,
  fake: FakeChatwoot,
  entry: 'built' | 'built-bare',
): Promise<{ load: LoadResult; idleRssMb: number; peakRssMb: number }> {
  const service = await startServiceProcess({
    databaseUrl,
    fake,
    entry,
    env: { JOBS_ENABLED: 'false', CRON_ENABLED: 'false', LOG_LEVEL: 'warn' },
    startTimeoutMs: 120_000,
  });
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const url = `${service.url}/v1/webhooks/chatwoot/${STORE_ID}`;
    const idleRssMb = rssMbOf(service.child.pid!);
    const runs: LoadResult[] = [];
    await db.query('delete from webhook_deliveries');
    await load(url); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      await db.query('delete from webhook_deliveries');
      runs.push(await load(url));
    }
    return { load: median(runs), idleRssMb, peakRssMb: peakRssMbOf(service.child.pid!) };
  } finally {
    await db.end();
    await service.stop();
  }
}

export async function run(): Promise<{ name: string; metrics: Record<string, number>; notes?: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-bench-'));
  const pg = await startEmbeddedPostgres({ dataDir: dir, fsync: false, database: 'postgres' });
  try {
    const appDb = await createDatabase(pg.url, 'app');
    const bareDb = await createDatabase(pg.url, 'bare');
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: appDb,
      LOG_LEVEL: 'silent',
      CRON_ENABLED: 'false',
      // Intake alone is measured; the drain phase drives the processors directly.
      JOBS_ENABLED: 'false',
      // Default limits: intake has no volume limit; WEBHOOK_RATE_PER_MINUTE paces processing only.
      // BENCH_REDIS_URL measures the scale-out mode (shared caches and counters in Redis).
      ...(process.env.BENCH_REDIS_URL ? { REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
    });
    const app = await createApp(config);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const appUrl = `${await app.getUrl()}/v1/webhooks/chatwoot/${STORE_ID}`.replace('[::1]', '127.0.0.1');
    const secrets = app.get(SecretBox);
    const db = app.get(DataSource);
    const seedBenchStore = async (id: string, accountId: number) => {
      await db.getRepository(Store).insert({
        id,
        name: 'Bench',
        slug: id,
        email: `${id}@example.test`,
        websiteUrl: 'https://bench.example.test',
        locale: 'en',
        timezone: 'UTC',
        currency: 'EUR',
        status: 'active',
        branding: {},
        notificationUrl: null,
        notificationSecretEnc: null,
        settings: {},
      });
      await db.getRepository(ChatwootAccountLink).insert({
        storeId: id,
        state: 'active',
        accountId,
        webhookSecretEnc: secrets.encrypt(SECRET),
        teams: {},
        steps: [],
      });
    };
    await seedBenchStore(STORE_ID, ACCOUNT_ID);

    const metrics: Record<string, number> = {};
    const notes: string[] = [];
    if (PHASES.has('intake')) {
      // The service runs in this process: its peak under intake load, apart from the backlog phase below.
      const intakeRss = sampleRss();
      const bare = await startBare(bareDb);
      await load(bare.url); // warm-up both, so JIT and connection pools are in steady state
      await load(appUrl);
      // Interleaved rounds, median of each: disk and CPU noise on a shared machine moves single
      // runs by 25% or more, and it hits both servers alike only when they alternate.
      const bareRuns: LoadResult[] = [];
      const appRuns: LoadResult[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        bareRuns.push(await load(bare.url));
        // Nothing processes here (JOBS_ENABLED=false): empty the backlog so no round nears WEBHOOK_BACKLOG_LIMIT.
        await db.query('delete from webhook_deliveries');
        await new Promise((r) => setTimeout(r, 1500));
        appRuns.push(await load(appUrl));
      }
      await bare.close();
      const intakePeakRssMb = intakeRss.stop();
      const bareResult = median(bareRuns);
      const appResult = median(appRuns);
      const ratio = appResult.rps / bareResult.rps;
      Object.assign(metrics, {
        app_rps: Math.round(appResult.rps),
        app_p50_ms: appResult.p50,
        app_p99_ms: appResult.p99,
        app_errors: appResult.errors + appResult.non2xx,
        bare_rps: Math.round(bareResult.rps),
        bare_p50_ms: bareResult.p50,
        bare_p99_ms: bareResult.p99,
        bare_errors: bareResult.errors + bareResult.non2xx,
        rps_ratio: Math.round(ratio * 1000) / 1000,
        rps_ratio_min: Math.round(Math.min(...appRuns.map((a, i) => a.rps / bareRuns[i].rps)) * 1000) / 1000,
        rps_ratio_max: Math.round(Math.max(...appRuns.map((a, i) => a.rps / bareRuns[i].rps)) * 1000) / 1000,
        intake_peak_rss_mb: intakePeakRssMb,
      });
      notes.push(
        `${CONNECTIONS} connections x ${DURATION_S} s, ${ROUNDS} interleaved rounds per server (medians; min/max of the per-round ratio) after a warm-up run; autocannon, both servers and PostgreSQL share this machine. ` +
          `Targets: ratio >= 0.8 (stretch >= 1.0), app p99 < 50 ms; intake_peak_rss_mb is this process (the app plus the bare server and the harness), an upper bound: the memory target is on service_peak_rss_mb below.`,
      );
    }

    if (PHASES.has('drain')) {
      // Backlog: 10,000 stored, unprocessed deliveries over 500 conversations, spread over stores so
      // that each stays within one minute of its default processing pace: this measures the
      // processor, not WEBHOOK_RATE_PER_MINUTE.
      const backlogStores = Math.max(1, Math.ceil(BACKLOG / (config.WEBHOOK_RATE_PER_MINUTE * 0.8)));
      const storeIds = Array.from({ length: backlogStores }, (_, k) => (k === 0 ? STORE_ID : `${STORE_ID}-${k}`));
      for (let k = 1; k < backlogStores; k++) await seedBenchStore(storeIds[k], ACCOUNT_ID + k);
      const rows = Array.from({ length: BACKLOG }, (_, i) => ({
        storeId: storeIds[i % backlogStores],
        deliveryId: `backlog-${i}`,
        event: 'message_created',
        accountId: ACCOUNT_ID + (i % backlogStores),
        signedAt: Math.floor(Date.now() / 1000),
        body: messagePayload((i % 500) + 1, 1_000_000 + i),
      }));
      const repo = app.get(DeliveryQueueRepository);
      const processor = app.get(WebhookDeliveryWorker);
      /** A fresh backlog (no conversations yet, full pace buckets), drained by `drain`; two drain loops, as the job runs. */
      const measure = async (drain: () => Promise<unknown>) => {
        for (const table of [
          'webhook_deliveries',
          'webhook_processing_pace',
          'conversation_messages',
          'conversation_status_changes',
          'conversations',
        ]) {
          await db.query(`delete from ${table}`);
        }
        for (let i = 0; i < rows.length; i += 1000) await repo.insertMany(rows.slice(i, i + 1000));
        const statements = countStatements();
        const started = process.hrtime.bigint();
        try {
          await Promise.all([drain(), drain()]);
        } finally {
          statements.stop();
        }
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const left = await repo.pendingCount();
        const [{ processed }] = await db.query(
          "select count(*)::int as processed from webhook_deliveries where state = 'processed'",
        );
        return { seconds, left, processed: processed as number, perSecond: processed / seconds, statements: statements.read() };
      };
      const fallbacks = async () =>
        (await app.get(WebhookMetrics).drainBatches.get()).values.find((v) => v.labels.path === 'fallback')?.value ?? 0;
      const old = await measure(() => drainPerDelivery(app, 8));
      const fallbacksBefore = await fallbacks();
      const set = await measure(() => processor.drain());
      const setFallbacks = (await fallbacks()) - fallbacksBefore;
      const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;
      Object.assign(metrics, {
        backlog_deliveries: BACKLOG,
        backlog_stores: backlogStores,
        drain_old_processed: old.processed,
        drain_old_left: old.left,
        drain_old_seconds: round(old.seconds),
        drain_old_per_s: Math.round(old.perSecond),
        statements_per_delivery_old: round(old.statements / BACKLOG),
        drain_new_processed: set.processed,
        drain_new_left: set.left,
        drain_new_seconds: round(set.seconds),
        drain_new_per_s: Math.round(set.perSecond),
        statements_per_delivery_new: round(set.statements / BACKLOG),
        // Batches the set path could not commit (e.g. a deadlock) and settled one by one: should be 0.
        drain_new_fallback_batches: setFallbacks,
        drain_ratio: round(set.perSecond / old.perSecond, 3),
        // Continuity with earlier runs: the drain the service uses.
        backlog_processed: set.processed,
        backlog_left: set.left,
        backlog_seconds: round(set.seconds),
        backlog_deliveries_per_s: Math.round(set.perSecond),
      });
      notes.push(
        `Backlog: ${BACKLOG} message_created deliveries for 500 conversations spread over ${backlogStores} stores within their default pace, two drain loops; ` +
          `old = per-delivery drain (8 deliveries at a time per loop, one transaction each), new = set-based drain, each on a fresh copy of the backlog. ` +
          `Statements: every query a pg client of this process sent while draining (claims, reads, writes, BEGIN/COMMIT, pg-boss job inserts), divided by the backlog. Target: drain_ratio >= 3.`,
      );
    }
    await app.close();

    if (PHASES.has('service')) {
      // The built service in its own process, on the database the app above left (store seeded),
      // taking the same intake load; jobs off, as in the intake phase, so this is intake alone.
      // Baseline: the same build without npm start's node flags (V8 sizing its heap from the machine).
      execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'build-if-stale.mjs')], { stdio: 'ignore' });
      const fake = await startFakeChatwoot();
      try {
        const asStarted = await serviceUnderLoad(appDb, fake, 'built');
        const bare = await serviceUnderLoad(appDb, fake, 'built-bare');
        Object.assign(metrics, {
          service_rps: Math.round(asStarted.load.rps),
          service_p99_ms: asStarted.load.p99,
          service_errors: asStarted.load.errors + asStarted.load.non2xx,
          service_idle_rss_mb: asStarted.idleRssMb,
          service_peak_rss_mb: asStarted.peakRssMb,
          service_default_heap_rps: Math.round(bare.load.rps),
          service_default_heap_peak_rss_mb: bare.peakRssMb,
          service_peak_rss_ratio: Math.round((asStarted.peakRssMb / bare.peakRssMb) * 1000) / 1000,
        });
        notes.push(
          `service_*: the built service in its own process as npm start runs it (JOBS_ENABLED=false), ${ROUNDS} rounds of the same load after a warm-up; ` +
            `peak = its VmHWM; service_default_heap_*: the same without npm start's node flags. Target: service_peak_rss_mb < 250.`,
        );
      } finally {
        await fake.close();
      }
    }
    return { name: 'webhook-intake', metrics, notes: notes.join(' ') };
  } finally {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().then(
    (result) => {
      console.log(JSON.stringify(result, null, 2));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
