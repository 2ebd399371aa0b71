import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderActionService } from '../../../src/order-actions/order-action.service';
import { eventually } from '../../support/eventually';
import { startFakePlatform, type FakePlatform } from '../../support/fake-platform';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';
import { ctxHeaders, item, seedCustomer } from '../context/context-fixtures';

/** The value of a /metrics sample (0 when it is not there yet). */
async function metric(t: TestApp, sample: string): Promise<number> {
  const res = await t.request('GET', '/metrics', { auth: null });
  const line = res.text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

describe('order actions from the panel', () => {
  let t: TestApp;
  let platform: FakePlatform;
  let a: SeededStore;
  let b: SeededStore;
  let alice: number;
  let bob: number;
  let conversation: number;
  let keys = 0;
  const newKey = () => `confirm-${Date.now()}-${++keys}`;
  const actionsPath = (store: SeededStore, contact: number, orderId: string) =>
    `/v1/context/accounts/${store.accountId}/contacts/${contact}/orders/${orderId}/actions`;
  const post = (path: string, body: Record<string, unknown>, store: SeededStore = a) =>
    t.request('POST', path, { auth: null, headers: ctxHeaders(store), body });
  const sentWithKey = (key: string) => platform.received.filter((r) => r.idempotencyKey === key);
  const notes = () =>
    t.fake.state
      .messagesOf(t.fake.state.getConversation(a.accountId, conversation))
      .filter((m) => m.private)
      .map((m) => String(m.content));

  beforeAll(async () => {
    platform = await startFakePlatform();
    // Long enough for an answering platform on a loaded machine; the hanging one costs this once.
    t = await startTestApp({ env: { ORDER_ACTION_TIMEOUT_MS: '3000' } });
    a = await seedStore(t, {
      name: 'Tea Shop',
      actionUrl: platform.url,
      settings: { orderActions: { allowed: ['cancel', 'refund'], refundMaxPerAction: 5_000, refundMaxPerAgentPerDay: 8_000 } },
    });
    b = await seedStore(t, { name: 'Other Shop', actionUrl: platform.url });
    platform.trust(a.storeId, a.notificationSecret);
    platform.trust(b.storeId, b.notificationSecret);
    alice = await seedCustomer(t, a, {
      customerId: 'alice',
      name: 'Alice Example',
      email: 'alice@example.test',
      orders: [
        { orderId: 'a-1', totalAmount: 20_000, placedAt: '2026-01-10T10:00:00Z', items: [item('green', 'Tea', 1_000, 20)] },
        {
          orderId: 'a-2',
          status: 'paid',
          totalAmount: 3_000,
          placedAt: '2026-01-12T10:00:00Z',
          items: [item('black', 'Tea', 1_500, 2)],
        },
      ],
    });
    bob = await seedCustomer(t, b, {
      customerId: 'bob',
      name: 'Bob Other',
      email: 'bob@example.test',
      orders: [{ orderId: 'b-1', totalAmount: 9_000, placedAt: '2026-01-11T10:00:00Z', items: [item('mug', 'Cups', 9_000)] }],
    });
    conversation = t.fake.state.createConversation(a.accountId, { contactId: alice, inboxId: a.inboxId }).display_id;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await platform?.close();
  });

  it('sends a signed refund with the action id as Idempotency-Key, shows the answer, notes it and counts it', async () => {
    const before = await metric(t, 'order_actions_total{type="refund",status="succeeded"}');
    const key = newKey();
    const res = await post(actionsPath(a, alice, 'a-1'), {
      type: 'refund',
      idempotencyKey: key,
      amount: 2_500,
      reason: 'Leaves arrived crushed',
      conversationId: conversation,
      agentId: 11,
      agentName: 'Dana',
    });
    expect(res.status, res.text).toBe(201);
    const action = res.body.action;
    expect(action).toMatchObject({
      order_id: 'a-1',
      type: 'refund',
      status: 'succeeded',
      amount: 2_500,
      currency: 'EUR',
      lines: [],
      reason: 'Leaves arrived crushed',
      platform_message: null,
      agent: { id: 11, name: 'Dana' },
      conversation_id: conversation,
    });

    const [sent] = sentWithKey(action.id);
    expect(sent, 'the platform got the request under the action id').toBeDefined();
    expect(sent.signatureValid).toBe(true);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.body).toEqual({
      id: action.id,
      type: 'order.refund',
      storeId: a.storeId,
      orderId: 'a-1',
      amount: 2_500,
      currency: 'EUR',
      lines: [],
      reason: 'Leaves arrived crushed',
      agent: { id: 11, name: 'Dana' },
      requestedAt: action.created_at,
    });
    expect(platform.applied.get(action.id)).toBe(1);

    expect(notes().some((n) => n.includes('Refund of €25.00 for order a-1') && n.includes('done by the store'))).toBe(true);
    expect(await metric(t, 'order_actions_total{type="refund",status="succeeded"}')).toBe(before + 1);

    const context = await t.request('GET', `/v1/context/accounts/${a.accountId}/contacts/${alice}`, {
      auth: null,
      headers: ctxHeaders(a),
    });
    expect(context.status, context.text).toBe(200);
    expect(context.body.order_actions[0]).toEqual(action);
    expect(context.body.action_policy).toMatchObject({
      enabled: true,
      allowed: ['cancel', 'refund'],
      refund_max_per_action: 5_000,
      refund_max_per_agent_per_day: 8_000,
    });
    expect(context.body.discount_policy).toEqual({
      max_percent: 20,
      max_fixed_amount: 2_500,
      max_per_agent_per_day: 10,
      used_by_agent_today: 0,
    });
  });

  it('answers a replayed key with the same action and never sends a second request; another body with it is 409', async () => {
    const key = newKey();
    const body = { type: 'refund', idempotencyKey: key, lines: [{ productId: 'green', quantity: 2 }], agentId: 21 };
    const first = await post(actionsPath(a, alice, 'a-1'), body);
    expect(first.status, first.text).toBe(201);
    expect(first.body.action).toMatchObject({ amount: 2_000, lines: [{ product_id: 'green', quantity: 2 }] });
    const again = await post(actionsPath(a, alice, 'a-1'), body);
    expect(again.status, again.text).toBe(200);
    expect(again.body.action).toEqual(first.body.action);
    expect(sentWithKey(first.body.action.id)).toHaveLength(1);

    const reused = await post(actionsPath(a, alice, 'a-1'), { ...body, lines: [{ productId: 'green', quantity: 3 }] });
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(sentWithKey(first.body.action.id)).toHaveLength(1);
  });

  it('sends one request for a double click: the same key in parallel makes one action', async () => {
    const body = { type: 'refund', idempotencyKey: newKey(), amount: 300, agentId: 24 };
    const answers = await Promise.all([1, 2, 3].map(() => post(actionsPath(a, alice, 'a-1'), body)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const ids = new Set(answers.map((r) => r.body.action.id));
    expect(ids.size).toBe(1);
    expect(sentWithKey([...ids][0])).toHaveLength(1);
  });

  it("shows the platform's refusal with its reason", async () => {
    platform.script({ kind: 'reject', message: 'The parcel is still on its way back' });
    const res = await post(actionsPath(a, alice, 'a-1'), {
      type: 'refund',
      idempotencyKey: newKey(),
      amount: 1_000,
      agentId: 22,
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.action).toMatchObject({ status: 'rejected', platform_message: 'The parcel is still on its way back' });
    expect(await metric(t, 'order_actions_total{type="refund",status="rejected"}')).toBeGreaterThanOrEqual(1);
  });

  it('refuses a refund over the per-action ceiling, naming the amount and the ceiling, without asking the platform', async () => {
    const res = await post(actionsPath(a, alice, 'a-1'), {
      type: 'refund',
      idempotencyKey: newKey(),
      amount: 5_001,
      agentId: 23,
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('REFUND_OVER_CEILING');
    expect(res.body.message).toContain('€50.01');
    expect(res.body.message).toContain('€50.00');
    expect(platform.received.filter((r) => r.body?.amount === 5_001)).toEqual([]);
  });

  it('keeps each agent within the daily refund limit (pending and succeeded count, refusals do not); other agents keep theirs', async () => {
    // Agent 11 refunded €25.00 above; the rejected refund of agent 22 counts for nobody.
    const big = await post(actionsPath(a, alice, 'a-1'), {
      type: 'refund',
      idempotencyKey: newKey(),
      amount: 5_000,
      agentId: 11,
    });
    expect(big.status, big.text).toBe(201);
    const over = await post(actionsPath(a, alice, 'a-1'), {
      type: 'refund',
      idempotencyKey: newKey(),
      amount: 1_000,
      agentId: 11,
    });
    expect(over.status).toBe(422);
    expect(over.body.code).toBe('REFUND_OVER_DAILY_LIMIT');
    expect(over.body.message).toContain('€10.00');
    expect(over.body.message).toContain('€80.00');
    expect(over.body.message).toContain('€5.00 left');
    const other = await post(actionsPath(a, alice, 'a-1'), {
      type: 'refund',
      idempotencyKey: newKey(),
      amount: 1_000,
      agentId: 22,
    });
    expect(other.status, other.text).toBe(201);
  });

  it('refuses a type the store does not allow, and every action once the actionUrl is cleared (403)', async () => {
    const resend = await post(actionsPath(a, alice, 'a-1'), { type: 'resend_confirmation', idempotencyKey: newKey() });
    expect(resend.status).toBe(403);
    expect(resend.body.code).toBe('ORDER_ACTION_NOT_ALLOWED');
    // The platform turns actions off by clearing the store's actionUrl.
    const putB = (actionUrl: string | null) =>
      t.request('PUT', `/v1/stores/${b.storeId}`, {
        body: {
          name: 'Other Shop',
          slug: b.storeId,
          email: `owner@${b.storeId}.example.test`,
          websiteUrl: 'https://shop.example.test',
          actionUrl,
        },
      });
    const cleared = await putB(null);
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.body.actionUrl).toBeNull();
    const none = await post(actionsPath(b, bob, 'b-1'), { type: 'cancel', idempotencyKey: newKey() }, b);
    expect(none.status).toBe(403);
    expect(none.body.code).toBe('ORDER_ACTION_NOT_ALLOWED');
    expect(none.body.message).toContain('no actionUrl');
    const context = await t.request('GET', `/v1/context/accounts/${b.accountId}/contacts/${bob}`, {
      auth: null,
      headers: ctxHeaders(b),
    });
    expect(context.body.action_policy.enabled).toBe(false);
    expect((await putB(platform.url)).body.actionUrl).toBe(platform.url);
    expect(await metric(t, 'order_actions_refused_total{type="resend_confirmation",code="ORDER_ACTION_NOT_ALLOWED"}')).toBe(1);
  });

  it("never reaches another store's order: 404 for its order id, 403 for its account", async () => {
    const foreignOrder = await post(actionsPath(a, alice, 'b-1'), { type: 'refund', idempotencyKey: newKey(), amount: 100 });
    expect(foreignOrder.status).toBe(404);
    expect(foreignOrder.body.code).toBe('ORDER_NOT_FOUND');
    const foreignAccount = await post(actionsPath(b, bob, 'b-1'), { type: 'refund', idempotencyKey: newKey(), amount: 100 });
    expect(foreignAccount.status).toBe(403);
    expect(foreignAccount.body.code).toBe('ACCOUNT_MISMATCH');
    // Bob's own store may act on it with its own token.
    const own = await post(actionsPath(b, bob, 'b-1'), { type: 'refund', idempotencyKey: newKey(), amount: 100 }, b);
    expect(own.status, own.text).toBe(201);
    const forB1 = platform.received.filter((r) => r.body?.orderId === 'b-1');
    expect(forB1.map((r) => [r.body.storeId, r.idempotencyKey])).toEqual([[b.storeId, own.body.action.id]]);

    // A lowered ceiling applies at once, although the store behind the token is cached briefly.
    const lowered = await t.request('PUT', `/v1/stores/${b.storeId}/settings`, {
      body: { orderActions: { refundMaxPerAction: 50 } },
    });
    expect(lowered.status, lowered.text).toBe(200);
    const capped = await post(actionsPath(b, bob, 'b-1'), { type: 'refund', idempotencyKey: newKey(), amount: 100 }, b);
    expect(capped.status).toBe(422);
    expect(capped.body.code).toBe('REFUND_OVER_CEILING');
  });

  it('checks the order: cancelling a delivered order and refunding lines it does not have are 422, bad bodies 400', async () => {
    const cancel = await post(actionsPath(a, alice, 'a-1'), { type: 'cancel', idempotencyKey: newKey() });
    expect(cancel.status).toBe(422);
    expect(cancel.body.code).toBe('ORDER_NOT_CANCELLABLE');
    const lines = await post(actionsPath(a, alice, 'a-1'), {
      type: 'refund',
      idempotencyKey: newKey(),
      lines: [{ productId: 'black', quantity: 1 }],
    });
    expect(lines.status).toBe(422);
    expect(lines.body.code).toBe('ORDER_NOT_REFUNDABLE');
    const both = await post(actionsPath(a, alice, 'a-1'), {
      type: 'refund',
      idempotencyKey: newKey(),
      amount: 100,
      lines: [{ productId: 'green', quantity: 1 }],
    });
    expect(both.status).toBe(400);
    const amountOnCancel = await post(actionsPath(a, alice, 'a-2'), { type: 'cancel', idempotencyKey: newKey(), amount: 100 });
    expect(amountOnCancel.status).toBe(400);
    const shortKey = await post(actionsPath(a, alice, 'a-2'), { type: 'cancel', idempotencyKey: 'short' });
    expect(shortKey.status).toBe(400);
    expect(shortKey.body.code).toBe('VALIDATION_FAILED');
  });

  it('leaves an unanswered action pending (202), resends it with the same key until answered, and applies it once', async () => {
    const pendingBefore = await metric(t, 'order_actions_total{type="cancel",status="pending"}');
    platform.script({ kind: 'hang' });
    const key = newKey();
    const res = await post(actionsPath(a, alice, 'a-2'), {
      type: 'cancel',
      idempotencyKey: key,
      reason: 'Customer ordered twice',
      conversationId: conversation,
      agentId: 11,
      agentName: 'Dana',
    });
    expect(res.status, res.text).toBe(202);
    const id = res.body.action.id;
    expect(res.body.action.status).toBe('pending');
    expect(await metric(t, 'order_actions_total{type="cancel",status="pending"}')).toBe(pendingBefore + 1);
    expect(notes().some((n) => n.includes('Cancellation of order a-2') && n.includes('pending'))).toBe(true);

    // The panel repeating its confirm while pending gets the same action, and no extra request.
    const replay = await post(actionsPath(a, alice, 'a-2'), {
      type: 'cancel',
      idempotencyKey: key,
      reason: 'Customer ordered twice',
      conversationId: conversation,
      agentId: 11,
      agentName: 'Dana',
    });
    expect(replay.status).toBe(200);
    expect(replay.body.action.id).toBe(id);

    const settled = await eventually(async () => {
      const context = await t.request('GET', `/v1/context/accounts/${a.accountId}/contacts/${alice}`, {
        auth: null,
        headers: ctxHeaders(a),
      });
      const found = context.body.order_actions.find((x: { id: string }) => x.id === id);
      expect(found?.status).toBe('succeeded');
      return found;
    }, 20_000);
    expect(settled.agent).toEqual({ id: 11, name: 'Dana' });

    const sent = sentWithKey(id);
    expect(sent.length).toBe(2);
    expect(sent.map((s) => s.outcome)).toEqual(['hang', 'succeed']);
    expect(sent.every((s) => s.signatureValid)).toBe(true);
    expect(sent[1].raw).toBe(sent[0].raw);
    expect(platform.applied.get(id)).toBe(1);
    // The second note follows the settlement.
    await eventually(
      () => expect(notes().some((n) => n.includes('Cancellation of order a-2') && n.includes('done by the store'))).toBe(true),
      10_000,
    );

    // A resend job for an action already settled does nothing.
    await t.get(OrderActionService).retry(a.storeId, id);
    expect(sentWithKey(id).length).toBe(2);
  });

  it('treats a platform error (500) like no answer: pending, then resent with the same key', async () => {
    platform.script({ kind: 'error', status: 500 });
    const res = await post(actionsPath(a, alice, 'a-1'), { type: 'refund', idempotencyKey: newKey(), amount: 200, agentId: 25 });
    expect(res.status, res.text).toBe(202);
    const id = res.body.action.id;
    await eventually(() => expect(sentWithKey(id).map((s) => s.outcome)).toEqual(['error', 'succeed']), 20_000);
    await eventually(async () => {
      const context = await t.request('GET', `/v1/context/accounts/${a.accountId}/contacts/${alice}`, {
        auth: null,
        headers: ctxHeaders(a),
      });
      expect(context.body.order_actions.find((x: { id: string }) => x.id === id)?.status).toBe('succeeded');
    }, 10_000);
  });
});
