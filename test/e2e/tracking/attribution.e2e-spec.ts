import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import type { DomainEvents } from '../../../src/common/events/domain-events';
import { JobQueue } from '../../../src/jobs/job-queue.service';
import { JourneyService } from '../../../src/tracking/journey.service';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

const ORIGIN = 'https://shop.example.test';
const H = 3_600_000;
const QUEUES = [
  'tracking.attribute-order',
  'tracking.conversation',
  'tracking.session-linked',
  'tracking.store-deleted',
  'tracking.customer-erased',
];

describe('chat-to-sale attribution and tracking data lifecycle', () => {
  let t: TestApp;
  let db: DataSource;
  let jobs: JobQueue;
  let ip = 0;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.get(DataSource);
    jobs = t.get(JobQueue);
  });

  afterAll(async () => {
    await t?.close();
  });

  const base = Date.now() - 2 * 24 * H;
  const at = (hours: number) => new Date(base + hours * H).toISOString();

  function conversation(
    store: SeededStore,
    displayId: number,
    createdHours: number,
    extra: Partial<DomainEvents['conversation.changed']> = {},
  ) {
    return jobs.publish('conversation.changed', {
      storeId: store.storeId,
      displayId,
      contactId: 100 + displayId,
      customerId: 'cust-1',
      status: 'open',
      createdAt: at(createdHours),
      assigneeId: 7,
      ...extra,
    });
  }

  function order(store: SeededStore, orderId: string, placedHours: number, extra: Partial<DomainEvents['order.changed']> = {}) {
    return jobs.publish('order.changed', {
      storeId: store.storeId,
      orderId,
      customerId: 'cust-1',
      status: 'paid',
      totalAmount: 4_990,
      currency: 'EUR',
      placedAt: at(placedHours),
      ...extra,
    });
  }

  /** Every tracking job has run (so a missing row really means "not attributed"). */
  async function settled(): Promise<void> {
    await eventually(async () => {
      for (const queue of QUEUES) expect(await jobs.pending(queue), queue).toBe(0);
    }, 15_000);
  }

  async function attribution(store: SeededStore, orderId: string) {
    const [row] = (await db.query('select * from chat_attributions where store_id = $1 and order_id = $2', [
      store.storeId,
      orderId,
    ])) as any[];
    return row as
      | { conversation_display_id: number; match: string; source: string; total_amount: string; customer_id: string | null }
      | undefined;
  }

  async function trackBatch(store: SeededStore, sessionId: string, customerId?: string) {
    const res = await t.request('POST', '/v1/tracking/events', {
      auth: null,
      body: {
        websiteToken: store.websiteToken,
        sessionId,
        ...(customerId ? { customerId } : {}),
        events: [{ type: 'page_view', at: new Date().toISOString(), url: `${ORIGIN}/` }],
      },
      headers: { origin: ORIGIN, 'x-forwarded-for': `192.0.2.${++ip}` },
    });
    expect(res.status).toBe(202);
  }

  it('credits an order to the latest conversation of the same customer within the window', async () => {
    const store = await seedStore(t);
    await conversation(store, 1, 0);
    await conversation(store, 2, 10);
    await conversation(store, 3, 30); // after the order: never credited
    await order(store, 'o-1', 20);
    await eventually(async () =>
      expect(await attribution(store, 'o-1')).toMatchObject({ conversation_display_id: 2, match: 'customer', source: 'auto' }),
    );
    const res = await t.request('GET', `/v1/stores/${store.storeId}/attributions/o-1`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      orderId: 'o-1',
      conversationId: 2,
      source: 'auto',
      match: 'customer',
      totalAmount: 4990,
      currency: 'EUR',
    });
  });

  it('follows the store window: exactly windowHours later is out, just inside is in', async () => {
    const store = await seedStore(t, { settings: { attributionWindowHours: 24 } });
    await conversation(store, 1, 0);
    await order(store, 'o-edge', 24);
    await order(store, 'o-inside', 23.999);
    await eventually(async () => expect(await attribution(store, 'o-inside')).toMatchObject({ conversation_display_id: 1 }));
    await settled();
    expect(await attribution(store, 'o-edge')).toBeUndefined();
  });

  it('attributes an order whose conversation event arrives after it', async () => {
    const store = await seedStore(t);
    await order(store, 'o-late', 5);
    await settled();
    expect(await attribution(store, 'o-late')).toBeUndefined();
    await conversation(store, 9, 1);
    await eventually(async () => expect(await attribution(store, 'o-late')).toMatchObject({ conversation_display_id: 9 }));
  });

  it('keeps one attribution per order and removes it when the order is cancelled', async () => {
    const store = await seedStore(t);
    await conversation(store, 1, 0);
    await conversation(store, 2, 1);
    await order(store, 'o-2', 2);
    await order(store, 'o-2', 2, { totalAmount: 5_990 });
    await eventually(async () =>
      expect(await attribution(store, 'o-2')).toMatchObject({ conversation_display_id: 2, total_amount: '5990' }),
    );
    const [{ count }] = await db.query('select count(*)::int as count from chat_attributions where store_id = $1', [
      store.storeId,
    ]);
    expect(count).toBe(1);
    await order(store, 'o-2', 2, { status: 'cancelled' });
    await eventually(async () => expect(await attribution(store, 'o-2')).toBeUndefined());
    // A refunded order is never attributed in the first place.
    await order(store, 'o-3', 3, { status: 'refunded' });
    await settled();
    expect(await attribution(store, 'o-3')).toBeUndefined();
  });

  it('matches by session when the conversation was anonymous, customer match winning over it', async () => {
    const store = await seedStore(t);
    // The visitor chats anonymously in session S, then logs in (a later batch names them).
    await trackBatch(store, 'session-anon-1');
    await conversation(store, 5, 1, { customerId: null, contactId: null, sessionId: 'session-anon-1' });
    await trackBatch(store, 'session-anon-1', 'cust-2');
    await order(store, 'o-s', 3, { customerId: 'cust-2' });
    await eventually(async () =>
      expect(await attribution(store, 'o-s')).toMatchObject({ conversation_display_id: 5, match: 'session' }),
    );
    // An earlier conversation of the customer themself beats the later session match.
    await conversation(store, 4, 0.5, { customerId: 'cust-2' });
    await eventually(async () =>
      expect(await attribution(store, 'o-s')).toMatchObject({ conversation_display_id: 4, match: 'customer' }),
    );
  });

  it('attributes by session once the session is linked, even when the order came first', async () => {
    const store = await seedStore(t);
    await trackBatch(store, 'session-anon-2');
    await conversation(store, 8, 1, { customerId: null, contactId: null, sessionId: 'session-anon-2' });
    await order(store, 'o-first', 2, { customerId: 'cust-3' });
    await settled();
    expect(await attribution(store, 'o-first')).toBeUndefined();
    await trackBatch(store, 'session-anon-2', 'cust-3');
    await eventually(async () =>
      expect(await attribution(store, 'o-first')).toMatchObject({ conversation_display_id: 8, match: 'session' }),
    );
  });

  it('credits a guest order carrying the session id to the anonymous chat whose webhook carried it', async () => {
    const store = await seedStore(t);
    const sessionId = 'sess-guest-0001';
    // The widget created the conversation with the pending bridge_session_id (as tracker.js sets it);
    // Chatwoot's conversation_created carries custom_attributes, pre-chat keys included.
    const contact = t.fake.state.createContact(store.accountId, { name: 'Visitor' });
    const convo = t.fake.state.createConversation(store.accountId, {
      contactId: contact.id,
      inboxId: store.inboxId,
      customAttributes: { bridge_session_id: sessionId, prechat_topic: 'sizes' },
    });
    await eventually(async () => {
      const rows = await db.query('select session_id from tracked_conversations where store_id = $1 and display_id = $2', [
        store.storeId,
        convo.display_id,
      ]);
      expect(rows).toEqual([{ session_id: sessionId }]);
    });
    const placedAt = new Date(Date.now() + 2_000).toISOString();
    const body = {
      customerId: 'guest-1',
      status: 'paid',
      currency: 'EUR',
      totalAmount: 1_990,
      placedAt,
      updatedAt: placedAt,
      items: [],
    };
    const put = await t.request('PUT', `/v1/stores/${store.storeId}/orders/o-guest`, { body: { ...body, sessionId } });
    expect(put.status).toBe(200);
    await eventually(async () =>
      expect(await attribution(store, 'o-guest')).toMatchObject({ conversation_display_id: convo.display_id, match: 'session' }),
    );
    // A later version of the order without the session keeps it (and the credit).
    const later = new Date(Date.now() + 5_000).toISOString();
    const again = await t.request('PUT', `/v1/stores/${store.storeId}/orders/o-guest`, {
      body: { ...body, status: 'shipped', updatedAt: later },
    });
    expect(again.status).toBe(200);
    await settled();
    expect(await attribution(store, 'o-guest')).toMatchObject({ conversation_display_id: convo.display_id, match: 'session' });
    const [stored] = await db.query('select session_id from orders where store_id = $1 and order_id = $2', [
      store.storeId,
      'o-guest',
    ]);
    expect(stored).toEqual({ session_id: sessionId });

    // Only a tracker session id's shape is accepted.
    const bad = await t.request('PUT', `/v1/stores/${store.storeId}/orders/o-bad`, { body: { ...body, sessionId: 'x y' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('sessionId');
  });

  describe('POST /v1/stores/:storeId/attributions', () => {
    it('needs the platform key', async () => {
      const store = await seedStore(t);
      const res = await t.request('POST', `/v1/stores/${store.storeId}/attributions`, {
        auth: null,
        body: { conversationId: 1, orderId: 'x' },
      });
      expect(res.status).toBe(401);
    });

    it('refuses unknown orders, unknown conversations and cancelled orders with clear codes', async () => {
      const store = await seedStore(t);
      const path = `/v1/stores/${store.storeId}/attributions`;
      const unknownOrder = await t.request('POST', path, { body: { conversationId: 1, orderId: 'nope' } });
      expect(unknownOrder.status).toBe(404);
      expect(unknownOrder.body.code).toBe('ORDER_NOT_FOUND');
      expect(unknownOrder.body.message).toContain('nope');

      await order(store, 'o-m', 5);
      await order(store, 'o-c', 5, { status: 'cancelled' });
      await settled();
      const unknownConversation = await t.request('POST', path, { body: { conversationId: 77, orderId: 'o-m' } });
      expect(unknownConversation.status).toBe(404);
      expect(unknownConversation.body.code).toBe('CONVERSATION_NOT_FOUND');

      await conversation(store, 77, 40, { customerId: 'someone-else' });
      await settled();
      const cancelled = await t.request('POST', path, { body: { conversationId: 77, orderId: 'o-c' } });
      expect(cancelled.status).toBe(422);
      expect(cancelled.body.code).toBe('ORDER_NOT_ATTRIBUTABLE');

      const invalid = await t.request('POST', path, { body: { conversationId: 'abc', orderId: 'o-m' } });
      expect(invalid.status).toBe(400);
      expect(invalid.body.message).toMatch(/conversationId/);

      const unknownStore = await t.request('POST', '/v1/stores/no-such-store/attributions', {
        body: { conversationId: 77, orderId: 'o-m' },
      });
      expect(unknownStore.status).toBe(404);
      expect(unknownStore.body.code).toBe('STORE_NOT_FOUND');
    });

    it('overrides an automatic attribution, is not overridden by one, and goes away on cancel', async () => {
      const store = await seedStore(t);
      await conversation(store, 1, 0);
      await order(store, 'o-x', 1);
      await eventually(async () =>
        expect(await attribution(store, 'o-x')).toMatchObject({ conversation_display_id: 1, source: 'auto' }),
      );
      await conversation(store, 50, 60, { customerId: 'someone-else' });
      await settled();

      const res = await t.request('POST', `/v1/stores/${store.storeId}/attributions`, {
        body: { conversationId: 50, orderId: 'o-x' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        orderId: 'o-x',
        conversationId: 50,
        source: 'manual',
        match: 'manual',
        totalAmount: 4990,
      });

      // A newer qualifying conversation would win automatically, but not over an explicit credit.
      await conversation(store, 2, 0.5);
      await settled();
      expect(await attribution(store, 'o-x')).toMatchObject({ conversation_display_id: 50, source: 'manual' });

      await order(store, 'o-x', 1, { status: 'refunded' });
      await eventually(async () => expect(await attribution(store, 'o-x')).toBeUndefined());
    });
  });

  describe('data lifecycle', () => {
    it('forgets an erased customer: events, sessions and orders go, attributions stay anonymous', async () => {
      const store = await seedStore(t);
      await trackBatch(store, 'session-erase-1');
      await trackBatch(store, 'session-erase-1', 'cust-erase');
      await trackBatch(store, 'session-keep-1', 'cust-keep');
      await conversation(store, 1, 0, { customerId: 'cust-erase', sessionId: 'session-erase-1' });
      await order(store, 'o-e', 1, { customerId: 'cust-erase' });
      await eventually(async () => expect(await attribution(store, 'o-e')).toMatchObject({ customer_id: 'cust-erase' }));

      await jobs.publish('customer.erased', { storeId: store.storeId, customerId: 'cust-erase' });
      await eventually(async () => {
        const events = await db.query('select session_id from tracking_events where store_id = $1', [store.storeId]);
        expect(events.map((e: { session_id: string }) => e.session_id)).toEqual(['session-keep-1']);
      });
      expect(await t.get(JourneyService).session(store.storeId, 'session-erase-1')).toBeNull();
      expect(await t.get(JourneyService).session(store.storeId, 'session-keep-1')).toMatchObject({ customerId: 'cust-keep' });
      expect(await db.query('select 1 from tracked_orders where store_id = $1', [store.storeId])).toEqual([]);
      const [conv] = await db.query('select customer_id, session_id from tracked_conversations where store_id = $1', [
        store.storeId,
      ]);
      expect(conv).toEqual({ customer_id: null, session_id: null });
      expect(await attribution(store, 'o-e')).toMatchObject({ customer_id: null, conversation_display_id: 1 });
    });

    it('drops every row of a deleted store and ignores its late events', async () => {
      const store = await seedStore(t);
      const other = await seedStore(t);
      for (const s of [store, other]) {
        await trackBatch(s, 'session-del-1', 'cust-1');
        await conversation(s, 1, 0);
        await order(s, 'o-d', 1);
      }
      await eventually(async () => expect(await attribution(store, 'o-d')).toBeDefined());
      await eventually(async () => expect(await attribution(other, 'o-d')).toBeDefined());

      await jobs.publish('store.deleted', { storeId: store.storeId });
      const tables = ['tracking_events', 'tracking_sessions', 'tracked_conversations', 'tracked_orders', 'chat_attributions'];
      await eventually(async () => {
        for (const table of tables)
          expect(await db.query(`select 1 from ${table} where store_id = $1`, [store.storeId]), table).toEqual([]);
      });
      for (const table of tables)
        expect((await db.query(`select 1 from ${table} where store_id = $1`, [other.storeId])).length, table).toBeGreaterThan(0);

      // Once accounts has removed the store, a straggling event must not bring rows back.
      await db.query('delete from stores where id = $1', [store.storeId]);
      await conversation(store, 2, 0);
      await order(store, 'o-late', 1);
      await settled();
      for (const table of tables)
        expect(await db.query(`select 1 from ${table} where store_id = $1`, [store.storeId]), table).toEqual([]);
    });

    it('purges raw events older than TRACKING_RETENTION_DAYS through the tracking.purge job', async () => {
      const store = await seedStore(t);
      await trackBatch(store, 'session-purge-1');
      await db.query(
        `insert into tracking_events (store_id, session_id, type, at) values ($1, 'session-purge-0', 'widget_opened', now() - interval '91 days')`,
        [store.storeId],
      );
      await jobs.send('tracking.purge', {});
      await eventually(async () => {
        const rows = await db.query('select session_id from tracking_events where store_id = $1', [store.storeId]);
        expect(rows).toEqual([{ session_id: 'session-purge-1' }]);
      });
    });
  });
});
