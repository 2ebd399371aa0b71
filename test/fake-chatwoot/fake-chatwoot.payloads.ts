/**
 * Webhook payload builders (API-NOTES §5.3). They read the store at call time, so a payload is a
 * snapshot of the state right after the change that triggered it — the same thing Chatwoot's
 * listeners serialise before enqueueing the WebhookJob.
 */
import { RecordNotFoundError } from './fake-chatwoot.errors';
import type { FakeChatwootState } from './fake-chatwoot.state';
import {
  MESSAGE_TYPE_CODES,
  type AccountRecord,
  type AgentBotRecord,
  type ChangedAttribute,
  type ContactInboxRecord,
  type ContactRecord,
  type ConversationRecord,
  type InboxRecord,
  type JsonObject,
  type MessageRecord,
  type UserRecord,
} from './fake-chatwoot.types';
import { toJson, unixFloat, unixSeconds } from './fake-chatwoot.util';

export function accountWebhookData(account: AccountRecord): JsonObject {
  return { id: account.id, name: account.name };
}

export function inboxWebhookData(inbox: InboxRecord): JsonObject {
  return { id: inbox.id, name: inbox.name };
}

export function userWebhookData(user: UserRecord): JsonObject {
  return { id: user.id, name: user.name, email: user.email, type: 'user' };
}

/** Contact#push_event_data — used for conversation `meta.sender` and message `sender` in push format. */
export function contactPushData(contact: ContactRecord): JsonObject {
  return {
    additional_attributes: contact.additional_attributes,
    custom_attributes: contact.custom_attributes,
    email: contact.email,
    id: contact.id,
    identifier: contact.identifier,
    name: contact.name,
    phone_number: contact.phone_number,
    thumbnail: contact.avatar_url,
    blocked: contact.blocked,
    type: 'contact',
  };
}

/** User#push_event_data — conversation `meta.assignee`. Presence is not simulated, so agents read as offline. */
export function userPushData(user: UserRecord): JsonObject {
  return {
    id: user.id,
    name: user.name,
    available_name: user.display_name || user.name,
    avatar_url: '',
    type: 'user',
    availability_status: 'offline',
    thumbnail: '',
  };
}

/** AgentBot#push_event_data (app/models/agent_bot.rb): `type: "agent_bot"`. */
export function agentBotPushData(bot: AgentBotRecord): JsonObject {
  return { id: bot.id, name: bot.name, avatar_url: bot.avatar_url, type: 'agent_bot' };
}

/** Contact#webhook_data — note: no `type` key, unlike `meta.sender`. */
export function contactWebhookData(state: FakeChatwootState, contact: ContactRecord): JsonObject {
  return {
    account: accountWebhookData(state.getAccount(contact.account_id)),
    additional_attributes: contact.additional_attributes,
    avatar: contact.avatar_url,
    custom_attributes: contact.custom_attributes,
    email: contact.email,
    id: contact.id,
    identifier: contact.identifier,
    name: contact.name,
    phone_number: contact.phone_number,
    thumbnail: contact.avatar_url,
    blocked: contact.blocked,
  };
}

export function contactInboxRow(contactInbox: ContactInboxRecord): JsonObject {
  return {
    id: contactInbox.id,
    contact_id: contactInbox.contact_id,
    inbox_id: contactInbox.inbox_id,
    source_id: contactInbox.source_id,
    created_at: contactInbox.created_at,
    updated_at: contactInbox.updated_at,
    hmac_verified: contactInbox.hmac_verified,
    pubsub_token: contactInbox.pubsub_token,
  };
}

function senderPushData(state: FakeChatwootState, message: MessageRecord): JsonObject | undefined {
  if (message.sender_type === 'Contact' && message.sender_id !== null) {
    const contact = state.contacts.get(message.sender_id);
    return contact ? contactPushData(contact) : undefined;
  }
  if (message.sender_type === 'User' && message.sender_id !== null) {
    const user = state.users.get(message.sender_id);
    return user ? userPushData(user) : undefined;
  }
  return undefined;
}

/** Message#push_event_data: integer message_type, unix created_at, conversation_id = display_id. */
export function messagePushData(state: FakeChatwootState, message: MessageRecord): JsonObject {
  const conversation = state.conversations.get(message.conversation_id);
  const contactInbox = conversation ? state.contactInboxes.get(conversation.contact_inbox_id) : undefined;
  const data: JsonObject = {
    id: message.id,
    content: message.content,
    account_id: message.account_id,
    inbox_id: message.inbox_id,
    conversation_id: conversation?.display_id ?? null,
    message_type: MESSAGE_TYPE_CODES[message.message_type],
    created_at: unixSeconds(message.created_at),
    updated_at: message.updated_at,
    private: message.private,
    status: message.status,
    source_id: message.source_id,
    content_type: message.content_type,
    content_attributes: message.content_attributes,
    sender_type: message.sender_type,
    sender_id: message.sender_id,
    external_source_ids: message.external_source_ids,
    additional_attributes: message.additional_attributes,
    processed_message_content: message.content,
    sentiment: {},
    conversation: conversation
      ? {
          assignee_id: conversation.assignee_id,
          unread_count: state.unreadCount(conversation),
          last_activity_at: unixSeconds(conversation.last_activity_at),
          contact_inbox: { source_id: contactInbox?.source_id ?? null },
        }
      : null,
  };
  const sender = senderPushData(state, message);
  if (sender) data.sender = sender;
  return data;
}

/** Conversations::EventDataPresenter#push_data plus `account` (v4.14.2+). */
export function conversationWebhookData(state: FakeChatwootState, conversation: ConversationRecord): JsonObject {
  const contact = state.contacts.get(conversation.contact_id);
  const contactInbox = state.contactInboxes.get(conversation.contact_inbox_id);
  const inbox = state.inboxes.get(conversation.inbox_id);
  const assignee = conversation.assignee_id === null ? undefined : state.users.get(conversation.assignee_id);
  // Conversation#assigned_entity is `assignee_agent_bot || assignee`; #assignee_type says which.
  const bot = conversation.assignee_agent_bot_id === null ? undefined : state.agentBots.get(conversation.assignee_agent_bot_id);
  const team = conversation.team_id === null ? undefined : state.teams.get(conversation.team_id);
  const lastChat = state.lastChatMessage(conversation);
  return {
    additional_attributes: conversation.additional_attributes,
    can_reply: true,
    channel: inbox ? 'Channel::WebWidget' : null,
    contact_inbox: contactInbox ? contactInboxRow(contactInbox) : null,
    id: conversation.display_id,
    inbox_id: conversation.inbox_id,
    messages: lastChat ? [messagePushData(state, lastChat)] : [],
    labels: conversation.label_list,
    meta: {
      sender: contact ? contactPushData(contact) : null,
      assignee: bot ? agentBotPushData(bot) : assignee ? userPushData(assignee) : null,
      assignee_type: bot ? 'AgentBot' : assignee ? 'User' : null,
      team: team ? { id: team.id, name: team.name } : null,
      hmac_verified: contactInbox?.hmac_verified ?? null,
    },
    status: conversation.status,
    custom_attributes: conversation.custom_attributes,
    snoozed_until: conversation.snoozed_until,
    unread_count: state.unreadCount(conversation),
    first_reply_created_at: conversation.first_reply_created_at,
    priority: conversation.priority,
    waiting_since: unixSeconds(conversation.waiting_since),
    agent_last_seen_at: unixSeconds(conversation.agent_last_seen_at),
    contact_last_seen_at: unixSeconds(conversation.contact_last_seen_at),
    last_activity_at: unixSeconds(conversation.last_activity_at),
    timestamp: unixSeconds(conversation.last_activity_at),
    created_at: unixSeconds(conversation.created_at),
    updated_at: unixFloat(conversation.updated_at),
    account: accountWebhookData(state.getAccount(conversation.account_id)),
  };
}

/** Message#webhook_data: string message_type, ISO created_at, full conversation block. */
export function messageWebhookData(state: FakeChatwootState, message: MessageRecord): JsonObject {
  const conversation = state.conversations.get(message.conversation_id);
  const inbox = state.inboxes.get(message.inbox_id);
  let sender: JsonObject | null = null;
  if (message.sender_type === 'Contact' && message.sender_id !== null) {
    const contact = state.contacts.get(message.sender_id);
    sender = contact ? contactWebhookData(state, contact) : null;
  } else if (message.sender_type === 'User' && message.sender_id !== null) {
    const user = state.users.get(message.sender_id);
    sender = user ? userWebhookData(user) : null;
  }
  return {
    account: accountWebhookData(state.getAccount(message.account_id)),
    additional_attributes: message.additional_attributes,
    content_attributes: message.content_attributes,
    content_type: message.content_type,
    content: message.content,
    conversation: conversation ? conversationWebhookData(state, conversation) : null,
    created_at: message.created_at,
    id: message.id,
    inbox: inbox ? inboxWebhookData(inbox) : null,
    message_type: message.message_type,
    private: message.private,
    sender,
    source_id: message.source_id,
  };
}

/** Inbox::EventDataPresenter#webhook_data. */
export function inboxEventData(state: FakeChatwootState, inbox: InboxRecord): JsonObject {
  return {
    id: inbox.id,
    name: inbox.name,
    ...inbox.settings,
    created_at: inbox.created_at,
    updated_at: inbox.updated_at,
    channel: {
      id: inbox.channel_id,
      account_id: inbox.account_id,
      website_token: inbox.website_token,
      hmac_token: inbox.hmac_token,
      ...inbox.channel,
    },
    account: accountWebhookData(state.getAccount(inbox.account_id)),
  };
}

function withEvent(event: string, data: JsonObject, changedAttributes?: ChangedAttribute[] | null): JsonObject {
  const payload: JsonObject = { ...data, event };
  if (changedAttributes !== undefined) payload.changed_attributes = changedAttributes;
  return toJson(payload);
}

export function buildConversationPayload(
  state: FakeChatwootState,
  accountId: number,
  displayId: number,
  event: string,
  changedAttributes?: ChangedAttribute[] | null,
): JsonObject {
  const conversation = state.getConversation(accountId, displayId);
  return withEvent(event, conversationWebhookData(state, conversation), changedAttributes);
}

export function buildMessagePayload(state: FakeChatwootState, accountId: number, messageId: number, event: string): JsonObject {
  const message = state.messages.get(messageId);
  if (!message || message.account_id !== accountId) throw new RecordNotFoundError(`Message with id ${messageId}`);
  return withEvent(event, messageWebhookData(state, message));
}

export function buildContactPayload(
  state: FakeChatwootState,
  accountId: number,
  contactId: number,
  event: string,
  changedAttributes?: ChangedAttribute[],
): JsonObject {
  const contact = state.getContact(accountId, contactId);
  return withEvent(event, contactWebhookData(state, contact), changedAttributes);
}

export function buildInboxPayload(
  state: FakeChatwootState,
  accountId: number,
  inboxId: number,
  event: string,
  changedAttributes?: ChangedAttribute[],
): JsonObject {
  return withEvent(event, inboxEventData(state, state.getInbox(accountId, inboxId)), changedAttributes);
}

export interface WebwidgetEventInfo {
  referer?: string;
  widget_language?: string;
  browser_language?: string;
  browser?: JsonObject;
  initiated_at?: { timestamp: string };
}

/** ContactInbox#webhook_data + listener extras for `webwidget_triggered`. */
export function buildWebwidgetTriggeredPayload(
  state: FakeChatwootState,
  accountId: number,
  contactInboxId: number,
  eventInfo: WebwidgetEventInfo = {},
): JsonObject {
  const contactInbox = state.contactInboxes.get(contactInboxId);
  if (!contactInbox) throw new RecordNotFoundError(`ContactInbox with id ${contactInboxId}`);
  const contact = state.getContact(accountId, contactInbox.contact_id);
  const inbox = state.getInbox(accountId, contactInbox.inbox_id);
  const current = [...state.conversations.values()]
    .filter((c) => c.contact_inbox_id === contactInbox.id)
    .sort((a, b) => b.id - a.id)[0];
  return withEvent('webwidget_triggered', {
    id: contactInbox.id,
    source_id: contactInbox.source_id,
    contact: contactWebhookData(state, contact),
    inbox: inboxWebhookData(inbox),
    account: accountWebhookData(state.getAccount(accountId)),
    current_conversation: current ? conversationWebhookData(state, current) : null,
    event_info: {
      initiated_at: eventInfo.initiated_at ?? { timestamp: new Date(state.now()).toString() },
      referer: eventInfo.referer ?? 'https://store.example/',
      widget_language: eventInfo.widget_language ?? null,
      browser_language: eventInfo.browser_language ?? 'en',
      browser: eventInfo.browser ?? {
        browser_name: 'Chrome',
        browser_version: '126.0.0.0',
        device_name: 'Unknown',
        platform_name: 'Linux',
        platform_version: '',
      },
    },
  });
}

export function buildTypingPayload(
  state: FakeChatwootState,
  accountId: number,
  displayId: number,
  on: boolean,
  actor: { userId?: number; contactId?: number },
  isPrivate = false,
): JsonObject {
  const conversation = state.getConversation(accountId, displayId);
  let user: JsonObject | null = null;
  if (actor.userId !== undefined) {
    const found = state.users.get(actor.userId);
    user = found ? userWebhookData(found) : null;
  } else {
    const contact = state.contacts.get(actor.contactId ?? conversation.contact_id);
    user = contact ? contactWebhookData(state, contact) : null;
  }
  return withEvent(on ? 'conversation_typing_on' : 'conversation_typing_off', {
    user,
    conversation: conversationWebhookData(state, conversation),
    is_private: isPrivate,
  });
}
