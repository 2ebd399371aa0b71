import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

type Outcome = { deliveryId: string; status: number } | { deliveryId: string; error: string };

/** One signed delivery over a fresh connection; a refused or reset connection is an outcome too. */
function deliver(baseUrl: string, store: SeededStore): Promise<Outcome> {
  const deliveryId = randomUUID();
  const body = JSON.stringify({ event: 'contact_updated', id: 1, account: { id: store.accountId } });
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = `sha256=${createHmac('sha256', store.webhookSecret).update(`${timestamp}.${body}`).digest('hex')}`;
  return new Promise((resolve) => {
    const req = httpRequest(
      `${baseUrl}/v1/webhooks/chatwoot/${store.storeId}`,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'x-chatwoot-delivery': deliveryId,
          'x-chatwoot-timestamp': String(timestamp),
          'x-chatwoot-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ deliveryId, status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ deliveryId, error: error.code ?? error.message }));
    req.end(body);
  });
}

/** Whether something still accepts connections on the URL's port. */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('webhook intake during shutdown', () => {
  let t: TestApp;
  let s: SeededStore;

  beforeAll(async () => {
    t = await startTestApp();
    s = await seedStore(t);
  });

  afterAll(async () => {
    await t?.fake.close();
  });

  it('serves until the database is no longer needed: acknowledged deliveries are stored, none get a 5xx', async () => {
    const outcomes: Outcome[] = [];
    const dataSource = t.get(DataSource);
    let closing = false;
    // Asked at the moment the database starts closing: is the port still taking requests?
    let portOpenWhenDatabaseCloses: boolean | undefined;
    const destroy = dataSource.destroy.bind(dataSource);
    dataSource.destroy = async () => {
      portOpenWhenDatabaseCloses = await accepts(t.url);
      return destroy();
    };
    // Chatwoot keeps sending while the service stops: 20 senders until the port is closed.
    const sender = async () => {
      for (;;) {
        const outcome = await deliver(t.url, s);
        outcomes.push(outcome);
        if ('error' in outcome && closing) return;
      }
    };
    const senders = Array.from({ length: 20 }, sender);
    await new Promise((resolve) => setTimeout(resolve, 300));
    closing = true;
    await t.close();
    await Promise.all(senders);

    const acknowledged = outcomes.filter((o): o is { deliveryId: string; status: number } => 'status' in o && o.status === 200);
    expect(acknowledged.length).toBeGreaterThan(20);
    expect(outcomes.filter((o) => 'status' in o && o.status !== 200)).toEqual([]);
    // The port closed first, the database after: no request can meet a closed pool.
    expect(portOpenWhenDatabaseCloses).toBe(false);
    // (A connection still in the kernel's accept queue when the port closes is reset: ECONNRESET,
    // never answered, so never acknowledged.)

    const db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: string }>(
        'select count(*) as n from webhook_deliveries where store_id = $1 and delivery_id = any($2)',
        [s.storeId, acknowledged.map((o) => o.deliveryId)],
      );
      expect(Number(rows[0].n)).toBe(acknowledged.length);
    } finally {
      await db.end();
    }
  });
});
