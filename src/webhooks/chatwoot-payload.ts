/**
 * Reading Chatwoot webhook payloads (API-NOTES §5.3) and REST conversations, which share the
 * conversation shape. Everything is defensive: a field Chatwoot leaves out reads as null.
 */

type Json = Record<string, unknown>;

export interface ContactRef {
  contactId: number | null;
  identifier: string | null;
  email: string | null;
  customAttributes: Record<string, unknown>;
}

export interface ConversationSnapshot {
  displayId: number;
  accountId: number | null;
  inboxId: number | null;
  status: string;
  priority: string | null;
  labels: string[];
  contact: ContactRef;
  assigneeId: number | null;
  teamId: number | null;
  createdAt: Date;
  /** Chatwoot `updated_at` as unix seconds (float): the ordering key between snapshots. */
  updatedAt: number;
  lastActivityAt: Date | null;
  firstReplyAt: Date | null;
  /** tracker.js session, from the conversation custom attribute `bridge_session_id` (set through the widget). */
  sessionId?: string | null;
}

/** The conversation custom attribute tracker.js sets (src/tracking/public/tracker.js). */
export const SESSION_ATTRIBUTE = 'bridge_session_id';
const SESSION_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** The storefront session a conversation was started in; anything else a visitor could type there is ignored. */
export function sessionIdOf(customAttributes: unknown): string | null {
  const value = asObject(customAttributes)[SESSION_ATTRIBUTE];
  return typeof value === 'string' && SESSION_ID.test(value) ? value : null;
}

export interface MessageFacts {
  messageId: number;
  messageType: 'incoming' | 'outgoing' | 'template' | 'activity';
  private: boolean;
  senderType: string | null;
  senderId: number | null;
  contentType: string | null;
  createdAt: Date;
  csat: { rating: number; feedback: string | null } | null;
  /** Chatwoot's Message#human_response?: what a first response is. */
  humanResponse: boolean;
}

export class PayloadError extends Error {}

export function asObject(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function int(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
}

/** Unix seconds (int or float), ISO strings and Rails' `Date#to_s`; 0 means "never" in REST views. */
export function toDate(value: unknown): Date | null {
  if (typeof value === 'number') return value > 0 ? new Date(value * 1000) : null;
  if (typeof value === 'string' && value !== '') {
    const asNumber = Number(value);
    if (Number.isFinite(asNumber)) return asNumber > 0 ? new Date(asNumber * 1000) : null;
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : new Date(parsed);
  }
  return null;
}

export function contactRef(sender: unknown): ContactRef {
  const s = asObject(sender);
  return {
    contactId: int(s.id),
    identifier: str(s.identifier),
    email: str(s.email),
    customAttributes: asObject(s.custom_attributes),
  };
}

/** A conversation as in `conversation_*` payloads, the `conversation` block of messages and GET /conversations. */
export function parseConversation(raw: unknown): ConversationSnapshot {
  const c = asObject(raw);
  const displayId = int(c.id);
  if (displayId === null || displayId <= 0) throw new PayloadError('conversation payload has no display id');
  const status = str(c.status);
  if (!status) throw new PayloadError(`conversation ${displayId} has no status`);
  const meta = asObject(c.meta);
  const createdAt = toDate(c.created_at);
  const updatedRaw = typeof c.updated_at === 'number' ? c.updated_at : (toDate(c.updated_at)?.getTime() ?? 0) / 1000;
  const lastActivityAt = toDate(c.last_activity_at) ?? toDate(c.timestamp);
  return {
    displayId,
    accountId: int(asObject(c.account).id) ?? int(c.account_id),
    inboxId: int(c.inbox_id),
    status,
    priority: str(c.priority),
    labels: Array.isArray(c.labels) ? c.labels.filter((l): l is string => typeof l === 'string') : [],
    contact: contactRef(meta.sender),
    // meta.assignee is Conversation#assigned_entity: an agent bot too, with assignee_type AgentBot
    // (app/models/conversation.rb). Only a User is an agent.
    assigneeId: meta.assignee_type === 'User' ? int(asObject(meta.assignee).id) : null,
    teamId: int(asObject(meta.team).id),
    createdAt: createdAt ?? lastActivityAt ?? new Date(updatedRaw * 1000),
    updatedAt: updatedRaw || (lastActivityAt?.getTime() ?? 0) / 1000,
    lastActivityAt,
    firstReplyAt: toDate(c.first_reply_created_at),
    sessionId: sessionIdOf(c.custom_attributes),
  };
}

const MESSAGE_TYPES: Record<string, MessageFacts['messageType']> = {
  '0': 'incoming',
  '1': 'outgoing',
  '2': 'activity',
  '3': 'template',
  incoming: 'incoming',
  outgoing: 'outgoing',
  activity: 'activity',
  template: 'template',
};

export function parseMessage(raw: Json): MessageFacts {
  const messageId = int(raw.id);
  if (messageId === null) throw new PayloadError('message payload has no id');
  const messageType = MESSAGE_TYPES[String(raw.message_type)];
  if (!messageType) throw new PayloadError(`message ${messageId} has an unknown message_type`);
  const sender = asObject(raw.sender);
  const contentType = str(raw.content_type);
  let csat: MessageFacts['csat'] = null;
  if (contentType === 'input_csat') {
    const response = asObject(asObject(asObject(raw.content_attributes).submitted_values).csat_survey_response);
    const rating = int(response.rating);
    if (rating !== null && rating >= 1 && rating <= 5) csat = { rating, feedback: str(response.feedback_message) };
  }
  const senderType = str(sender.type) ?? (raw.sender ? 'contact' : null);
  const contentAttributes = asObject(raw.content_attributes);
  return {
    messageId,
    messageType,
    private: raw.private === true,
    // message_created carries `sender.type` ("user", "contact" is absent on contact webhook data, "agent_bot").
    senderType,
    senderId: int(sender.id),
    contentType,
    createdAt: toDate(raw.created_at) ?? new Date(),
    csat,
    // app/models/message.rb#human_response?: outgoing, no automation rule, no campaign (a campaign
    // message is sent as its sender, a User), and sent by a User or echoed from a native app.
    humanResponse:
      messageType === 'outgoing' &&
      isBlank(contentAttributes.automation_rule_id) &&
      isBlank(asObject(raw.additional_attributes).campaign_id) &&
      (senderType === 'user' || !isBlank(contentAttributes.external_echo)),
  };
}

/** Rails' `blank?` for JSON values. */
function isBlank(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === false ||
    (typeof value === 'string' && value.trim() === '') ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)
  );
}

/** `changed_attributes` is an array of one-key objects (API-NOTES §5.2). */
export function changedKeys(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry) => Object.keys(asObject(entry)));
}

/**
 * The status change a `conversation_updated` recorded at commit (`changed_attributes` from
 * Rails' previous_changes, so `updated_at` is there too and dates the change). Null when the
 * status did not change or the change carries no time.
 */
export function recordedStatusChange(raw: unknown): { from: string | null; to: string; at: number } | null {
  if (!Array.isArray(raw)) return null;
  let status: Json | null = null;
  let updatedAt: Json | null = null;
  for (const entry of raw) {
    const e = asObject(entry);
    if ('status' in e) status = asObject(e.status);
    if ('updated_at' in e) updatedAt = asObject(e.updated_at);
  }
  const to = status ? str(status.current_value) : null;
  const at = updatedAt ? toDate(updatedAt.current_value) : null;
  if (!status || !to || !at) return null;
  return { from: str(status.previous_value), to, at: at.getTime() };
}

const NOISE_KEYS = new Set(['last_activity_at', 'updated_at']);

/** `contact_updated` whose only changes are activity timestamps (every incoming message makes one). */
export function isActivityNoise(changed: unknown): boolean {
  const keys = changedKeys(changed);
  return keys.length > 0 && keys.every((key) => NOISE_KEYS.has(key));
}
