import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';
import { signedDeliveryHeaders } from '../../support/signed-delivery';

interface Answer {
  status: number;
  body: string;
  retryAfter: string | undefined;
}

function signed(store: SeededStore, event: string, deliveryId: string) {
  const body = JSON.stringify({ event, id: 1, account: { id: store.accountId } });
  return { body, headers: signedDeliveryHeaders(store.webhookSecret, body, { deliveryId }) };
}

function post(agent: Agent, baseUrl: string, store: SeededStore, event: string, deliveryId: string): Promise<Answer> {
  const { body, headers } = signed(store, event, deliveryId);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}/v1/webhooks/chatwoot/${store.storeId}`, { method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text, retryAfter: res.headers['retry-after'] as string | undefined }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends every delivery id over `connections` keep-alive connections; returns the answers in order. */
async function flood(baseUrl: string, store: SeededStore, event: string, ids: string[], connections = 32): Promise<Answer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const answers: Answer[] = new Array<Answer>(ids.length);
  let next = 0;
  const sender = async () => {
    while (next < ids.length) {
      const i = next++;
      answers[i] = await post(agent, baseUrl, store, event, ids[i]);
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, sender));
  } finally {
    agent.destroy();
  }
  return answers;
}

/** Pace small enough that the flood outlasts the test many times over. */
const PACE_PER_MINUTE = 600;
const FLOOD = 20_000;

describe('webhook intake under volume: everything stored, processing paced per account', () => {
  let t: TestApp;
  let db: DataSource;
  let flooded: SeededStore;
  let other: SeededStore;

  beforeAll(async () => {
    t = await startTestApp({ env: { WEBHOOK_RATE_PER_MINUTE: String(PACE_PER_MINUTE), WEBHOOK_BACKLOG_LIMIT: '1000000' } });
    db = t.get(DataSource);
    flooded = await seedStore(t);
    other = await seedStore(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  const count = async (storeId: string, states: string[]) =>
    Number(
      (
        await db.query('select count(*) as n from webhook_deliveries where store_id = $1 and state = any($2)', [storeId, states])
      )[0].n,
    );

  it('acknowledges and stores 20,000 deliveries of one account, processes them at its pace, and still serves another store promptly', async () => {
    const started = Date.now();
    const ids = Array.from({ length: FLOOD }, () => randomUUID());
    const answers = await flood(t.url, flooded, 'conversation_typing_on', ids);

    const statuses = new Map<number, number>();
    for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    expect(Object.fromEntries(statuses)).toEqual({ 200: FLOOD });
    // Stored once each: repeats are acknowledged as duplicates and add nothing.
    const repeats = await flood(t.url, flooded, 'conversation_typing_on', ids.slice(0, 200), 8);
    expect(repeats.every((a) => a.status === 200 && JSON.parse(a.body).duplicate === true)).toBe(true);
    const [stored] = await db.query(
      'select count(*)::int as n, count(distinct delivery_id)::int as ids from webhook_deliveries where store_id = $1',
      [flooded.storeId],
    );
    expect(stored).toEqual({ n: FLOOD, ids: FLOOD });

    // The other store's deliveries are processed while the flood is still being worked off.
    const otherIds = Array.from({ length: 5 }, () => randomUUID());
    expect((await flood(t.url, other, 'conversation_typing_on', otherIds, 5)).map((a) => a.status)).toEqual([
      200, 200, 200, 200, 200,
    ]);
    await eventually(async () => expect(await count(other.storeId, ['processed', 'ignored'])).toBe(5), 30_000, 200);
    const floodOpen = await count(flooded.storeId, ['pending', 'processing']);
    expect(floodOpen).toBeGreaterThan(FLOOD / 2);

    // Processing keeps to the pace: a full bucket (one minute's worth) plus the refill since the
    // first delivery, however fast the machine is. Counted, not timed.
    await eventually(async () => expect(await count(flooded.storeId, ['processed', 'ignored'])).toBeGreaterThan(0), 30_000);
    await new Promise((r) => setTimeout(r, 3000));
    const elapsedSeconds = (Date.now() - started) / 1000;
    const done = await count(flooded.storeId, ['processed', 'ignored', 'processing']);
    expect(done).toBeLessThanOrEqual(PACE_PER_MINUTE + Math.ceil((PACE_PER_MINUTE / 60) * elapsedSeconds));

    // Reported: the store's status and /metrics show the backlog against its ceiling.
    const status = await t.request('GET', `/v1/stores/${flooded.storeId}`);
    expect(status.status).toBe(200);
    expect(status.body.webhooks).toMatchObject({ backlogLimit: 1_000_000, processingPerMinute: PACE_PER_MINUTE });
    expect(status.body.webhooks.backlog).toBeGreaterThan(FLOOD / 2);
    expect(status.body.webhooks.backlogRatio).toBeCloseTo(status.body.webhooks.backlog / 1_000_000, 3);
    await eventually(async () => {
      const metrics = await t.request('GET', '/metrics', { auth: null });
      expect(metrics.text).toMatch(new RegExp(`webhook_backlog_ratio\\{store_id="${flooded.storeId}"\\} 0\\.0[12]`));
      expect(metrics.text).toMatch(/webhook_backlog_max_ratio 0\.0[12]/);
    }, 15_000);
  }, 240_000);
});

describe('webhook backlog ceiling', () => {
  let t: TestApp;
  let store: SeededStore;

  beforeAll(async () => {
    // No workers: nothing is processed, so the backlog only grows.
    t = await startTestApp({ env: { WEBHOOK_BACKLOG_LIMIT: '100', JOBS_ENABLED: 'false' } });
    store = await seedStore(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses with 503 WEBHOOK_BACKLOG_FULL and Retry-After once a store has WEBHOOK_BACKLOG_LIMIT unprocessed deliveries', async () => {
    const agent = new Agent({ keepAlive: true });
    try {
      for (let i = 0; i < 100; i++) {
        expect((await post(agent, t.url, store, 'conversation_typing_on', randomUUID())).status).toBe(200);
      }
      const refused = await post(agent, t.url, store, 'conversation_typing_on', randomUUID());
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toMatchObject({ statusCode: 503, code: 'WEBHOOK_BACKLOG_FULL' });
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    } finally {
      agent.destroy();
    }
    const status = await t.request('GET', `/v1/stores/${store.storeId}`);
    expect(status.body.webhooks).toMatchObject({ backlog: 100, backlogLimit: 100, backlogRatio: 1 });
    await eventually(async () => {
      const metrics = await t.request('GET', '/metrics', { auth: null });
      expect(metrics.text).toMatch(/webhook_backlog_max_ratio 1\b/);
      expect(metrics.text).toMatch(/webhook_deliveries_total\{result="backlog_full"\} 1\b/);
    }, 15_000);
  });
});
