/**
 * Row shapes of the fake's in-memory store.
 *
 * Records use Chatwoot's snake_case column names on purpose: `changed_attributes` in webhooks
 * and the "raw row" responses (account_users, contact_inbox) are built straight from these
 * columns, exactly as Rails builds them from `previous_changes` / `as_json`.
 * Datetimes are `Date` objects because `JSON.stringify(date)` yields the same
 * `2026-01-01T10:00:00.123Z` format that Rails emits (3-digit precision, UTC).
 */

export type JsonObject = Record<string, unknown>;

export type UserRole = 'administrator' | 'agent';
export type AccountStatus = 'active' | 'suspended';
export type ConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';
export type ConversationPriority = 'low' | 'medium' | 'high' | 'urgent';
export type MessageType = 'incoming' | 'outgoing' | 'activity' | 'template';
export type Availability = 'online' | 'offline' | 'busy';

export const MESSAGE_TYPE_CODES: Record<MessageType, number> = {
  incoming: 0,
  outgoing: 1,
  activity: 2,
  template: 3,
};

export interface AccountRecord {
  id: number;
  name: string;
  locale: string;
  domain: string | null;
  support_email: string | null;
  features: Record<string, boolean>;
  custom_attributes: JsonObject;
  limits: JsonObject;
  status: AccountStatus;
  created_at: Date;
  updated_at: Date;
}

export interface UserRecord {
  id: number;
  name: string;
  display_name: string | null;
  email: string;
  password: string | null;
  access_token: string;
  pubsub_token: string;
  custom_attributes: JsonObject;
  message_signature: string | null;
  ui_settings: JsonObject;
  created_at: Date;
  updated_at: Date;
}

export interface AccountUserRecord {
  id: number;
  account_id: number;
  user_id: number;
  role: UserRole;
  inviter_id: number | null;
  created_at: Date;
  updated_at: Date;
  active_at: Date | null;
  availability: Availability;
  auto_offline: boolean;
}

export interface InboxRecord {
  id: number;
  account_id: number;
  channel_id: number;
  name: string;
  /** Inbox-level columns (greeting_enabled, csat_survey_enabled, timezone, ...). */
  settings: JsonObject;
  /** Channel::WebWidget columns (website_url, widget_color, hmac_mandatory, ...). */
  channel: JsonObject;
  website_token: string;
  hmac_token: string;
  member_ids: Set<number>;
  created_at: Date;
  updated_at: Date;
}

export interface ContactRecord {
  id: number;
  account_id: number;
  name: string;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  blocked: boolean;
  avatar_url: string;
  additional_attributes: JsonObject;
  custom_attributes: JsonObject;
  last_activity_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface ContactInboxRecord {
  id: number;
  contact_id: number;
  inbox_id: number;
  source_id: string;
  hmac_verified: boolean;
  pubsub_token: string;
  created_at: Date;
  updated_at: Date;
}

export interface ConversationRecord {
  id: number;
  account_id: number;
  display_id: number;
  uuid: string;
  inbox_id: number;
  contact_id: number;
  contact_inbox_id: number;
  status: ConversationStatus;
  priority: ConversationPriority | null;
  assignee_id: number | null;
  /** Set when an agent bot is the assignee (then assignee_id is null): app/models/conversation.rb. */
  assignee_agent_bot_id: number | null;
  team_id: number | null;
  label_list: string[];
  custom_attributes: JsonObject;
  additional_attributes: JsonObject;
  snoozed_until: Date | null;
  waiting_since: Date | null;
  first_reply_created_at: Date | null;
  agent_last_seen_at: Date | null;
  assignee_last_seen_at: Date | null;
  contact_last_seen_at: Date | null;
  last_activity_at: Date;
  muted: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface MessageRecord {
  id: number;
  account_id: number;
  inbox_id: number;
  /** Global conversation id (the row id, not display_id), as in Chatwoot's messages table. */
  conversation_id: number;
  content: string | null;
  message_type: MessageType;
  content_type: string;
  content_attributes: JsonObject;
  private: boolean;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  source_id: string | null;
  sender_type: 'Contact' | 'User' | null;
  sender_id: number | null;
  additional_attributes: JsonObject;
  external_source_ids: JsonObject;
  created_at: Date;
  updated_at: Date;
}

/** An agent bot; `account_id` null is an installation-wide ("system") bot. */
export interface AgentBotRecord {
  id: number;
  account_id: number | null;
  name: string;
  description: string | null;
  outgoing_url: string | null;
  avatar_url: string;
  created_at: Date;
  updated_at: Date;
}

export interface WebhookRecord {
  id: number;
  account_id: number;
  inbox_id: number | null;
  name: string | null;
  url: string;
  subscriptions: string[];
  secret: string;
  created_at: Date;
  updated_at: Date;
}

export interface CustomAttributeDefinitionRecord {
  id: number;
  account_id: number;
  attribute_display_name: string;
  attribute_display_type: string;
  attribute_description: string | null;
  attribute_key: string;
  attribute_model: string;
  attribute_values: unknown[];
  regex_pattern: string | null;
  regex_cue: string | null;
  default_value: unknown;
  created_at: Date;
  updated_at: Date;
}

export interface DashboardAppRecord {
  id: number;
  account_id: number;
  user_id: number | null;
  title: string;
  content: JsonObject[];
  created_at: Date;
  updated_at: Date;
}

export interface TeamRecord {
  id: number;
  account_id: number;
  name: string;
  description: string | null;
  allow_auto_assign: boolean;
  member_ids: Set<number>;
  created_at: Date;
  updated_at: Date;
}

export interface LabelRecord {
  id: number;
  account_id: number;
  title: string;
  description: string | null;
  color: string;
  show_on_sidebar: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface CsatResponseRecord {
  id: number;
  account_id: number;
  conversation_id: number;
  message_id: number;
  contact_id: number;
  assigned_agent_id: number | null;
  rating: number;
  feedback_message: string | null;
  created_at: Date;
  updated_at: Date;
}

/** One `{column: {previous_value, current_value}}` entry, as BaseListener#extract_changed_attributes builds it. */
export type ChangedAttribute = Record<string, { previous_value: unknown; current_value: unknown }>;

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string | string[]>;
  body: unknown;
  token: string | undefined;
  /** Status answered; 0 while the request is still in flight (e.g. delayed by a fault). */
  status: number;
  at: number;
  /** The client's address as the socket sees it (rack-attack's `req.ip` without a proxy). */
  ip: string;
  accountId?: number;
}

export interface DeliveryRecord {
  accountId: number;
  url: string;
  event: string;
  deliveryId: string;
  status?: number;
  error?: string;
  /** True for deliveries triggered by state changes (as opposed to an explicit sendWebhook call). */
  automatic: boolean;
  at: number;
}
