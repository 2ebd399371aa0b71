/**
 * `/__fake/*`: an unauthenticated control surface for the standalone demo, so a browser or curl
 * can play the customer (write a message, rate CSAT, open the widget) and steer faults while the
 * real service runs against the fake. Not part of Chatwoot; not recorded, throttled or faulted.
 */
import { HttpError } from './fake-chatwoot.errors';
import { bodyObject, idParam, ok, RouteTable, type RequestContext } from './fake-chatwoot.router';
import type { FakeChatwoot } from './fake-chatwoot.server';
import type { ConversationStatus } from './fake-chatwoot.types';
import { asObject, optionalString, toInt } from './fake-chatwoot.util';

const ACCOUNT = '/__fake/accounts/:account_id';
const STATUSES: ConversationStatus[] = ['open', 'resolved', 'pending', 'snoozed'];

function requiredInt(ctx: RequestContext, key: string): number {
  const value = toInt(bodyObject(ctx)[key]);
  if (value === undefined) throw new HttpError(422, { error: `${key} is required` });
  return value;
}

export function buildControlRoutes(fake: FakeChatwoot): RouteTable {
  const routes = new RouteTable();
  routes
    .add('GET', 'control', '/__fake/health', () => ok({ ok: true, url: fake.url }))
    .add('GET', 'control', '/__fake/requests', () => ok(fake.requests))
    .add('GET', 'control', '/__fake/deliveries', () => ok(fake.deliveries))
    .add('POST', 'control', '/__fake/webhooks_enabled', (ctx) => {
      fake.webhooksEnabled = bodyObject(ctx).enabled !== false;
      return ok({ enabled: fake.webhooksEnabled });
    })
    .add('POST', 'control', '/__fake/faults', (ctx) => {
      const body = bodyObject(ctx);
      const pattern = optionalString(body.path_regex);
      fake.faults.add({
        method: optionalString(body.method) ?? undefined,
        path: pattern ? new RegExp(pattern) : (optionalString(body.path) ?? undefined),
        status: toInt(body.status),
        body: body.body,
        delayMs: toInt(body.delay_ms),
        times: toInt(body.times),
        rate: typeof body.rate === 'number' ? body.rate : undefined,
      });
      return ok({ ok: true });
    })
    .add('DELETE', 'control', '/__fake/faults', () => {
      fake.faults.clear();
      return ok({ ok: true });
    })
    .add('POST', 'control', '/__fake/rate_limit', (ctx) => {
      fake.faults.rateLimit(requiredInt(ctx, 'per_window'), requiredInt(ctx, 'window_ms'));
      return ok({ ok: true });
    })
    // The customer writes in the widget: reuses their latest unresolved conversation in the inbox, else opens one.
    .add('POST', 'control', `${ACCOUNT}/incoming_messages`, (ctx) => {
      const accountId = idParam(ctx, 'account_id');
      const contactId = requiredInt(ctx, 'contact_id');
      const inboxId = requiredInt(ctx, 'inbox_id');
      const existing = ctx.state
        .conversationsOf(accountId)
        .filter((c) => c.contact_id === contactId && c.inbox_id === inboxId && c.status !== 'resolved')
        .sort((a, b) => b.id - a.id)[0];
      const conversation = existing ?? ctx.state.createConversation(accountId, { contactId, inboxId });
      const message = ctx.state.addMessage(accountId, conversation.display_id, {
        messageType: 'incoming',
        content: optionalString(bodyObject(ctx).content) ?? '',
      });
      return ok({ conversation_id: conversation.display_id, message_id: message.id });
    })
    .add('POST', 'control', `${ACCOUNT}/conversations/:id/csat`, (ctx) => {
      const body = bodyObject(ctx);
      const message = ctx.state.submitCsat(
        idParam(ctx, 'account_id'),
        idParam(ctx, 'id'),
        requiredInt(ctx, 'rating'),
        optionalString(body.feedback) ?? undefined,
      );
      return ok({ message_id: message.id });
    })
    .add('POST', 'control', `${ACCOUNT}/conversations/:id/status`, (ctx) => {
      const status = optionalString(bodyObject(ctx).status) as ConversationStatus;
      if (!STATUSES.includes(status)) throw new HttpError(422, { error: `status must be one of ${STATUSES.join(', ')}` });
      const conversation = ctx.state.setStatus(idParam(ctx, 'account_id'), idParam(ctx, 'id'), status);
      return ok({ conversation_id: conversation.display_id, status: conversation.status });
    })
    .add('POST', 'control', `${ACCOUNT}/webwidget_triggered`, (ctx) => {
      const body = bodyObject(ctx);
      const row = ctx.state.triggerWebwidget(idParam(ctx, 'account_id'), {
        contactId: requiredInt(ctx, 'contact_id'),
        inboxId: requiredInt(ctx, 'inbox_id'),
        eventInfo: asObject(body.event_info),
      });
      return ok({ contact_inbox_id: row.id, source_id: row.source_id });
    });
  return routes;
}
