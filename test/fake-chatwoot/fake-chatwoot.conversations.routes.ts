/**
 * Conversations, addressed by per-account display_id (API-NOTES §4.5).
 */
import { HttpError, RecordNotFoundError } from './fake-chatwoot.errors';
import {
  accountId,
  bodyObject,
  currentUser,
  idParam,
  ok,
  page,
  paginate,
  queryString,
  type RequestContext,
  type RouteTable,
} from './fake-chatwoot.router';
import type { ConversationPriority, ConversationRecord, ConversationStatus, MessageType } from './fake-chatwoot.types';
import { asObject, isPlainObject, optionalString, toBool, toInt } from './fake-chatwoot.util';
import { agentBotSlimView, agentView, contactSenderView, conversationView, messageView, teamRow } from './fake-chatwoot.views';

const CONVERSATIONS = '/api/v1/accounts/:account_id/conversations';
const PER_PAGE = 25;
const STATUSES: ConversationStatus[] = ['open', 'resolved', 'pending', 'snoozed'];
const PRIORITIES: ConversationPriority[] = ['low', 'medium', 'high', 'urgent'];

/** Agents only reach conversations of inboxes they belong to (or assigned to them). */
export function conversationVisible(ctx: RequestContext, conversation: ConversationRecord): boolean {
  if (ctx.accountUser?.role === 'administrator') return true;
  const userId = currentUser(ctx).id;
  if (conversation.assignee_id === userId) return true;
  return ctx.state.inboxes.get(conversation.inbox_id)?.member_ids.has(userId) ?? false;
}

function findConversation(ctx: RequestContext): ConversationRecord {
  const conversation = ctx.state.getConversation(accountId(ctx), idParam(ctx, 'id'));
  if (!conversationVisible(ctx, conversation)) throw new HttpError(401, { error: 'You are not authorized to do this action' });
  return conversation;
}

/** Rails enum assignment with an unknown value raises ArgumentError → 500. */
function enumOrFail<T extends string>(values: readonly T[], raw: unknown): T {
  if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw as T;
  throw new HttpError(500, { status: 500, error: 'Internal Server Error' });
}

function parseSnoozedUntil(raw: unknown): Date | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return new Date(seconds * 1000);
  const parsed = Date.parse(String(raw));
  return Number.isNaN(parsed) ? null : new Date(parsed);
}

function sortConversations(conversations: ConversationRecord[], sortBy: string | undefined): ConversationRecord[] {
  const byTime = (pick: (c: ConversationRecord) => number, direction: 1 | -1) => (a: ConversationRecord, b: ConversationRecord) =>
    direction * (pick(a) - pick(b)) || direction * (a.id - b.id);
  switch (sortBy) {
    case 'last_activity_at_asc':
      return conversations.sort(byTime((c) => c.last_activity_at.getTime(), 1));
    case 'created_at_desc':
      return conversations.sort(byTime((c) => c.created_at.getTime(), -1));
    case 'created_at_asc':
    case 'sort_on_created_at':
      return conversations.sort(byTime((c) => c.created_at.getTime(), 1));
    case 'waiting_since_asc':
      return conversations.sort(byTime((c) => c.waiting_since?.getTime() ?? Number.MAX_SAFE_INTEGER, 1));
    case 'priority_desc':
    case 'sort_on_priority':
      return conversations.sort(
        (a, b) =>
          (b.priority ? PRIORITIES.indexOf(b.priority) : -1) - (a.priority ? PRIORITIES.indexOf(a.priority) : -1) || b.id - a.id,
      );
    default:
      // 'latest' / 'last_activity_at_desc' is ConversationFinder's default.
      return conversations.sort(byTime((c) => c.last_activity_at.getTime(), -1));
  }
}

function queryList(ctx: RequestContext, key: string): string[] {
  const value = ctx.query[key] ?? ctx.query[`${key}[]`];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function registerConversationRoutes(routes: RouteTable): void {
  routes.add('GET', 'account', CONVERSATIONS, (ctx) => {
    const userId = currentUser(ctx).id;
    let conversations = ctx.state
      .conversationsOf(accountId(ctx))
      .filter((conversation) => conversationVisible(ctx, conversation));
    const status = queryString(ctx, 'status') ?? 'open';
    if (status !== 'all') conversations = conversations.filter((conversation) => conversation.status === status);
    const inboxId = toInt(queryString(ctx, 'inbox_id'));
    if (inboxId !== undefined) conversations = conversations.filter((conversation) => conversation.inbox_id === inboxId);
    const teamId = toInt(queryString(ctx, 'team_id'));
    if (teamId !== undefined) conversations = conversations.filter((conversation) => conversation.team_id === teamId);
    const labels = queryList(ctx, 'labels');
    if (labels.length > 0)
      conversations = conversations.filter((conversation) => labels.some((label) => conversation.label_list.includes(label)));
    const q = queryString(ctx, 'q');
    if (q) {
      const needle = q.toLowerCase();
      conversations = conversations.filter((conversation) => {
        const contact = ctx.state.contacts.get(conversation.contact_id);
        const haystack = [
          contact?.name,
          contact?.email,
          contact?.phone_number,
          contact?.identifier,
          String(conversation.display_id),
        ];
        return haystack.some((value) => (value ?? '').toLowerCase().includes(needle));
      });
    }

    // Counts are taken before the assignee_type filter, like ConversationFinder#set_count_for_all_conversations.
    const meta = {
      mine_count: conversations.filter((conversation) => conversation.assignee_id === userId).length,
      assigned_count: conversations.filter((conversation) => conversation.assignee_id !== null).length,
      unassigned_count: conversations.filter((conversation) => conversation.assignee_id === null).length,
      all_count: conversations.length,
    };
    const assigneeType = queryString(ctx, 'assignee_type');
    if (assigneeType === 'me') conversations = conversations.filter((conversation) => conversation.assignee_id === userId);
    else if (assigneeType === 'unassigned')
      conversations = conversations.filter((conversation) => conversation.assignee_id === null);
    else if (assigneeType === 'assigned')
      conversations = conversations.filter((conversation) => conversation.assignee_id !== null);

    // ConversationFinder#conversations (app/finders/conversation_finder.rb): with `updated_within`
    // every conversation with `updated_at > now - n` comes back in one answer and `page` is
    // ignored; without it the list is paged, CONVERSATION_RESULTS_PER_PAGE (25) per page. The
    // counts above ignore `updated_within`, as set_count_for_all_conversations runs before it.
    const updatedWithin = toInt(queryString(ctx, 'updated_within'));
    if (updatedWithin !== undefined) {
      const since = ctx.state.now() - updatedWithin * 1000;
      conversations = conversations.filter((conversation) => conversation.updated_at.getTime() > since);
    }
    const sorted = sortConversations(conversations, queryString(ctx, 'sort_by'));
    const listed = updatedWithin !== undefined ? sorted : paginate(sorted, page(ctx), PER_PAGE);
    const payload = listed.map((conversation) => conversationView(ctx.state, conversation));
    return ok({ data: { meta, payload } });
  });

  routes.add('POST', 'account', CONVERSATIONS, (ctx) => {
    const body = bodyObject(ctx);
    const account = accountId(ctx);
    let contactId = toInt(body.contact_id);
    let inboxId = toInt(body.inbox_id);
    const sourceId = optionalString(body.source_id) ?? undefined;
    if (sourceId !== undefined) {
      const row = [...ctx.state.contactInboxes.values()].find((candidate) => candidate.source_id === sourceId);
      if (!row) throw new RecordNotFoundError(`ContactInbox with source_id=${sourceId}`);
      contactId = row.contact_id;
      inboxId = row.inbox_id;
    }
    if (contactId === undefined) throw new RecordNotFoundError('Contact');
    if (inboxId === undefined) throw new RecordNotFoundError('Inbox');
    const status = body.status === undefined ? undefined : enumOrFail(STATUSES, body.status);
    const conversation = ctx.state.createConversation(account, {
      contactId,
      inboxId,
      sourceId,
      status,
      assigneeId: toInt(body.assignee_id) ?? null,
      teamId: toInt(body.team_id) ?? null,
      customAttributes: asObject(body.custom_attributes),
      additionalAttributes: asObject(body.additional_attributes),
      snoozedUntil: parseSnoozedUntil(body.snoozed_until),
    });
    const message = asObject(body.message);
    if (isPlainObject(body.message) && message.content !== undefined) {
      ctx.state.addMessage(account, conversation.display_id, {
        content: optionalString(message.content),
        messageType: 'outgoing',
        senderUserId: currentUser(ctx).id,
        private: toBool(message.private, false),
      });
    }
    return ok(conversationView(ctx.state, conversation));
  });

  routes
    .add('GET', 'account', `${CONVERSATIONS}/:id`, (ctx) => ok(conversationView(ctx.state, findConversation(ctx))))
    .add('PATCH', 'account', `${CONVERSATIONS}/:id`, (ctx) => {
      const conversation = findConversation(ctx);
      const body = bodyObject(ctx);
      if ('priority' in body) {
        const priority = body.priority === null ? null : enumOrFail(PRIORITIES, body.priority);
        ctx.state.setPriority(accountId(ctx), conversation.display_id, priority);
      }
      return ok(conversationView(ctx.state, conversation));
    })
    .add('POST', 'account', `${CONVERSATIONS}/:id/toggle_status`, (ctx) => {
      const conversation = findConversation(ctx);
      const body = bodyObject(ctx);
      const account = accountId(ctx);
      if (body.status !== undefined && body.status !== null && body.status !== '') {
        const status = enumOrFail(STATUSES, body.status);
        const snoozedUntil = parseSnoozedUntil(body.snoozed_until);
        ctx.state.updateConversation(account, conversation.display_id, {
          status,
          ...(body.snoozed_until !== undefined ? { snoozed_until: snoozedUntil } : {}),
        });
      } else {
        ctx.state.setStatus(account, conversation.display_id, conversation.status === 'open' ? 'resolved' : 'open');
      }
      // ConversationsController#toggle_status assigns the caller when an agent (re)opens it.
      if (conversation.status === 'open' && ctx.accountUser?.role === 'agent') {
        ctx.state.assign(account, conversation.display_id, { assigneeId: currentUser(ctx).id });
      }
      return ok({
        meta: {},
        payload: {
          success: true,
          conversation_id: conversation.display_id,
          current_status: conversation.status,
          snoozed_until: conversation.snoozed_until,
        },
      });
    })
    .add('POST', 'account', `${CONVERSATIONS}/:id/toggle_priority`, (ctx) => {
      const conversation = findConversation(ctx);
      const raw = bodyObject(ctx).priority;
      const priority = raw === null || raw === undefined || raw === '' ? null : enumOrFail(PRIORITIES, raw);
      ctx.state.setPriority(accountId(ctx), conversation.display_id, priority);
      return ok();
    })
    .add('POST', 'account', `${CONVERSATIONS}/:id/toggle_typing_status`, (ctx) => {
      const conversation = findConversation(ctx);
      const body = bodyObject(ctx);
      ctx.state.setTyping(accountId(ctx), conversation.display_id, body.typing_status === 'on', {
        userId: currentUser(ctx).id,
        isPrivate: toBool(body.is_private, false),
      });
      return ok();
    })
    .add('POST', 'account', `${CONVERSATIONS}/:id/custom_attributes`, (ctx) => {
      const conversation = findConversation(ctx);
      const attributes = asObject(bodyObject(ctx).custom_attributes);
      ctx.state.setConversationCustomAttributes(accountId(ctx), conversation.display_id, attributes);
      return ok({ custom_attributes: conversation.custom_attributes });
    })
    .add('POST', 'account', `${CONVERSATIONS}/:id/assignments`, (ctx) => {
      const conversation = findConversation(ctx);
      const body = bodyObject(ctx);
      const account = accountId(ctx);
      // AssignmentsController#agent_bot_assignment?: assignee_type AgentBot assigns a bot, which
      // clears the agent (Conversations::AssignmentService); an unknown bot changes nothing.
      if (String(body.assignee_type ?? '') === 'AgentBot') {
        const botId = toInt(body.assignee_id);
        const bot = botId === undefined ? undefined : ctx.state.agentBots.get(botId);
        if (!bot || (bot.account_id !== null && bot.account_id !== account)) return ok(null);
        ctx.state.assign(account, conversation.display_id, { agentBotId: bot.id });
        return ok(agentBotSlimView(bot));
      }
      if ('assignee_id' in body) {
        // Current.account.users.find_by(id:) → an unknown id silently unassigns.
        const userId = toInt(body.assignee_id);
        const row = userId === undefined ? undefined : ctx.state.accountUser(account, userId);
        const user = row ? ctx.state.users.get(row.user_id) : undefined;
        ctx.state.assign(account, conversation.display_id, { assigneeId: user && row ? user.id : null });
        return ok(user && row ? agentView(user, row) : null);
      }
      if ('team_id' in body) {
        const teamId = toInt(body.team_id);
        const team = teamId === undefined ? undefined : ctx.state.teams.get(teamId);
        const owned = team && team.account_id === account ? team : undefined;
        ctx.state.assign(account, conversation.display_id, { teamId: owned ? owned.id : null });
        return ok(owned ? teamRow(owned) : null);
      }
      return ok(null);
    })
    .add('GET', 'account', `${CONVERSATIONS}/:id/labels`, (ctx) => ok({ payload: findConversation(ctx).label_list }))
    .add('POST', 'account', `${CONVERSATIONS}/:id/labels`, (ctx) => {
      const conversation = findConversation(ctx);
      const raw = bodyObject(ctx).labels;
      const labels = Array.isArray(raw) ? raw.map(String) : [];
      ctx.state.setLabels(accountId(ctx), conversation.display_id, labels);
      return ok({ payload: conversation.label_list });
    })
    .add('GET', 'account', `${CONVERSATIONS}/:id/messages`, (ctx) => {
      const conversation = findConversation(ctx);
      const before = toInt(queryString(ctx, 'before'));
      const after = toInt(queryString(ctx, 'after'));
      let messages = ctx.state.messagesOf(conversation);
      if (before !== undefined) messages = messages.filter((message) => message.id < before);
      if (after !== undefined) messages = messages.filter((message) => message.id > after);
      messages = after !== undefined ? messages.slice(0, 100) : messages.slice(-20);
      const contact = ctx.state.contacts.get(conversation.contact_id);
      const assignee = conversation.assignee_id === null ? undefined : ctx.state.users.get(conversation.assignee_id);
      const assigneeRow = assignee ? ctx.state.accountUser(accountId(ctx), assignee.id) : undefined;
      return ok({
        meta: {
          labels: conversation.label_list,
          additional_attributes: conversation.additional_attributes,
          contact: contact ? contactSenderView(contact) : null,
          assignee: assignee && assigneeRow ? agentView(assignee, assigneeRow) : null,
          agent_last_seen_at: conversation.agent_last_seen_at,
          assignee_last_seen_at: conversation.assignee_last_seen_at,
        },
        payload: messages.map((message) => messageView(ctx.state, message)),
      });
    })
    .add('POST', 'account', `${CONVERSATIONS}/:id/messages`, (ctx) => {
      const conversation = findConversation(ctx);
      const body = bodyObject(ctx);
      const messageType = (optionalString(body.message_type) ?? 'outgoing') as MessageType;
      if (messageType === 'incoming') {
        throw new HttpError(422, { error: 'Incoming messages are only allowed in Api inboxes' });
      }
      if (!['outgoing', 'template'].includes(messageType)) {
        throw new HttpError(500, { status: 500, error: 'Internal Server Error' });
      }
      const message = ctx.state.addMessage(accountId(ctx), conversation.display_id, {
        content: optionalString(body.content),
        messageType,
        private: toBool(body.private, false),
        contentType: optionalString(body.content_type) ?? 'text',
        contentAttributes: asObject(body.content_attributes),
        senderUserId: currentUser(ctx).id,
        // Messages::MessageBuilder#campaign_id: a `campaign_id` param lands in additional_attributes.
        ...(body.campaign_id !== undefined && body.campaign_id !== null && body.campaign_id !== ''
          ? { additionalAttributes: { campaign_id: body.campaign_id } }
          : {}),
      });
      const view = messageView(ctx.state, message);
      const echoId = optionalString(body.echo_id);
      return ok(echoId ? { ...view, echo_id: echoId } : view);
    })
    .add('PATCH', 'account', `${CONVERSATIONS}/:id/messages/:message_id`, (ctx) => {
      const conversation = findConversation(ctx);
      const body = bodyObject(ctx);
      const status = optionalString(body.status);
      const message = ctx.state.updateMessage(accountId(ctx), conversation.display_id, idParam(ctx, 'message_id'), {
        ...(body.content !== undefined ? { content: optionalString(body.content) } : {}),
        ...(isPlainObject(body.content_attributes) ? { contentAttributes: body.content_attributes } : {}),
        ...(status && ['sent', 'delivered', 'read', 'failed'].includes(status) ? { status: status as 'sent' } : {}),
      });
      return ok(messageView(ctx.state, message));
    });
}
