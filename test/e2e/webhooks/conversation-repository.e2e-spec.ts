import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue } from '../../../src/jobs/job-queue.service';
import { ConversationRepository } from '../../../src/webhooks/conversation.repository';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

/** Every webhooks-owned table that holds a store's rows. */
const WEBHOOK_TABLES = [
  'webhook_deliveries',
  'webhook_processing_pace',
  'conversations',
  'conversation_status_changes',
  'conversation_messages',
  'widget_events',
  'webhook_reconcile_cursors',
];

describe('conversation repository', () => {
  let t: TestApp;
  let db: DataSource;
  let a: SeededStore;
  let b: SeededStore;

  /** A conversation with one incoming message, resolved, applied through real deliveries. */
  async function conversationIn(store: SeededStore, identifier: string): Promise<number> {
    const contact = t.fake.state.createContact(store.accountId, { name: identifier, identifier }, { silent: true });
    const c = t.fake.state.createConversation(store.accountId, { contactId: contact.id, inboxId: store.inboxId });
    t.fake.state.addMessage(store.accountId, c.display_id, { messageType: 'incoming', content: 'hi' });
    t.fake.state.setStatus(store.accountId, c.display_id, 'resolved');
    await t.fake.flushWebhooks();
    await eventually(async () =>
      expect(await t.get(ConversationRepository).forStore(store.storeId).get(c.display_id)).toMatchObject({
        status: 'resolved',
        incomingCount: 1,
      }),
    );
    return c.display_id;
  }

  const countIn = async (table: string, storeId: string) =>
    Number((await db.query(`select count(*) as n from ${table} where store_id = $1`, [storeId]))[0].n);

  beforeAll(async () => {
    t = await startTestApp();
    db = t.get(DataSource);
    a = await seedStore(t);
    b = await seedStore(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('reads a store only through its own scope, even where display ids collide', async () => {
    const inA = await conversationIn(a, 'cust-a');
    const inB = await conversationIn(b, 'cust-b');
    // Display ids are per account: both stores' first conversation is #1 in their own account.
    expect(inA).toBe(inB);
    const repo = t.get(ConversationRepository);
    expect(await repo.forStore(a.storeId).get(inA)).toMatchObject({ storeId: a.storeId, customerId: 'cust-a' });
    expect(await repo.forStore(b.storeId).get(inB)).toMatchObject({ storeId: b.storeId, customerId: 'cust-b' });
    const allOfA = await repo.forStore(a.storeId).createdBetween(new Date(0), new Date(Date.now() + 60_000), 10);
    expect(allOfA.map((c) => c.customerId)).toEqual(['cust-a']);
    expect((await repo.forStore(a.storeId).statusHistory(inA)).map((p) => p.status)).toContain('resolved');
  });

  it('drops every webhooks row of a deleted store (status history and pace included) and keeps the others', async () => {
    await conversationIn(a, 'cust-a2');
    for (const table of ['conversations', 'conversation_status_changes', 'conversation_messages', 'webhook_processing_pace'])
      expect(await countIn(table, a.storeId), table).toBeGreaterThan(0);

    await t.get(JobQueue).publish('store.deleted', { storeId: a.storeId });
    await eventually(async () => {
      for (const table of WEBHOOK_TABLES) expect(await countIn(table, a.storeId), table).toBe(0);
    });
    for (const table of ['conversations', 'conversation_status_changes', 'conversation_messages'])
      expect(await countIn(table, b.storeId), table).toBeGreaterThan(0);
  });
});
