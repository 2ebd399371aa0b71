import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { NotificationService } from '../../../src/notifications/notification.service';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';
import { ctxHeaders, item, putOrder, seedCustomer, startReceiver, type Receiver } from './context-fixtures';

describe('context actions: discount codes and escalation', () => {
  let t: TestApp;
  let a: SeededStore;
  let receiver: Receiver;
  let aliceContact: number;
  let conversation: number;
  const codesPath = () => `/v1/context/accounts/${a.accountId}/contacts/${aliceContact}/discount-codes`;
  const post = (path: string, body: unknown, headers: Record<string, string> = ctxHeaders(a)) =>
    t.request('POST', path, { auth: null, headers, body });

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestApp();
    a = await seedStore(t, {
      name: 'Tea Shop',
      notificationUrl: receiver.url,
      settings: { discounts: { maxPercent: 15, maxFixedAmount: 2_000, maxPerAgentPerDay: 3 } },
    });
    aliceContact = await seedCustomer(t, a, {
      customerId: 'alice',
      name: 'Alice Example',
      email: 'alice@example.test',
      orders: [
        { orderId: 'a-1', totalAmount: 20_000, placedAt: '2026-01-10T10:00:00Z', items: [item('green', 'Tea', 1_000, 20)] },
      ],
    });
    conversation = t.fake.state.createConversation(a.accountId, { contactId: aliceContact, inboxId: a.inboxId }).display_id;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  describe('discount codes', () => {
    let code: string;

    it('creates a unique code, notes it in the conversation and tells the shop (signed)', async () => {
      const res = await post(codesPath(), {
        type: 'percent',
        value: 10,
        conversationId: conversation,
        agentId: 11,
        agentName: 'Dana',
      });
      expect(res.status, res.text).toBe(201);
      code = res.body.code;
      expect(code).toMatch(/^TEAS-[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{12}$/);
      expect(res.body).toMatchObject({
        type: 'percent',
        value: 10,
        currency: 'EUR',
        customer_id: 'alice',
        contact_id: aliceContact,
        conversation_id: conversation,
        agent_id: 11,
        issued_via: 'context-token',
        private_note: 'posted',
      });
      // Default validity: 30 days.
      const days = (Date.parse(res.body.expires_at) - Date.parse(res.body.created_at)) / 86_400_000;
      expect(Math.round(days)).toBe(30);

      const messages = t.fake.state.messagesOf(t.fake.state.getConversation(a.accountId, conversation));
      const note = messages.find((m) => m.private && m.content?.includes(code));
      expect(note?.content).toMatch(/10% off/);

      const delivery = await eventually(() => {
        const found = receiver.received.find((r) => r.body?.type === 'discount_code.created' && r.body.data.code === code);
        expect(found).toBeDefined();
        return found!;
      }, 15_000);
      expect(delivery.body.data).toMatchObject({ type: 'percent', value: 10, customerId: 'alice', agentId: 11 });
      const timestamp = String(delivery.headers['x-bridge-timestamp']);
      const signature = String(delivery.headers['x-bridge-signature']);
      expect(signature).toContain(
        createHmac('sha256', a.notificationSecret).update(`${timestamp}.${delivery.raw}`).digest('hex'),
      );
    });

    it('lets checkout validate it (case-insensitive) and redeems it with an order, giving it back on cancellation', async () => {
      const valid = await t.request('GET', `/v1/stores/${a.storeId}/discount-codes/${code.toLowerCase()}`);
      expect(valid.status).toBe(200);
      expect(valid.body).toMatchObject({
        code,
        status: 'valid',
        type: 'percent',
        value: 10,
        customer_id: 'alice',
        redeemed_at: null,
      });
      expect((await t.request('GET', `/v1/stores/${a.storeId}/discount-codes/TEAS-NOPENOPENOPE`)).body).toEqual({
        code: 'TEAS-NOPENOPENOPE',
        status: 'unknown',
      });
      expect((await t.request('GET', `/v1/stores/nope/discount-codes/${code}`)).status).toBe(404);
      expect((await t.request('GET', `/v1/stores/${a.storeId}/discount-codes/${code}`, { auth: null })).status).toBe(401);

      await putOrder(t, a.storeId, 'alice', {
        orderId: 'a-2',
        totalAmount: 9_000,
        placedAt: new Date().toISOString(),
        discountCode: code,
        items: [item('green', 'Tea', 1_000, 10)],
      });
      await eventually(async () => {
        const res = await t.request('GET', `/v1/stores/${a.storeId}/discount-codes/${code}`);
        expect(res.body).toMatchObject({ status: 'redeemed', redeemed_order_id: 'a-2' });
      }, 15_000);

      await putOrder(t, a.storeId, 'alice', {
        orderId: 'a-2',
        status: 'cancelled',
        totalAmount: 9_000,
        placedAt: new Date().toISOString(),
        discountCode: code,
        items: [item('green', 'Tea', 1_000, 10)],
      });
      await eventually(async () => {
        const res = await t.request('GET', `/v1/stores/${a.storeId}/discount-codes/${code}`);
        expect(res.body).toMatchObject({ status: 'valid', redeemed_order_id: null });
      }, 15_000);
    });

    it('reports an expired code as expired', async () => {
      const res = await post(codesPath(), { type: 'fixed', value: 500, agentId: 12 });
      expect(res.status, res.text).toBe(201);
      await t
        .get(DataSource)
        .query(`update discount_codes set expires_at = now() - interval '1 minute' where code = $1`, [res.body.code]);
      expect((await t.request('GET', `/v1/stores/${a.storeId}/discount-codes/${res.body.code}`)).body.status).toBe('expired');
    });

    it('enforces the store caps with clear 422 codes', async () => {
      const over = await post(codesPath(), { type: 'percent', value: 16, agentId: 20 });
      expect(over.status).toBe(422);
      expect(over.body).toMatchObject({ code: 'DISCOUNT_PERCENT_TOO_HIGH', message: expect.stringContaining('15%') });
      const fixed = await post(codesPath(), { type: 'fixed', value: 2_001, agentId: 20 });
      expect(fixed.status).toBe(422);
      expect(fixed.body.code).toBe('DISCOUNT_AMOUNT_TOO_HIGH');
      const past = await post(codesPath(), { type: 'fixed', value: 100, agentId: 20, expiresAt: '2020-01-01T00:00:00Z' });
      expect(past.body.code).toBe('DISCOUNT_EXPIRY_IN_PAST');
      const invalid = await post(codesPath(), { type: 'gift', value: 5 });
      expect(invalid.status).toBe(400);
      const unknownField = await post(codesPath(), { type: 'percent', value: 5, admin: true });
      expect(unknownField.status).toBe(400);
      // An agent id beyond Chatwoot's 4-byte ids is the caller's mistake, not a database error.
      const hugeAgent = await post(codesPath(), { type: 'percent', value: 5, agentId: 2 ** 31 });
      expect(hugeAgent.status).toBe(400);
      expect(hugeAgent.body.message).toEqual(expect.stringContaining('agentId'));
    });

    it('caps codes per agent per day, even when requested in parallel', async () => {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => post(codesPath(), { type: 'percent', value: 5, agentId: 30 })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 201, 201, 422, 422]);
      expect(results.find((r) => r.status === 422)!.body.code).toBe('DISCOUNT_DAILY_LIMIT');
      // Another agent still may.
      expect((await post(codesPath(), { type: 'percent', value: 5, agentId: 31 })).status).toBe(201);
      const codes = new Set(results.filter((r) => r.status === 201).map((r) => r.body.code));
      expect(codes.size).toBe(3);
    });

    it('records the verified agent when an agent token is used (a reported agentId is ignored)', async () => {
      const agent = t.fake.state.createAgent(a.accountId, { name: 'Agent Anna', email: 'anna@example.test' });
      const res = await post(codesPath(), { type: 'percent', value: 5, agentId: 999 }, { api_access_token: agent.access_token });
      expect(res.status, res.text).toBe(201);
      expect(res.body).toMatchObject({ agent_id: agent.id, issued_via: 'agent-token' });
    });

    it('refuses a conversation that is not with this contact, or unknown', async () => {
      const other = t.fake.state.createContact(a.accountId, { name: 'Someone else' }, { silent: true });
      const otherConversation = t.fake.state.createConversation(
        a.accountId,
        { contactId: other.id, inboxId: a.inboxId },
        { silent: true },
      );
      const mismatch = await post(codesPath(), {
        type: 'percent',
        value: 5,
        agentId: 40,
        conversationId: otherConversation.display_id,
      });
      expect(mismatch.status).toBe(422);
      expect(mismatch.body.code).toBe('CONVERSATION_CONTACT_MISMATCH');
      const unknown = await post(codesPath(), { type: 'percent', value: 5, agentId: 40, conversationId: 99_999 });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('CONVERSATION_NOT_FOUND');
    });
  });

  describe('escalation', () => {
    const escalatePath = (id: number) => `/v1/context/accounts/${a.accountId}/conversations/${id}/escalate`;

    it('makes the conversation urgent, assigns the managers team, labels it, notes the reason and notifies managers', async () => {
      t.fake.state.setLabels(a.accountId, conversation, ['billing'], { silent: true });
      const res = await post(escalatePath(conversation), { reason: 'Customer threatens chargeback', agentName: 'Dana' });
      expect(res.status, res.text).toBe(201);
      const [{ teams }] = await t.get(DataSource).query(`select teams from chatwoot_accounts where store_id = $1`, [a.storeId]);
      const managers = teams.managers as number;
      expect(managers).toEqual(expect.any(Number));
      expect(res.body).toMatchObject({ conversation_id: conversation, state: 'done', priority: 'urgent', team_id: managers });

      const cw = t.fake.state.getConversation(a.accountId, conversation);
      expect(cw.priority).toBe('urgent');
      expect(cw.team_id).toBe(managers);
      expect(cw.label_list).toEqual(expect.arrayContaining(['billing', 'escalated']));
      const note = t.fake.state.messagesOf(cw).find((m) => m.private && m.content?.includes('Customer threatens chargeback'));
      expect(note?.content).toMatch(/Escalated to the managers by Dana/);

      const { items } = await t.get(NotificationService).list(a.storeId, { type: 'manager.escalation', page: 1, pageSize: 10 });
      expect(items).toHaveLength(1);
      expect(items[0].payload).toMatchObject({
        conversationId: conversation,
        reason: 'Customer threatens chargeback',
        customerId: 'alice',
      });
      await eventually(() => expect(receiver.received.some((r) => r.body?.type === 'manager.escalation')).toBe(true), 15_000);
    });

    it('refuses a second escalation of the same conversation within a minute (409)', async () => {
      const again = await post(escalatePath(conversation), { reason: 'Again please' });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('ALREADY_ESCALATED');
      const notes = t.fake.state
        .messagesOf(t.fake.state.getConversation(a.accountId, conversation))
        .filter((m) => m.content?.includes('Again please'));
      expect(notes).toHaveLength(0);
    });

    it('shows the escalation in the context escalation_history', async () => {
      const res = await t.request('GET', `/v1/context/accounts/${a.accountId}/contacts/${aliceContact}`, {
        auth: null,
        headers: ctxHeaders(a),
      });
      expect(res.body.escalation_history).toEqual([
        expect.objectContaining({
          conversation_id: conversation,
          reason: 'Customer threatens chargeback',
          agent_name: 'Dana',
          state: 'done',
        }),
      ]);
    });

    it('answers 404 for a conversation that is not in the account, and records nothing', async () => {
      const res = await post(escalatePath(424_242), { reason: 'Nope' });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('CONVERSATION_NOT_FOUND');
      const [{ count }] = await t
        .get(DataSource)
        .query(`select count(*)::int as count from escalations where conversation_id = 424242`);
      expect(count).toBe(0);
    });

    it('lets a retry through when Chatwoot failed the first time', async () => {
      const second = t.fake.state.createConversation(
        a.accountId,
        { contactId: aliceContact, inboxId: a.inboxId },
        { silent: true },
      ).display_id;
      t.fake.faults.add({
        method: 'POST',
        path: new RegExp(`/conversations/${second}/toggle_priority$`),
        status: 422,
        body: { message: 'nope' },
        times: 1,
      });
      const failed = await post(escalatePath(second), { reason: 'First try' });
      expect(failed.status).toBe(502);
      t.fake.faults.clear();
      const retry = await post(escalatePath(second), { reason: 'Second try' });
      expect(retry.status, retry.text).toBe(201);
      expect(t.fake.state.getConversation(a.accountId, second).priority).toBe('urgent');
    });

    it('validates the reason', async () => {
      expect((await post(escalatePath(conversation), { reason: '' })).status).toBe(400);
      expect((await post(escalatePath(conversation), {})).status).toBe(400);
    });
  });

  describe('erasure', () => {
    it("deletes the customer's escalations and detaches their discount codes when the customer is erased", async () => {
      const db = t.get(DataSource);
      const before = await db.query(`select count(*)::int as n from escalations where store_id = $1 and customer_id = 'alice'`, [
        a.storeId,
      ]);
      expect(before[0].n).toBeGreaterThan(0);
      const erase = await t.request('DELETE', `/v1/stores/${a.storeId}/customers/alice`);
      expect(erase.status, erase.text).toBeLessThan(300);
      await eventually(async () => {
        const [esc] = await db.query(`select count(*)::int as n from escalations where store_id = $1 and customer_id = 'alice'`, [
          a.storeId,
        ]);
        const [codes] = await db.query(
          `select count(*)::int as n from discount_codes where store_id = $1 and customer_id = 'alice'`,
          [a.storeId],
        );
        expect(esc.n).toBe(0);
        expect(codes.n).toBe(0);
      }, 20_000);
      const [kept] = await db.query(`select count(*)::int as n from discount_codes where store_id = $1 and customer_id is null`, [
        a.storeId,
      ]);
      expect(kept.n).toBeGreaterThan(0);
    });
  });
});
