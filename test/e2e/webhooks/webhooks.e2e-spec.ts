import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConversationPayload, buildMessagePayload } from '../../fake-chatwoot';
import { WebhookReconcileService } from '../../../src/webhooks/webhook-reconcile.service';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** The store's notification endpoint: a local HTTP server recording what it is sent. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received, server };
}

function sign(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

describe('Chatwoot webhooks', () => {
  let t: TestApp;
  let s: SeededStore;
  let other: SeededStore;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let db: DataSource;
  let agentId: number;

  const conversation = (displayId: number) => t.request('GET', `/v1/stores/${s.storeId}/conversations/${displayId}`);
  const deliveriesCount = async (storeId: string) =>
    Number((await db.query('select count(*) as n from webhook_deliveries where store_id = $1', [storeId]))[0].n);
  const newContact = (identifier: string | null, attributes: Record<string, unknown> = {}) =>
    t.fake.state.createContact(
      s.accountId,
      { name: `Customer ${identifier}`, identifier, custom_attributes: attributes },
      { silent: true },
    );
  const newConversation = async (contactId: number) => {
    const c = t.fake.state.createConversation(s.accountId, { contactId, inboxId: s.inboxId });
    await t.fake.flushWebhooks();
    return c.display_id;
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startTestApp();
    db = t.get(DataSource);
    s = await seedStore(t, { notificationUrl: receiver.url });
    other = await seedStore(t);
    agentId = t.fake.state.createAgent(s.accountId, {
      name: 'Ada Agent',
      email: `ada-${randomUUID()}@example.test`,
      inboxIds: [s.inboxId],
    }).id;
  });

  afterAll(async () => {
    await t?.close();
    receiver?.server.close();
  });

  describe('intake', () => {
    it('stores and acknowledges a correctly signed delivery', async () => {
      const contact = newContact('cust-intake');
      const c = t.fake.state.createConversation(s.accountId, { contactId: contact.id, inboxId: s.inboxId }, { silent: true });
      const [result] = await t.fake.sendWebhook(
        s.accountId,
        buildConversationPayload(t.fake.state, s.accountId, c.display_id, 'conversation_created'),
      );
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ received: true, duplicate: false });
      await eventually(async () =>
        expect((await conversation(c.display_id)).body).toMatchObject({ customerId: 'cust-intake', status: 'open' }),
      );
    });

    it('accepts deliveries to /v1/webhooks/chatwoot without a store id, finding the store by account.id', async () => {
      const contact = newContact('cust-bare-url');
      const c = t.fake.state.createConversation(s.accountId, { contactId: contact.id, inboxId: s.inboxId }, { silent: true });
      const body = JSON.stringify(buildConversationPayload(t.fake.state, s.accountId, c.display_id, 'conversation_created'));
      const now = Math.floor(Date.now() / 1000);
      const post = (payload: string, secret: string) =>
        t.request('POST', '/v1/webhooks/chatwoot', {
          auth: null,
          payload,
          headers: {
            'content-type': 'application/json',
            'x-chatwoot-delivery': randomUUID(),
            'x-chatwoot-timestamp': String(now),
            'x-chatwoot-signature': sign(secret, now, payload),
          },
        });

      // Another account's secret cannot vouch for this account's payload.
      expect((await post(body, other.webhookSecret)).status).toBe(401);
      const accepted = await post(body, s.webhookSecret);
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({ received: true, duplicate: false });
      await eventually(async () =>
        expect((await conversation(c.display_id)).body).toMatchObject({ customerId: 'cust-bare-url', status: 'open' }),
      );

      const unknownAccount = JSON.stringify({ event: 'contact_created', id: 1, account: { id: 987654 } });
      const unknown = await post(unknownAccount, s.webhookSecret);
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('STORE_NOT_FOUND');
      const noAccount = JSON.stringify({ event: 'contact_created', id: 1 });
      const anonymous = await post(noAccount, s.webhookSecret);
      expect(anonymous.status).toBe(400);
      expect(anonymous.body.code).toBe('MALFORMED_WEBHOOK');
    });

    it('refuses tampered, stale, unsigned, wrong-store and unknown-store deliveries and stores none of them', async () => {
      const before = await deliveriesCount(s.storeId);
      const beforeOther = await deliveriesCount(other.storeId);
      const body = JSON.stringify({ event: 'conversation_created', id: 999 });
      const now = Math.floor(Date.now() / 1000);
      const post = (storeId: string, payload: string, headers: Record<string, string>) =>
        t.request('POST', `/v1/webhooks/chatwoot/${storeId}`, {
          auth: null,
          payload,
          headers: { 'content-type': 'application/json', 'x-chatwoot-delivery': randomUUID(), ...headers },
        });

      const tampered = await post(s.storeId, body.replace('999', '998'), {
        'x-chatwoot-timestamp': String(now),
        'x-chatwoot-signature': sign(s.webhookSecret, now, body),
      });
      expect(tampered.status).toBe(401);
      expect(tampered.body.code).toBe('SIGNATURE_INVALID');

      const [stale] = await t.fake.sendWebhook(s.accountId, { event: 'conversation_created', id: 999 }, { timestamp: now - 600 });
      expect(stale.status).toBe(401);
      expect(JSON.parse(stale.body).code).toBe('SIGNATURE_STALE');
      const future = await post(s.storeId, body, {
        'x-chatwoot-timestamp': String(now + 3600),
        'x-chatwoot-signature': sign(s.webhookSecret, now + 3600, body),
      });
      expect(future.status).toBe(401);

      const [unsigned] = await t.fake.sendWebhook(s.accountId, { event: 'conversation_created', id: 999 }, { unsigned: true });
      expect(unsigned.status).toBe(401);
      const [wrongSecret] = await t.fake.sendWebhook(
        s.accountId,
        { event: 'conversation_created', id: 999 },
        { secret: 'not-the-secret' },
      );
      expect(wrongSecret.status).toBe(401);

      const wrongStore = await post(other.storeId, body, {
        'x-chatwoot-timestamp': String(now),
        'x-chatwoot-signature': sign(s.webhookSecret, now, body),
      });
      expect(wrongStore.status).toBe(401);

      const unknown = await post('no-such-store', body, {
        'x-chatwoot-timestamp': String(now),
        'x-chatwoot-signature': sign(s.webhookSecret, now, body),
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('STORE_NOT_FOUND');

      const broken = '{"event": "conversation_created", ';
      const malformed = await post(s.storeId, broken, {
        'x-chatwoot-timestamp': String(now),
        'x-chatwoot-signature': sign(s.webhookSecret, now, broken),
      });
      expect(malformed.status).toBe(400);
      const noEvent = '[1,2]';
      const notAnEvent = await post(s.storeId, noEvent, {
        'x-chatwoot-timestamp': String(now),
        'x-chatwoot-signature': sign(s.webhookSecret, now, noEvent),
      });
      expect(notAnEvent.status).toBe(400);

      expect(await deliveriesCount(s.storeId)).toBe(before);
      expect(await deliveriesCount(other.storeId)).toBe(beforeOther);
      const metrics = await t.request('GET', '/metrics', { auth: null });
      expect(metrics.text).toMatch(/webhook_deliveries_total\{result="bad_signature"\} [1-9]/);
      expect(metrics.text).toMatch(/webhook_deliveries_total\{result="stale"\} [1-9]/);
      expect(metrics.text).toMatch(/webhook_deliveries_total\{result="unknown_store"\} [1-9]/);
    });

    it('answers on its raw route as every route does: request id, error shape, 413, 415, metrics', async () => {
      const now = Math.floor(Date.now() / 1000);
      const url = `/v1/webhooks/chatwoot/${s.storeId}`;
      const signed = (payload: string) => ({
        'x-chatwoot-delivery': randomUUID(),
        'x-chatwoot-timestamp': String(now),
        'x-chatwoot-signature': sign(s.webhookSecret, now, payload),
      });
      const body = JSON.stringify({ event: 'contact_updated', id: 4242, account: { id: s.accountId } });

      const ok = await t.request('POST', url, {
        auth: null,
        payload: body,
        headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'chatwoot-req-1', ...signed(body) },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers['x-request-id']).toBe('chatwoot-req-1');
      expect(ok.headers['content-type']).toBe('application/json; charset=utf-8');

      const form = await t.request('POST', url, {
        auth: null,
        payload: 'event=contact_updated',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signed('event=contact_updated') },
      });
      expect(form.status).toBe(415);
      expect(form.body).toMatchObject({ statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(form.body.requestId).toBe(form.headers['x-request-id']);

      const huge = JSON.stringify({ event: 'message_created', content: 'x'.repeat(t.config.WEBHOOK_BODY_LIMIT_BYTES) });
      const tooLarge = await t.request('POST', url, {
        auth: null,
        payload: huge,
        headers: { 'content-type': 'application/json', ...signed(huge) },
      });
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });

      const broken = '{"event": ';
      const malformed = await t.request('POST', url, {
        auth: null,
        payload: broken,
        headers: { 'content-type': 'application/json', ...signed(broken) },
      });
      expect(malformed.body).toMatchObject({ statusCode: 400, code: 'MALFORMED_JSON' });

      // Only POST is served ahead of Fastify; anything else gets Fastify's 404 in the same shape.
      const get = await t.request('GET', url, { auth: null });
      expect(get.status).toBe(404);
      expect(get.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });

      const metrics = await t.request('GET', '/metrics', { auth: null });
      const observed = (status: number) =>
        new RegExp(
          `http_request_duration_seconds_count\\{method="POST",route="/v1/webhooks/chatwoot/:storeId",status="${status}"\\} [1-9]`,
        );
      for (const status of [200, 413, 415, 400]) expect(metrics.text).toMatch(observed(status));
      expect(await deliveriesCount(s.storeId)).toBeGreaterThan(0);
    });

    it('accepts an email delivery of several MB, above the JSON API body limit', async () => {
      const contact = newContact('cust-email');
      const displayId = await newConversation(contact.id);
      // Email inboxes carry the HTML body in content_attributes (app/models/message.rb).
      const html = `<html><body>${'<p>Quoted thread line</p>'.repeat(150_000)}</body></html>`;
      expect(html.length).toBeGreaterThan(3 * t.config.BODY_LIMIT_BYTES);
      const before = t.fake.deliveries.length;
      t.fake.state.addMessage(s.accountId, displayId, {
        messageType: 'incoming',
        content: 'Please see below',
        contentAttributes: { email: { html_content: { full: html } } },
      });
      await t.fake.flushWebhooks();
      const created = t.fake.deliveries.slice(before).filter((d) => d.event === 'message_created');
      expect(created.map((d) => d.status)).toEqual([200]);
      await eventually(async () => expect((await conversation(displayId)).body).toMatchObject({ incomingCount: 1 }));
    });

    it('applies a delivery sent three times once', async () => {
      const contact = newContact('cust-dup');
      const displayId = await newConversation(contact.id);
      t.fake.webhooksEnabled = false;
      const message = t.fake.state.addMessage(s.accountId, displayId, { messageType: 'incoming', content: 'hello?' });
      t.fake.webhooksEnabled = true;
      const payload = buildMessagePayload(t.fake.state, s.accountId, message.id, 'message_created');
      const deliveryId = randomUUID();
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(...(await t.fake.sendWebhook(s.accountId, payload, { deliveryId })));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(answers.map((a) => JSON.parse(a.body).duplicate)).toEqual([false, true, true]);
      await eventually(async () => expect((await conversation(displayId)).body.incomingCount).toBe(1));
      // A different delivery of the same message (e.g. replayed by hand) does not count it twice either.
      await t.fake.sendWebhook(s.accountId, payload);
      await new Promise((r) => setTimeout(r, 600));
      expect((await conversation(displayId)).body.incomingCount).toBe(1);
      const rows = await db.query('select count(*) as n from webhook_deliveries where store_id = $1 and delivery_id = $2', [
        s.storeId,
        deliveryId,
      ]);
      expect(Number(rows[0].n)).toBe(1);
    });

    it('stores unknown events and marks them ignored', async () => {
      const deliveryIds: string[] = [];
      for (const event of ['conversation_typing_on', 'account_exploded']) {
        const body = JSON.stringify({ event, id: 1 });
        const now = Math.floor(Date.now() / 1000);
        const deliveryId = randomUUID();
        deliveryIds.push(deliveryId);
        const answer = await t.request('POST', `/v1/webhooks/chatwoot/${s.storeId}`, {
          auth: null,
          payload: body,
          headers: {
            'content-type': 'application/json',
            'x-chatwoot-delivery': deliveryId,
            'x-chatwoot-timestamp': String(now),
            'x-chatwoot-signature': sign(s.webhookSecret, now, body),
          },
        });
        expect(answer.status).toBe(200);
      }
      await eventually(async () => {
        const rows = await db.query(
          'select state, last_error from webhook_deliveries where store_id = $1 and delivery_id = any($2) order by id',
          [s.storeId, deliveryIds],
        );
        expect(rows).toEqual([
          { state: 'ignored', last_error: 'event not used' },
          { state: 'ignored', last_error: 'unknown event' },
        ]);
      });
    });
  });

  describe('processing', () => {
    it('keeps the newest state when events arrive out of order', async () => {
      const contact = newContact('cust-order');
      const displayId = await newConversation(contact.id);
      t.fake.webhooksEnabled = false;
      t.fake.state.assign(s.accountId, displayId, { assigneeId: agentId });
      const assigned = buildConversationPayload(t.fake.state, s.accountId, displayId, 'conversation_updated', [
        { assignee_id: { previous_value: null, current_value: agentId } },
      ]);
      t.fake.state.setStatus(s.accountId, displayId, 'resolved');
      const resolved = buildConversationPayload(t.fake.state, s.accountId, displayId, 'conversation_status_changed', null);
      t.fake.state.setStatus(s.accountId, displayId, 'open');
      const reopened = buildConversationPayload(t.fake.state, s.accountId, displayId, 'conversation_status_changed', null);
      t.fake.webhooksEnabled = true;

      await t.fake.sendWebhook(s.accountId, reopened);
      await t.fake.sendWebhook(s.accountId, resolved);
      await t.fake.sendWebhook(s.accountId, assigned);
      // Every delivery finished (not merely picked up), so the final state is settled.
      await eventually(async () => {
        for (const state of ['pending', 'processing']) {
          const { body } = await t.request('GET', '/v1/admin/webhook-deliveries', { query: { storeId: s.storeId, state } });
          expect(body.total).toBe(0);
        }
      });
      const { body } = await conversation(displayId);
      // The resolution and the reopen are counted once, whichever delivery a worker picks first.
      expect(body).toMatchObject({ status: 'open', assigneeId: agentId, reopenCount: 1 });
    });

    it('records assignment, first response, resolution, reopen and CSAT', async () => {
      const contact = newContact('cust-flow');
      const displayId = await newConversation(contact.id);
      const state = t.fake.state;
      state.assign(s.accountId, displayId, { assigneeId: agentId });
      state.addMessage(s.accountId, displayId, { messageType: 'incoming', content: 'Where is my order?' });
      state.addMessage(s.accountId, displayId, {
        messageType: 'outgoing',
        content: 'internal',
        private: true,
        senderUserId: agentId,
      });
      const reply = state.addMessage(s.accountId, displayId, {
        messageType: 'outgoing',
        content: 'On its way!',
        senderUserId: agentId,
      });
      state.addMessage(s.accountId, displayId, { messageType: 'outgoing', content: 'Anything else?', senderUserId: agentId });
      state.setStatus(s.accountId, displayId, 'resolved');
      await t.fake.flushWebhooks();
      await eventually(async () => {
        const { body } = await conversation(displayId);
        expect(body).toMatchObject({ assigneeId: agentId, status: 'resolved', incomingCount: 1, outgoingCount: 2 });
        expect(Date.parse(body.firstResponseAt)).toBeLessThanOrEqual(reply.created_at.getTime());
        expect(Date.parse(body.firstResponseAt)).toBeGreaterThan(reply.created_at.getTime() - 1000);
        expect(body.firstResponseSeconds).toBeGreaterThanOrEqual(0);
        expect(body.resolvedAt).not.toBeNull();
        expect(body.resolutionSeconds).toBeGreaterThanOrEqual(0);
      });

      state.addMessage(s.accountId, displayId, { messageType: 'incoming', content: 'One more thing' });
      await t.fake.flushWebhooks();
      await eventually(async () =>
        expect((await conversation(displayId)).body).toMatchObject({ status: 'open', reopenCount: 1 }),
      );

      state.setStatus(s.accountId, displayId, 'resolved');
      state.submitCsat(s.accountId, displayId, 5, 'Great');
      await t.fake.flushWebhooks();
      await eventually(async () =>
        expect((await conversation(displayId)).body).toMatchObject({ csatRating: 5, csatFeedback: 'Great', status: 'resolved' }),
      );

      const list = await t.request('GET', `/v1/stores/${s.storeId}/conversations`, { query: { customerId: 'cust-flow' } });
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ total: 1, page: 1 });
      expect(list.body.items[0].displayId).toBe(displayId);

      const analytics = await t.request('GET', `/v1/stores/${s.storeId}/analytics/conversations`);
      expect(analytics.status).toBe(200);
      expect(analytics.body.csat.distribution['5']).toBeGreaterThanOrEqual(1);
      expect(analytics.body.firstResponseSeconds.count).toBeGreaterThanOrEqual(1);
      expect(analytics.body.resolved).toBeGreaterThanOrEqual(1);
      expect(analytics.body.agents.some((a: { assigneeId: number }) => a.assigneeId === agentId)).toBe(true);
    });

    it('counts a resolution that was reopened before Chatwoot built any payload showing it', async () => {
      const contact = newContact('cust-fast');
      const displayId = await newConversation(contact.id);
      await eventually(async () => expect((await conversation(displayId)).status).toBe(200));
      // Both changes happen before Chatwoot's jobs run: every delivery says `open`, and only
      // changed_attributes of conversation_updated record the resolution.
      const resolvedAt = t.fake.state.setStatus(s.accountId, displayId, 'resolved').updated_at.getTime();
      t.fake.state.setStatus(s.accountId, displayId, 'open');
      await t.fake.flushWebhooks();
      const statuses = t.fake.deliveries.filter((d) => d.event === 'conversation_status_changed').slice(-2);
      expect(statuses.map((d) => d.status)).toEqual([200, 200]);
      await eventually(async () => {
        const { body } = await conversation(displayId);
        expect(body).toMatchObject({ status: 'open', reopenCount: 1 });
        expect(Date.parse(body.resolvedAt)).toBe(resolvedAt);
        expect(body.resolutionSeconds).toBeGreaterThanOrEqual(0);
      });

      // The same change delivered again (a replay, or the reconciliation's view) counts nothing twice.
      const updated = t.fake.state.buildConversationPayload(s.accountId, displayId, 'conversation_updated', [
        { status: { previous_value: 'open', current_value: 'resolved' } },
        { updated_at: { previous_value: null, current_value: new Date(resolvedAt).toISOString() } },
      ]);
      await t.fake.sendWebhook(s.accountId, updated);
      await t.fake.sendWebhook(s.accountId, updated);
      await eventually(async () => {
        const open = (await db.query(
          "select id from webhook_deliveries where store_id = $1 and state in ('pending', 'processing')",
          [s.storeId],
        )) as unknown[];
        expect(open).toHaveLength(0);
      });
      expect((await conversation(displayId)).body).toMatchObject({ status: 'open', reopenCount: 1 });
    });

    it('stores an agent bot assignee as no agent', async () => {
      const contact = newContact('cust-bot');
      const displayId = await newConversation(contact.id);
      const bot = t.fake.state.createAgentBot(s.accountId, { name: 'Order bot' });
      t.fake.state.assign(s.accountId, displayId, { assigneeId: agentId });
      await t.fake.flushWebhooks();
      await eventually(async () => expect((await conversation(displayId)).body).toMatchObject({ assigneeId: agentId }));

      // Handing the conversation to a bot clears the agent; meta.assignee is then the bot.
      t.fake.state.assign(s.accountId, displayId, { agentBotId: bot.id });
      await t.fake.flushWebhooks();
      await eventually(async () => {
        const open = (await db.query(
          "select id from webhook_deliveries where store_id = $1 and state in ('pending', 'processing')",
          [s.storeId],
        )) as unknown[];
        expect(open).toHaveLength(0);
        expect((await conversation(displayId)).body.assigneeId).toBeNull();
      });
    });

    it('counts only a human reply as first response, not campaign or automation messages', async () => {
      const contact = newContact('cust-campaign');
      const displayId = await newConversation(contact.id);
      const state = t.fake.state;
      // A campaign message is sent as the campaign's sender, a User, marked with campaign_id.
      state.addMessage(s.accountId, displayId, {
        messageType: 'outgoing',
        content: 'Spring sale: 20% off',
        senderUserId: agentId,
        additionalAttributes: { campaign_id: 3 },
      });
      state.addMessage(s.accountId, displayId, { messageType: 'incoming', content: 'Does it apply to shoes?' });
      // An automation rule's message (here posted with a user token, so the sender is a User).
      state.addMessage(s.accountId, displayId, {
        messageType: 'outgoing',
        content: 'Thanks, an agent will answer shortly',
        senderUserId: agentId,
        contentAttributes: { automation_rule_id: 7 },
      });
      await t.fake.flushWebhooks();
      await eventually(async () =>
        expect((await conversation(displayId)).body).toMatchObject({ outgoingCount: 2, firstResponseAt: null }),
      );

      const reply = state.addMessage(s.accountId, displayId, { messageType: 'outgoing', content: 'Yes!', senderUserId: agentId });
      await t.fake.flushWebhooks();
      await eventually(async () => {
        const { body } = await conversation(displayId);
        expect(body.outgoingCount).toBe(3);
        expect(Date.parse(body.firstResponseAt)).toBe(reply.created_at.getTime());
      });
    });

    it('routes a Gold customer to the VIP team and notifies managers with a signed POST', async () => {
      const contact = newContact('cust-gold', { customer_tier: 'Gold' });
      const displayId = await newConversation(contact.id);
      const vipTeam = [...t.fake.state.teams.values()].find((team) => team.account_id === s.accountId && team.name === 'vip')!;
      await eventually(async () => {
        const cw = t.fake.state.getConversation(s.accountId, displayId);
        expect(cw.team_id).toBe(vipTeam.id);
        expect(cw.priority).toBe('high');
        expect(cw.label_list).toContain('vip');
        const notes = t.fake.state.messagesOf(cw).filter((m) => m.private);
        expect(notes.map((m) => m.content).join('\n')).toMatch(/VIP customer/);
      });
      await t.fake.flushWebhooks();
      await eventually(async () =>
        expect((await conversation(displayId)).body).toMatchObject({ teamId: vipTeam.id, priority: 'high' }),
      );

      const posted = await eventually(() => {
        const hit = receiver.received.find((r) => JSON.parse(r.body).type === 'manager.vip_conversation');
        expect(hit).toBeDefined();
        return hit!;
      });
      const timestamp = String(posted.headers['x-bridge-timestamp']);
      expect(posted.headers['x-bridge-signature']).toBe(sign(s.notificationSecret, Number(timestamp), posted.body));
      const envelope = JSON.parse(posted.body);
      expect(envelope).toMatchObject({
        type: 'manager.vip_conversation',
        storeId: s.storeId,
        data: { conversationId: displayId, customerId: 'cust-gold' },
      });
      expect(posted.headers['x-bridge-delivery']).toBe(envelope.id);

      await eventually(async () => {
        const listed = await t.request('GET', `/v1/stores/${s.storeId}/notifications`, {
          query: { type: 'manager.vip_conversation' },
        });
        expect(listed.body.items).toHaveLength(1);
        expect(listed.body.items[0]).toMatchObject({ state: 'delivered', attempts: 1, responseStatus: 204 });
      });
      // The conversation is routed once, however many events follow.
      t.fake.state.addMessage(s.accountId, displayId, { messageType: 'incoming', content: 'hi' });
      await t.fake.flushWebhooks();
      await new Promise((r) => setTimeout(r, 800));
      const notes = t.fake.state.messagesOf(t.fake.state.getConversation(s.accountId, displayId)).filter((m) => m.private);
      expect(notes).toHaveLength(1);
    });

    it('escalates a low CSAT rating: manager alert, delayed follow-up, label and note', async () => {
      const contact = newContact('cust-sad');
      const displayId = await newConversation(contact.id);
      t.fake.state.setStatus(s.accountId, displayId, 'resolved');
      t.fake.state.submitCsat(s.accountId, displayId, 1, 'Too slow');
      await t.fake.flushWebhooks();
      await eventually(async () => {
        const { body } = await t.request('GET', `/v1/stores/${s.storeId}/notifications`, { query: { pageSize: '200' } });
        const mine = body.items.filter((n: { payload: { conversationId: number } }) => n.payload.conversationId === displayId);
        expect(mine.map((n: { type: string }) => n.type).sort()).toEqual(['follow_up.low_csat', 'manager.low_csat']);
        const followUp = mine.find((n: { type: string }) => n.type === 'follow_up.low_csat');
        expect(Date.parse(followUp.deliverAfter) - Date.parse(followUp.createdAt)).toBeGreaterThanOrEqual(59 * 60_000);
        expect(followUp.state).toBe('pending');
        expect(t.fake.state.getConversation(s.accountId, displayId).label_list).toContain('low-csat');
      });
      const alert = await eventually(() => {
        const hit = receiver.received.find(
          (r) => JSON.parse(r.body).type === 'manager.low_csat' && JSON.parse(r.body).data.conversationId === displayId,
        );
        expect(hit).toBeDefined();
        return JSON.parse(hit!.body);
      });
      expect(alert.data).toMatchObject({ rating: 1, feedback: 'Too slow', customerId: 'cust-sad' });
    });

    it('ignores activity-only contact updates', async () => {
      const contact = newContact('cust-noise');
      const [answer] = await t.fake.sendWebhook(s.accountId, {
        event: 'contact_updated',
        id: contact.id,
        identifier: 'cust-noise',
        custom_attributes: {},
        changed_attributes: [
          { last_activity_at: { previous_value: null, current_value: '2026-01-01T00:00:00Z' } },
          { updated_at: {} },
        ],
        account: { id: s.accountId, name: 'x' },
      });
      await eventually(async () => {
        const [row] = await db.query(
          'select state, last_error from webhook_deliveries where store_id = $1 and delivery_id = $2',
          [s.storeId, answer.deliveryId],
        );
        expect(row).toMatchObject({ state: 'ignored', last_error: 'activity timestamps only' });
      });
    });
  });

  describe('catch-up and replay', () => {
    it('reconciles a change whose webhook was missed', async () => {
      const contact = newContact('cust-missed');
      const displayId = await newConversation(contact.id);
      await eventually(async () => expect((await conversation(displayId)).status).toBe(200));
      const reconcile = t.get(WebhookReconcileService);
      await reconcile.reconcileStore(s.storeId);
      t.fake.webhooksEnabled = false;
      t.fake.state.assign(s.accountId, displayId, { assigneeId: agentId });
      t.fake.state.setStatus(s.accountId, displayId, 'resolved');
      const unseen = t.fake.state.createConversation(s.accountId, { contactId: contact.id, inboxId: s.inboxId });
      t.fake.webhooksEnabled = true;
      expect((await conversation(displayId)).body.status).toBe('open');

      const result = await reconcile.reconcileStore(s.storeId);
      expect(result.applied).toBeGreaterThanOrEqual(2);
      expect((await conversation(displayId)).body).toMatchObject({ status: 'resolved', assigneeId: agentId });
      expect((await conversation(unseen.display_id)).body).toMatchObject({ status: 'open', customerId: 'cust-missed' });
      expect(
        t.fake.countRequests({ method: 'GET', path: `/api/v1/accounts/${s.accountId}/conversations` }),
      ).toBeGreaterThanOrEqual(2);
    });

    it('reads a backlog of 60 changed conversations with one list request per run, and applies all of them', async () => {
      const reconcile = t.get(WebhookReconcileService);
      await reconcile.reconcileStore(s.storeId); // a cursor exists: this run and the next use updated_within
      const contact = newContact('cust-backlog');
      t.fake.webhooksEnabled = false;
      const backlog = Array.from(
        { length: 60 },
        () => t.fake.state.createConversation(s.accountId, { contactId: contact.id, inboxId: s.inboxId }).display_id,
      );
      t.fake.webhooksEnabled = true;
      const listPath = `/api/v1/accounts/${s.accountId}/conversations`;
      const before = t.fake.countRequests({ method: 'GET', path: listPath });

      const result = await reconcile.reconcileStore(s.storeId);
      expect(t.fake.countRequests({ method: 'GET', path: listPath }) - before).toBe(1);
      expect(result.pages).toBe(1);
      expect(result.applied).toBeGreaterThanOrEqual(60);
      const stored = (await db.query('select display_id from conversations where store_id = $1 and display_id = any($2::int[])', [
        s.storeId,
        backlog,
      ])) as { display_id: number }[];
      expect(stored).toHaveLength(60);
      const [listed] = t.fake.requests.filter((r) => r.method === 'GET' && r.path === listPath).slice(-1);
      expect(listed!.query.updated_within).toBeDefined();

      // The next run is one request again, whatever it finds.
      await reconcile.reconcileStore(s.storeId);
      expect(t.fake.countRequests({ method: 'GET', path: listPath }) - before).toBe(2);
      const metrics = await t.request('GET', '/metrics', { auth: null });
      expect(metrics.text).toMatch(/webhook_reconcile_requests_total\{mode="updated_within"\} [1-9]/);
    });

    it('pages the first full scan of a store until Chatwoot has no more, without assuming a page size', async () => {
      const fresh = await seedStore(t);
      const contact = t.fake.state.createContact(
        fresh.accountId,
        { name: 'Full scan', identifier: 'cust-scan' },
        { silent: true },
      );
      t.fake.state.silently(() => {
        for (let i = 0; i < 60; i++)
          t.fake.state.createConversation(fresh.accountId, { contactId: contact.id, inboxId: fresh.inboxId });
      });
      const result = await t.get(WebhookReconcileService).reconcileStore(fresh.storeId);
      expect(result).toMatchObject({ pages: 3, seen: 60, applied: 60 });
      const pages = t.fake.requests
        .filter((r) => r.method === 'GET' && r.path === `/api/v1/accounts/${fresh.accountId}/conversations`)
        .map((r) => r.query.page);
      expect(pages).toEqual(['1', '2', '3']);
    });

    it('keeps failed deliveries inspectable and replays them', async () => {
      const [answer] = await t.fake.sendWebhook(s.accountId, {
        event: 'conversation_created',
        account: { id: s.accountId },
        status: 'open',
      });
      expect(answer.status).toBe(200);
      const failed = await eventually(async () => {
        const { body } = await t.request('GET', '/v1/admin/webhook-deliveries', {
          query: { state: 'failed', storeId: s.storeId },
        });
        const row = body.items.find((d: { deliveryId: string }) => d.deliveryId === answer.deliveryId);
        expect(row).toBeDefined();
        return row;
      });
      expect(failed.lastError).toMatch(/display id/);
      expect((await t.request('GET', '/v1/admin/webhook-deliveries', { auth: null })).status).toBe(401);

      const replay = await t.request('POST', `/v1/admin/webhook-deliveries/${failed.id}/replay`);
      expect(replay.status).toBe(200);
      expect(replay.body).toMatchObject({ id: failed.id, attempts: 0 });
      await eventually(async () => {
        const { body } = await t.request('GET', '/v1/admin/webhook-deliveries', {
          query: { state: 'failed', storeId: s.storeId },
        });
        const row = body.items.find((d: { id: string }) => d.id === failed.id);
        expect(row?.attempts).toBe(1);
      });
      expect((await t.request('POST', '/v1/admin/webhook-deliveries/99999999/replay')).status).toBe(404);
    });
  });
});
