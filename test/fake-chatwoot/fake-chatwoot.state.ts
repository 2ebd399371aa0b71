/**
 * In-memory Chatwoot: the records, the model validations and the side effects (webhook events)
 * of v4.15.1. Both the HTTP routes and tests drive it, so a test that simulates customer activity
 * through `state.addMessage(...)` sees the same webhooks as an API call would produce.
 */
import { HttpError, RecordInvalidError, RecordNotFoundError, invalid, type ValidationIssue } from './fake-chatwoot.errors';
import {
  buildContactPayload,
  buildConversationPayload,
  buildInboxPayload,
  buildMessagePayload,
  buildTypingPayload,
  buildWebwidgetTriggeredPayload,
  type WebwidgetEventInfo,
} from './fake-chatwoot.payloads';
import type {
  AccountRecord,
  AgentBotRecord,
  AccountStatus,
  AccountUserRecord,
  ChangedAttribute,
  ContactInboxRecord,
  ContactRecord,
  ConversationPriority,
  ConversationRecord,
  ConversationStatus,
  CsatResponseRecord,
  CustomAttributeDefinitionRecord,
  DashboardAppRecord,
  JsonObject,
  LabelRecord,
  MessageRecord,
  MessageType,
  TeamRecord,
  UserRecord,
  UserRole,
  WebhookRecord,
  InboxRecord,
} from './fake-chatwoot.types';
import {
  EMAIL_REGEXP,
  asObject,
  deepEqual,
  isBlank,
  isPlainObject,
  optionalString,
  secureToken,
  toBool,
  toJson,
  uuid,
} from './fake-chatwoot.util';

/**
 * Receives each event with the builder of its payload. Chatwoot dispatches events asynchronously
 * (app/dispatchers/async_dispatcher.rb → EventDispatcherJob) and its WebhookListener builds the
 * payload from the conversation as loaded when that job runs, so the sink calls `build` later;
 * `changed_attributes` are captured at commit and already bound into `build`.
 */
export type WebhookSink = (accountId: number, build: () => JsonObject) => void;

/** `silent: true` applies the change without firing webhooks (for seeding). */
export interface SilentOption {
  silent?: boolean;
}

export const LOCALES =
  'en ar nl fr de hi it ja ko pt ru zh es ml ca el pt_BR ro ta fa zh_TW vi da tr cs fi id sv hu no zh_CN pl sk uk th lv is he lt sr bg et'.split(
    ' ',
  );

/**
 * app/models/webhook.rb ALLOWED_WEBHOOK_EVENTS (v4.15.1), copied from Chatwoot, not from the
 * service: a wrong event name in the service's list must meet a 422 here, as it would there.
 */
export const ALLOWED_WEBHOOK_EVENTS: string[] = [
  'conversation_status_changed',
  'conversation_updated',
  'conversation_created',
  'contact_created',
  'contact_updated',
  'message_created',
  'message_updated',
  'webwidget_triggered',
  'inbox_created',
  'inbox_updated',
  'conversation_typing_on',
  'conversation_typing_off',
];
/** DB default of webhooks.subscriptions when the key is omitted: the first eight events. */
const DEFAULT_WEBHOOK_SUBSCRIPTIONS = ALLOWED_WEBHOOK_EVENTS.slice(0, 8);

const DEFAULT_FEATURES =
  'agent_bots agent_management auto_resolve_conversations automations campaigns canned_responses channel_email channel_website crm custom_attributes help_center inbound_emails integrations labels macros reports team_management voice_recorder'.split(
    ' ',
  );

const LIMIT_KEYS = ['inboxes', 'agents', 'captain_responses', 'captain_documents', 'emails'];
const STANDARD_CONTACT_KEYS =
  'name email phone_number identifier country_code city company_name created_at last_activity_at referer blocked'.split(' ');
export const DISPLAY_TYPES = ['text', 'number', 'currency', 'percent', 'link', 'date', 'list', 'checkbox'];
export const ATTRIBUTE_MODELS = ['conversation_attribute', 'contact_attribute', 'company_attribute'];
export const PHONE_REGEXP = /^\+[1-9]\d{1,14}$/;

/** Conversation#list_of_keys: a change to any of these fires `conversation_updated`. */
const CONVERSATION_UPDATE_KEYS =
  'team_id assignee_id assignee_agent_bot_id status snoozed_until custom_attributes label_list waiting_since first_reply_created_at priority'.split(
    ' ',
  );

const INBOX_SETTING_DEFAULTS: JsonObject = {
  avatar_url: '',
  greeting_enabled: false,
  greeting_message: null,
  enable_email_collect: true,
  csat_survey_enabled: false,
  csat_config: {},
  enable_auto_assignment: true,
  auto_assignment_config: {},
  working_hours_enabled: false,
  out_of_office_message: null,
  timezone: 'UTC',
  allow_messages_after_resolved: true,
  lock_to_single_conversation: false,
  sender_name_type: 'friendly',
  business_name: null,
  portal_id: null,
};

const WEB_WIDGET_DEFAULTS: JsonObject = {
  website_url: null,
  widget_color: '#1f93ff',
  welcome_title: null,
  welcome_tagline: null,
  reply_time: 'in_a_few_minutes',
  pre_chat_form_enabled: false,
  pre_chat_form_options: {
    pre_chat_message: 'Share your queries or comments here.',
    pre_chat_fields: [],
  },
  continuity_via_email: true,
  hmac_mandatory: false,
  allowed_domains: '',
  selected_feature_flags: ['attachments', 'emoji_picker', 'end_conversation'],
};

export interface AccountInput {
  name?: unknown;
  locale?: unknown;
  domain?: unknown;
  support_email?: unknown;
  status?: unknown;
  limits?: unknown;
  custom_attributes?: unknown;
  features?: unknown;
}

export interface UserInput {
  name?: unknown;
  display_name?: unknown;
  email?: unknown;
  password?: unknown;
  custom_attributes?: unknown;
}

export interface CreateConversationInput {
  contactId: number;
  inboxId: number;
  sourceId?: string;
  status?: ConversationStatus;
  assigneeId?: number | null;
  teamId?: number | null;
  customAttributes?: JsonObject;
  additionalAttributes?: JsonObject;
  snoozedUntil?: Date | null;
  labels?: string[];
}

export interface AddMessageInput {
  content?: string | null;
  /** incoming = from the contact, outgoing = from an agent (default), template = bot/CSAT prompt. */
  messageType?: MessageType;
  private?: boolean;
  contentType?: string;
  contentAttributes?: JsonObject;
  /** Agent user for outgoing messages; null/undefined means a system/bot message with no sender. */
  senderUserId?: number | null;
  sourceId?: string | null;
  /** e.g. `{campaign_id}` for a campaign message (Messages::MessageBuilder#campaign_id). */
  additionalAttributes?: JsonObject;
}

export interface CreateAgentInput {
  name: string;
  email: string;
  role?: UserRole;
  password?: string;
  /** Inboxes the agent is a member of; agents only see conversations of those inboxes. */
  inboxIds?: number[];
}

type ContactInput = Record<string, unknown>;

export class FakeChatwootState {
  readonly accounts = new Map<number, AccountRecord>();
  readonly users = new Map<number, UserRecord>();
  readonly accountUsers = new Map<number, AccountUserRecord>();
  readonly inboxes = new Map<number, InboxRecord>();
  readonly contacts = new Map<number, ContactRecord>();
  readonly contactInboxes = new Map<number, ContactInboxRecord>();
  /** Keyed by the global conversation id; the API addresses them by (account_id, display_id). */
  readonly conversations = new Map<number, ConversationRecord>();
  readonly messages = new Map<number, MessageRecord>();
  readonly webhooks = new Map<number, WebhookRecord>();
  readonly customAttributeDefinitions = new Map<number, CustomAttributeDefinitionRecord>();
  readonly dashboardApps = new Map<number, DashboardAppRecord>();
  readonly teams = new Map<number, TeamRecord>();
  readonly agentBots = new Map<number, AgentBotRecord>();
  readonly labels = new Map<number, LabelRecord>();
  readonly csatResponses = new Map<number, CsatResponseRecord>();
  /** Platform-app permissibles, as "Account:1" / "User:7" keys. */
  readonly platformPermissibles = new Set<string>();

  /** Wall clock used for every timestamp; replace it to travel in time. */
  now: () => number = Date.now;
  /** Receives every webhook event (set by the server); events are dropped while unset. */
  sink: WebhookSink | undefined;

  private readonly sequences = new Map<string, number>();
  private readonly displayIds = new Map<number, number>();
  private lastTick = 0;
  private silenceDepth = 0;

  // ---------------------------------------------------------------------------------------------
  // infrastructure

  nextId(table: string): number {
    const next = (this.sequences.get(table) ?? 0) + 1;
    this.sequences.set(table, next);
    return next;
  }

  /**
   * Strictly increasing timestamps: Rails stores microseconds, so two saves never share an
   * `updated_at`; with millisecond clocks we fake that by bumping by 1 ms when needed.
   */
  tick(): Date {
    const value = Math.max(this.now(), this.lastTick + 1);
    this.lastTick = value;
    return new Date(value);
  }

  /** Runs `fn` with webhook events suppressed (seeding). */
  silently<T>(fn: () => T): T {
    this.silenceDepth += 1;
    try {
      return fn();
    } finally {
      this.silenceDepth -= 1;
    }
  }

  private quiet<T>(opts: SilentOption | undefined, fn: () => T): T {
    return opts?.silent ? this.silently(fn) : fn();
  }

  private emit(accountId: number, build: () => JsonObject): void {
    if (this.silenceDepth > 0 || !this.sink) return;
    this.sink(accountId, build);
  }

  /** Compares two snapshots of a record and lists changed columns the way Rails' previous_changes does. */
  private diff<T extends object>(before: T, after: T): ChangedAttribute[] {
    const changes: ChangedAttribute[] = [];
    for (const key of Object.keys(after) as (keyof T & string)[]) {
      const previous = before[key];
      const current = after[key];
      if (previous instanceof Set || current instanceof Set) continue;
      if (!deepEqual(previous, current)) {
        changes.push({ [key]: { previous_value: toJson(previous ?? null), current_value: toJson(current ?? null) } });
      }
    }
    return changes;
  }

  private snapshot<T extends object>(record: T): T {
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      copy[key] = value instanceof Set ? value : value instanceof Date ? value : structuredClone(value);
    }
    return copy as T;
  }

  // ---------------------------------------------------------------------------------------------
  // lookups (throw RecordNotFoundError → 404)

  getAccount(id: number): AccountRecord {
    const account = this.accounts.get(id);
    if (!account) throw new RecordNotFoundError(`Account with 'id'=${id}`);
    return account;
  }

  getUser(id: number): UserRecord {
    const user = this.users.get(id);
    if (!user) throw new RecordNotFoundError(`User with 'id'=${id}`);
    return user;
  }

  getInbox(accountId: number, id: number): InboxRecord {
    const inbox = this.inboxes.get(id);
    if (!inbox || inbox.account_id !== accountId) throw new RecordNotFoundError(`Inbox with 'id'=${id}`);
    return inbox;
  }

  getContact(accountId: number, id: number): ContactRecord {
    const contact = this.contacts.get(id);
    if (!contact || contact.account_id !== accountId) throw new RecordNotFoundError(`Contact with 'id'=${id}`);
    return contact;
  }

  getConversation(accountId: number, displayId: number): ConversationRecord {
    for (const conversation of this.conversations.values()) {
      if (conversation.account_id === accountId && conversation.display_id === displayId) return conversation;
    }
    throw new RecordNotFoundError(`Conversation with display_id=${displayId}`);
  }

  getMessage(accountId: number, displayId: number, messageId: number): MessageRecord {
    const conversation = this.getConversation(accountId, displayId);
    const message = this.messages.get(messageId);
    if (!message || message.conversation_id !== conversation.id) throw new RecordNotFoundError(`Message with 'id'=${messageId}`);
    return message;
  }

  private getOwned<T extends { account_id: number }>(map: Map<number, T>, accountId: number, id: number, what: string): T {
    const record = map.get(id);
    if (!record || record.account_id !== accountId) throw new RecordNotFoundError(`${what} with 'id'=${id}`);
    return record;
  }

  getWebhook(accountId: number, id: number): WebhookRecord {
    return this.getOwned(this.webhooks, accountId, id, 'Webhook');
  }

  getTeam(accountId: number, id: number): TeamRecord {
    return this.getOwned(this.teams, accountId, id, 'Team');
  }

  getDashboardApp(accountId: number, id: number): DashboardAppRecord {
    return this.getOwned(this.dashboardApps, accountId, id, 'DashboardApp');
  }

  getCustomAttributeDefinition(accountId: number, id: number): CustomAttributeDefinitionRecord {
    return this.getOwned(this.customAttributeDefinitions, accountId, id, 'CustomAttributeDefinition');
  }

  findUserByToken(token: string): UserRecord | undefined {
    for (const user of this.users.values()) if (user.access_token === token) return user;
    return undefined;
  }

  findUserByEmail(email: string): UserRecord | undefined {
    const wanted = email.trim().toLowerCase();
    for (const user of this.users.values()) if (user.email === wanted) return user;
    return undefined;
  }

  accountUser(accountId: number, userId: number): AccountUserRecord | undefined {
    for (const row of this.accountUsers.values()) if (row.account_id === accountId && row.user_id === userId) return row;
    return undefined;
  }

  accountUsersOf(accountId: number): AccountUserRecord[] {
    return [...this.accountUsers.values()].filter((row) => row.account_id === accountId);
  }

  accountsOfUser(userId: number): AccountUserRecord[] {
    return [...this.accountUsers.values()].filter((row) => row.user_id === userId);
  }

  contactsOf(accountId: number): ContactRecord[] {
    return [...this.contacts.values()].filter((contact) => contact.account_id === accountId);
  }

  conversationsOf(accountId: number): ConversationRecord[] {
    return [...this.conversations.values()].filter((conversation) => conversation.account_id === accountId);
  }

  messagesOf(conversation: ConversationRecord): MessageRecord[] {
    return [...this.messages.values()]
      .filter((message) => message.conversation_id === conversation.id)
      .sort((a, b) => a.id - b.id);
  }

  /** `conversation.messages.chat.last`: last non-activity, non-private message. */
  lastChatMessage(conversation: ConversationRecord): MessageRecord | undefined {
    return this.messagesOf(conversation)
      .filter((message) => message.message_type !== 'activity' && !message.private)
      .at(-1);
  }

  unreadCount(conversation: ConversationRecord): number {
    const seen = conversation.agent_last_seen_at?.getTime() ?? 0;
    return this.messagesOf(conversation).filter((m) => m.message_type === 'incoming' && m.created_at.getTime() > seen).length;
  }

  isPlatformPermissible(type: 'Account' | 'User', id: number): boolean {
    return this.platformPermissibles.has(`${type}:${id}`);
  }

  // ---------------------------------------------------------------------------------------------
  // accounts

  createAccount(input: AccountInput, opts: { platformOwned?: boolean } = {}): AccountRecord {
    const at = this.tick();
    const account: AccountRecord = {
      id: 0,
      name: '',
      locale: 'en',
      domain: null,
      support_email: null,
      features: Object.fromEntries(DEFAULT_FEATURES.map((name) => [name, true])),
      custom_attributes: {},
      limits: {},
      status: 'active',
      created_at: at,
      updated_at: at,
    };
    this.assignAccountAttributes(account, input, true);
    account.id = this.nextId('accounts');
    this.accounts.set(account.id, account);
    if (opts.platformOwned ?? true) this.platformPermissibles.add(`Account:${account.id}`);
    return account;
  }

  updateAccount(id: number, input: AccountInput): AccountRecord {
    const account = this.getAccount(id);
    const candidate = this.snapshot(account);
    this.assignAccountAttributes(candidate, input, false);
    if (!deepEqual(candidate, account)) candidate.updated_at = this.tick();
    Object.assign(account, candidate);
    return account;
  }

  private assignAccountAttributes(account: AccountRecord, input: AccountInput, isNew: boolean): void {
    // Rails enums raise ArgumentError (→ 500) on unknown values instead of a validation error.
    if (input.locale !== undefined && input.locale !== null) {
      if (typeof input.locale !== 'string' || !LOCALES.includes(input.locale)) throw internalServerError();
      account.locale = input.locale;
    }
    if (input.status !== undefined && input.status !== null) {
      if (input.status !== 'active' && input.status !== 'suspended') throw internalServerError();
      account.status = input.status as AccountStatus;
    }
    if (input.name !== undefined) account.name = optionalString(input.name) ?? '';
    const supportEmailBefore = account.support_email;
    if (input.domain !== undefined) account.domain = optionalString(input.domain);
    if (input.support_email !== undefined) account.support_email = optionalString(input.support_email);
    if (input.custom_attributes !== undefined) account.custom_attributes = asObject(input.custom_attributes);
    if (input.limits !== undefined) account.limits = asObject(input.limits);
    if (isPlainObject(input.features)) {
      const features = { ...account.features };
      for (const [name, value] of Object.entries(input.features)) {
        // update_resource_features uses `value.present?`: the string "false" enables.
        if (isBlank(value)) delete features[name];
        else features[name] = true;
      }
      account.features = features;
    }

    const issues: ValidationIssue[] = [];
    if (isBlank(account.name)) issues.push({ attribute: 'name', message: "Name can't be blank" });
    if (account.domain && account.domain.length > 100) {
      issues.push({ attribute: 'domain', message: 'Domain is too long (maximum is 100 characters)' });
    }
    const supportEmailChanged = isNew ? account.support_email !== null : account.support_email !== supportEmailBefore;
    if (supportEmailChanged && account.support_email && !EMAIL_REGEXP.test(account.support_email)) {
      issues.push({ attribute: 'support_email', message: 'Support email is invalid' });
    }
    const badLimit = Object.entries(account.limits).some(
      ([key, value]) => !LIMIT_KEYS.includes(key) || (typeof value !== 'number' && typeof value !== 'string'),
    );
    if (badLimit) issues.push({ attribute: 'limits', message: 'Limits : Invalid data' });
    if (issues.length > 0) throw new RecordInvalidError(issues);
  }

  /** Removes the account and everything it owns (DeleteObjectJob). */
  deleteAccount(id: number): void {
    this.accounts.delete(id);
    this.platformPermissibles.delete(`Account:${id}`);
    const owned: Map<number, { account_id: number }>[] = [
      this.accountUsers,
      this.inboxes,
      this.contacts,
      this.conversations,
      this.messages,
      this.webhooks,
      this.customAttributeDefinitions,
      this.dashboardApps,
      this.teams,
      this.labels,
      this.csatResponses,
    ];
    for (const map of owned) for (const [key, row] of map) if (row.account_id === id) map.delete(key);
    for (const [key, row] of this.contactInboxes) if (!this.contacts.has(row.contact_id)) this.contactInboxes.delete(key);
    this.displayIds.delete(id);
  }

  // ---------------------------------------------------------------------------------------------
  // users

  /** Platform `POST /users`: existing email → that user unchanged (`created: false`). */
  findOrCreateUser(input: UserInput): { user: UserRecord; created: boolean } {
    const email = optionalString(input.email);
    const existing = email ? this.findUserByEmail(email) : undefined;
    if (existing) return { user: existing, created: false };
    return { user: this.createUser(input), created: true };
  }

  createUser(input: UserInput): UserRecord {
    const at = this.tick();
    const user: UserRecord = {
      id: 0,
      name: optionalString(input.name) ?? '',
      display_name: optionalString(input.display_name),
      email: (optionalString(input.email) ?? '').trim().toLowerCase(),
      password: optionalString(input.password),
      access_token: secureToken(),
      pubsub_token: secureToken(),
      custom_attributes: asObject(input.custom_attributes),
      message_signature: null,
      ui_settings: {},
      created_at: at,
      updated_at: at,
    };
    this.validateUser(user, true);
    user.id = this.nextId('users');
    this.users.set(user.id, user);
    return user;
  }

  updateUser(id: number, input: UserInput): UserRecord {
    const user = this.getUser(id);
    const candidate = this.snapshot(user);
    if (input.name !== undefined) candidate.name = optionalString(input.name) ?? '';
    if (input.display_name !== undefined) candidate.display_name = optionalString(input.display_name);
    if (input.email !== undefined) candidate.email = (optionalString(input.email) ?? '').trim().toLowerCase();
    if (input.custom_attributes !== undefined) {
      candidate.custom_attributes = { ...candidate.custom_attributes, ...asObject(input.custom_attributes) };
    }
    const passwordGiven = input.password !== undefined && input.password !== null && input.password !== '';
    if (passwordGiven) candidate.password = optionalString(input.password);
    this.validateUser(candidate, passwordGiven, user.id);
    if (!deepEqual(candidate, user)) candidate.updated_at = this.tick();
    Object.assign(user, candidate);
    return user;
  }

  private validateUser(user: UserRecord, checkPassword: boolean, selfId?: number): void {
    const issues: ValidationIssue[] = [];
    if (isBlank(user.name)) issues.push({ attribute: 'name', message: "Name can't be blank" });
    if (isBlank(user.email)) issues.push({ attribute: 'email', message: "Email can't be blank" });
    else if (!EMAIL_REGEXP.test(user.email)) issues.push({ attribute: 'email', message: 'Email is invalid' });
    else {
      const other = this.findUserByEmail(user.email);
      if (other && other.id !== selfId) issues.push({ attribute: 'email', message: 'Email has already been taken' });
    }
    if (checkPassword) {
      const password = user.password ?? '';
      if (password === '') issues.push({ attribute: 'password', message: "Password can't be blank" });
      else if (password.length < 6)
        issues.push({ attribute: 'password', message: 'Password is too short (minimum is 6 characters)' });
      else if (password.length > 128)
        issues.push({ attribute: 'password', message: 'Password is too long (maximum is 128 characters)' });
      if (
        password !== '' &&
        !(/[A-Z]/.test(password) && /[a-z]/.test(password) && /\d/.test(password) && /[^A-Za-z0-9]/.test(password))
      ) {
        issues.push({
          attribute: 'password',
          message: 'Password must contain at least 1 uppercase letter, 1 lowercase letter, 1 number and 1 special character',
        });
      }
    }
    if (issues.length > 0) throw new RecordInvalidError(issues);
  }

  deleteUser(id: number): void {
    this.getUser(id);
    this.users.delete(id);
    this.platformPermissibles.delete(`User:${id}`);
    for (const [key, row] of this.accountUsers) if (row.user_id === id) this.accountUsers.delete(key);
    for (const conversation of this.conversations.values()) if (conversation.assignee_id === id) conversation.assignee_id = null;
    for (const team of this.teams.values()) team.member_ids.delete(id);
    for (const inbox of this.inboxes.values()) inbox.member_ids.delete(id);
  }

  /** `access_token.regenerate_token`: the old token stops working at once. */
  resetAccessToken(userId: number): UserRecord {
    const user = this.getUser(userId);
    user.access_token = secureToken();
    return user;
  }

  /** Platform `POST /accounts/:id/account_users`: find_or_initialize_by(user_id) then update. */
  upsertAccountUser(
    accountId: number,
    userId: number,
    role: UserRole = 'agent',
    inviterId: number | null = null,
  ): AccountUserRecord {
    this.getAccount(accountId);
    this.getUser(userId);
    const existing = this.accountUser(accountId, userId);
    if (existing) {
      if (existing.role !== role) {
        existing.role = role;
        existing.updated_at = this.tick();
      }
      return existing;
    }
    const at = this.tick();
    const row: AccountUserRecord = {
      id: this.nextId('account_users'),
      account_id: accountId,
      user_id: userId,
      role,
      inviter_id: inviterId,
      created_at: at,
      updated_at: at,
      active_at: null,
      availability: 'online',
      auto_offline: true,
    };
    this.accountUsers.set(row.id, row);
    return row;
  }

  removeAccountUser(accountId: number, userId: number): void {
    const row = this.accountUser(accountId, userId);
    if (row) this.accountUsers.delete(row.id);
  }

  /** Test helper: a confirmed user with a token, linked to the account (like agents#create + a known password). */
  createAgent(accountId: number, input: CreateAgentInput): UserRecord {
    const { user } = this.findOrCreateUser({ name: input.name, email: input.email, password: input.password ?? 'Password1!' });
    this.upsertAccountUser(accountId, user.id, input.role ?? 'agent');
    for (const inboxId of input.inboxIds ?? []) this.getInbox(accountId, inboxId).member_ids.add(user.id);
    return user;
  }

  isAdministrator(accountId: number, userId: number): boolean {
    return this.accountUser(accountId, userId)?.role === 'administrator';
  }

  // ---------------------------------------------------------------------------------------------
  // inboxes (web widget only)

  createInbox(accountId: number, input: JsonObject, opts?: SilentOption): InboxRecord {
    return this.quiet(opts, () => {
      this.getAccount(accountId);
      const channelInput = asObject(input.channel);
      if (channelInput.type !== undefined && channelInput.type !== 'web_widget') {
        throw new HttpError(422, { error: `Channel type ${String(channelInput.type)} is not supported by the fake` });
      }
      const at = this.tick();
      const inbox: InboxRecord = {
        id: 0,
        account_id: accountId,
        channel_id: 0,
        name: optionalString(input.name) ?? '',
        settings: { ...structuredClone(INBOX_SETTING_DEFAULTS), ...pick(input, Object.keys(INBOX_SETTING_DEFAULTS)) },
        channel: { ...structuredClone(WEB_WIDGET_DEFAULTS), ...pick(channelInput, Object.keys(WEB_WIDGET_DEFAULTS)) },
        website_token: secureToken(),
        hmac_token: secureToken(),
        member_ids: new Set<number>(),
        created_at: at,
        updated_at: at,
      };
      this.validateInbox(inbox);
      inbox.id = this.nextId('inboxes');
      inbox.channel_id = this.nextId('channel_web_widgets');
      this.inboxes.set(inbox.id, inbox);
      this.emit(accountId, () => buildInboxPayload(this, accountId, inbox.id, 'inbox_created'));
      return inbox;
    });
  }

  updateInbox(accountId: number, inboxId: number, input: JsonObject, opts?: SilentOption): InboxRecord {
    return this.quiet(opts, () => {
      const inbox = this.getInbox(accountId, inboxId);
      const before = this.snapshot(inbox);
      const candidate = this.snapshot(inbox);
      if (input.name !== undefined) candidate.name = optionalString(input.name) ?? '';
      candidate.settings = { ...candidate.settings, ...pick(input, Object.keys(INBOX_SETTING_DEFAULTS)) };
      candidate.channel = { ...candidate.channel, ...pick(asObject(input.channel), Object.keys(WEB_WIDGET_DEFAULTS)) };
      this.validateInbox(candidate);
      if (deepEqual(candidate, before)) return inbox;
      candidate.updated_at = this.tick();
      Object.assign(inbox, candidate);
      const changes = this.diff(
        { name: before.name, ...before.settings, updated_at: before.updated_at },
        { name: inbox.name, ...inbox.settings, updated_at: inbox.updated_at },
      );
      this.emit(accountId, () => buildInboxPayload(this, accountId, inbox.id, 'inbox_updated', changes));
      return inbox;
    });
  }

  private validateInbox(inbox: InboxRecord): void {
    const issues: ValidationIssue[] = [];
    if (isBlank(inbox.name)) issues.push({ attribute: 'name', message: "Name can't be blank" });
    if (isBlank(inbox.channel.website_url)) issues.push({ attribute: 'website_url', message: "Website url can't be blank" });
    if (isBlank(inbox.channel.widget_color)) issues.push({ attribute: 'widget_color', message: "Widget color can't be blank" });
    if (issues.length > 0) throw new RecordInvalidError(issues);
  }

  deleteInbox(accountId: number, inboxId: number): void {
    this.getInbox(accountId, inboxId);
    this.inboxes.delete(inboxId);
    for (const [id, conversation] of this.conversations) if (conversation.inbox_id === inboxId) this.destroyConversation(id);
    for (const [id, row] of this.contactInboxes) if (row.inbox_id === inboxId) this.contactInboxes.delete(id);
  }

  private destroyConversation(id: number): void {
    this.conversations.delete(id);
    for (const [messageId, message] of this.messages) if (message.conversation_id === id) this.messages.delete(messageId);
  }

  // ---------------------------------------------------------------------------------------------
  // contacts

  createContact(accountId: number, input: ContactInput, opts?: SilentOption): ContactRecord {
    return this.quiet(opts, () => {
      this.getAccount(accountId);
      const at = this.tick();
      const contact: ContactRecord = {
        id: 0,
        account_id: accountId,
        name: '',
        email: null,
        phone_number: null,
        identifier: null,
        blocked: false,
        avatar_url: '',
        additional_attributes: {},
        custom_attributes: {},
        last_activity_at: null,
        created_at: at,
        updated_at: at,
      };
      this.assignContactAttributes(contact, input);
      this.validateContact(contact);
      contact.id = this.nextId('contacts');
      this.contacts.set(contact.id, contact);
      this.emit(accountId, () => buildContactPayload(this, accountId, contact.id, 'contact_created'));
      return contact;
    });
  }

  /** PUT/PATCH semantics: scalar fields overwrite, custom/additional attributes merge. */
  updateContact(accountId: number, contactId: number, input: ContactInput, opts?: SilentOption): ContactRecord {
    const contact = this.getContact(accountId, contactId);
    const candidate = this.snapshot(contact);
    this.assignContactAttributes(candidate, input);
    return this.saveContact(contact, candidate, opts);
  }

  /** Validates, persists and fires `contact_updated` with Rails-style changed_attributes if anything changed. */
  private saveContact(contact: ContactRecord, candidate: ContactRecord, opts?: SilentOption): ContactRecord {
    return this.quiet(opts, () => {
      this.validateContact(candidate);
      if (deepEqual(candidate, contact)) return contact;
      candidate.updated_at = this.tick();
      const changes = this.diff(contact, candidate);
      Object.assign(contact, candidate);
      this.emit(contact.account_id, () => buildContactPayload(this, contact.account_id, contact.id, 'contact_updated', changes));
      return contact;
    });
  }

  private assignContactAttributes(contact: ContactRecord, input: ContactInput): void {
    if (input.name !== undefined) contact.name = optionalString(input.name) ?? '';
    // Chatwoot stores email lower-cased and blank values as NULL.
    if (input.email !== undefined) contact.email = blankToNull(optionalString(input.email))?.toLowerCase() ?? null;
    if (input.phone_number !== undefined) contact.phone_number = blankToNull(optionalString(input.phone_number));
    if (input.identifier !== undefined) contact.identifier = blankToNull(optionalString(input.identifier));
    if (input.blocked !== undefined) contact.blocked = toBool(input.blocked, false);
    if (input.avatar_url !== undefined) contact.avatar_url = optionalString(input.avatar_url) ?? '';
    if (input.additional_attributes !== undefined) {
      contact.additional_attributes = { ...contact.additional_attributes, ...asObject(input.additional_attributes) };
    }
    if (input.custom_attributes !== undefined) {
      contact.custom_attributes = { ...contact.custom_attributes, ...asObject(input.custom_attributes) };
    }
    if (input.last_activity_at instanceof Date) contact.last_activity_at = input.last_activity_at;
  }

  private validateContact(contact: ContactRecord): void {
    const issues: ValidationIssue[] = [];
    const others = this.contactsOf(contact.account_id).filter((other) => other.id !== contact.id);
    if (contact.email !== null) {
      if (!EMAIL_REGEXP.test(contact.email)) issues.push({ attribute: 'email', message: 'Email Invalid email' });
      else if (others.some((other) => other.email?.toLowerCase() === contact.email?.toLowerCase())) {
        issues.push({ attribute: 'email', message: 'Email has already been taken' });
      }
    }
    if (contact.identifier !== null && others.some((other) => other.identifier === contact.identifier)) {
      issues.push({ attribute: 'identifier', message: 'Identifier has already been taken' });
    }
    if (contact.phone_number !== null) {
      if (!PHONE_REGEXP.test(contact.phone_number)) {
        issues.push({ attribute: 'phone_number', message: 'Phone number should be in e164 format' });
      } else if (others.some((other) => other.phone_number === contact.phone_number)) {
        issues.push({ attribute: 'phone_number', message: 'Phone number has already been taken' });
      }
    }
    if (issues.length > 0) throw new RecordInvalidError(issues);
  }

  /** Contact deletion: conversations go with it; Chatwoot sends no webhook for `contact.deleted`. */
  deleteContact(accountId: number, contactId: number): void {
    this.getContact(accountId, contactId);
    this.contacts.delete(contactId);
    for (const [id, conversation] of this.conversations) if (conversation.contact_id === contactId) this.destroyConversation(id);
    for (const [id, row] of this.contactInboxes) if (row.contact_id === contactId) this.contactInboxes.delete(id);
  }

  destroyContactCustomAttributes(accountId: number, contactId: number, keys: string[], opts?: SilentOption): ContactRecord {
    const contact = this.getContact(accountId, contactId);
    const candidate = this.snapshot(contact);
    candidate.custom_attributes = Object.fromEntries(
      Object.entries(candidate.custom_attributes).filter(([key]) => !keys.includes(key)),
    );
    return this.saveContact(contact, candidate, opts);
  }

  /** ContactMergeAction: move everything to base, base's non-blank values win, delete mergee. */
  mergeContacts(accountId: number, baseId: number, mergeeId: number, opts?: SilentOption): ContactRecord {
    const base = this.getContact(accountId, baseId);
    const mergee = this.getContact(accountId, mergeeId);
    // ContactMergeAction#perform: `return @base_contact if base_contact.id == mergee_contact.id`.
    if (base.id === mergee.id) return base;
    for (const conversation of this.conversations.values())
      if (conversation.contact_id === mergee.id) conversation.contact_id = base.id;
    for (const message of this.messages.values()) {
      if (message.sender_type === 'Contact' && message.sender_id === mergee.id) message.sender_id = base.id;
    }
    for (const row of this.contactInboxes.values()) if (row.contact_id === mergee.id) row.contact_id = base.id;

    const candidate = this.snapshot(base);
    if (isBlank(candidate.name) && !isBlank(mergee.name)) candidate.name = mergee.name;
    for (const key of ['email', 'phone_number', 'identifier'] as const) {
      if (isBlank(candidate[key]) && !isBlank(mergee[key])) candidate[key] = mergee[key];
    }
    candidate.additional_attributes = mergeNonBlank(mergee.additional_attributes, base.additional_attributes);
    candidate.custom_attributes = mergeNonBlank(mergee.custom_attributes, base.custom_attributes);
    // The mergee goes first, otherwise moving its email/identifier to base would trip uniqueness.
    this.contacts.delete(mergee.id);
    return this.saveContact(base, candidate, opts);
  }

  findOrCreateContactInbox(contactId: number, inboxId: number, sourceId?: string): ContactInboxRecord {
    for (const row of this.contactInboxes.values()) {
      if (row.contact_id === contactId && row.inbox_id === inboxId && (sourceId === undefined || row.source_id === sourceId))
        return row;
    }
    const at = this.tick();
    const row: ContactInboxRecord = {
      id: this.nextId('contact_inboxes'),
      contact_id: contactId,
      inbox_id: inboxId,
      source_id: sourceId ?? uuid(),
      hmac_verified: false,
      pubsub_token: secureToken(),
      created_at: at,
      updated_at: at,
    };
    this.contactInboxes.set(row.id, row);
    return row;
  }

  /** Simulates the visitor opening the widget bubble (`webwidget_triggered`). */
  triggerWebwidget(
    accountId: number,
    input: { contactId: number; inboxId: number; eventInfo?: WebwidgetEventInfo },
  ): ContactInboxRecord {
    this.getContact(accountId, input.contactId);
    this.getInbox(accountId, input.inboxId);
    const contactInbox = this.findOrCreateContactInbox(input.contactId, input.inboxId);
    this.emit(accountId, () => buildWebwidgetTriggeredPayload(this, accountId, contactInbox.id, input.eventInfo));
    return contactInbox;
  }

  // ---------------------------------------------------------------------------------------------
  // conversations

  createConversation(accountId: number, input: CreateConversationInput, opts?: SilentOption): ConversationRecord {
    return this.quiet(opts, () => {
      this.getAccount(accountId);
      const contact = this.getContact(accountId, input.contactId);
      this.getInbox(accountId, input.inboxId);
      if (input.assigneeId != null) this.requireMember(accountId, input.assigneeId);
      if (input.teamId != null) this.getTeam(accountId, input.teamId);
      const contactInbox = this.findOrCreateContactInbox(contact.id, input.inboxId, input.sourceId);
      const displayId = (this.displayIds.get(accountId) ?? 0) + 1;
      this.displayIds.set(accountId, displayId);
      const at = this.tick();
      const status = input.status ?? 'open';
      const conversation: ConversationRecord = {
        id: this.nextId('conversations'),
        account_id: accountId,
        display_id: displayId,
        uuid: uuid(),
        inbox_id: input.inboxId,
        contact_id: contact.id,
        contact_inbox_id: contactInbox.id,
        status,
        priority: null,
        assignee_id: input.assigneeId ?? null,
        assignee_agent_bot_id: null,
        team_id: input.teamId ?? null,
        label_list: input.labels ? normaliseLabels(input.labels) : [],
        custom_attributes: input.customAttributes ?? {},
        additional_attributes: input.additionalAttributes ?? {},
        snoozed_until: status === 'snoozed' ? (input.snoozedUntil ?? null) : null,
        waiting_since: at,
        first_reply_created_at: null,
        agent_last_seen_at: null,
        assignee_last_seen_at: null,
        contact_last_seen_at: null,
        last_activity_at: at,
        muted: false,
        created_at: at,
        updated_at: at,
      };
      this.conversations.set(conversation.id, conversation);
      this.emit(accountId, () => buildConversationPayload(this, accountId, displayId, 'conversation_created'));
      return conversation;
    });
  }

  /**
   * The single write path for conversations, so every mutation produces Chatwoot's events:
   * `conversation_status_changed` (changed_attributes null, see API-NOTES §5.1) when status moved,
   * then `conversation_updated` with every changed column when a key of list_of_keys moved.
   */
  updateConversation(
    accountId: number,
    displayId: number,
    patch: Partial<Omit<ConversationRecord, 'id' | 'account_id' | 'display_id' | 'uuid' | 'created_at' | 'updated_at'>>,
    opts?: SilentOption,
  ): ConversationRecord {
    return this.quiet(opts, () => {
      const conversation = this.getConversation(accountId, displayId);
      const candidate = { ...this.snapshot(conversation), ...patch };
      if (candidate.status !== 'snoozed') candidate.snoozed_until = null;
      if (deepEqual(candidate, conversation)) return conversation;
      candidate.updated_at = this.tick();
      const changes = this.diff(conversation, candidate);
      const before = this.snapshot(conversation);
      Object.assign(conversation, candidate);

      if (before.status !== conversation.status) {
        this.emit(accountId, () => buildConversationPayload(this, accountId, displayId, 'conversation_status_changed', null));
      }
      const changedKeys = changes.flatMap((change) => Object.keys(change));
      const languageChanged =
        before.additional_attributes.conversation_language !== conversation.additional_attributes.conversation_language;
      if (changedKeys.some((key) => CONVERSATION_UPDATE_KEYS.includes(key)) || languageChanged) {
        this.emit(accountId, () => buildConversationPayload(this, accountId, displayId, 'conversation_updated', changes));
      }
      if (before.status !== 'resolved' && conversation.status === 'resolved') this.maybeSendCsatSurvey(conversation);
      return conversation;
    });
  }

  setStatus(
    accountId: number,
    displayId: number,
    status: ConversationStatus,
    opts: SilentOption & { snoozedUntil?: Date | null } = {},
  ): ConversationRecord {
    const patch: Partial<ConversationRecord> = { status };
    if (status === 'snoozed') patch.snoozed_until = opts.snoozedUntil ?? null;
    return this.updateConversation(accountId, displayId, patch, opts);
  }

  setPriority(
    accountId: number,
    displayId: number,
    priority: ConversationPriority | null,
    opts?: SilentOption,
  ): ConversationRecord {
    return this.updateConversation(accountId, displayId, { priority }, opts);
  }

  /**
   * Assign an agent (`assigneeId`, null unassigns), an agent bot (`agentBotId`) and/or a team.
   * Conversations::AssignmentService: a bot clears assignee_id and an agent clears the bot.
   */
  assign(
    accountId: number,
    displayId: number,
    target: { assigneeId?: number | null; agentBotId?: number; teamId?: number | null },
    opts?: SilentOption,
  ): ConversationRecord {
    const patch: Partial<ConversationRecord> = {};
    if (target.agentBotId !== undefined) {
      const bot = this.agentBots.get(target.agentBotId);
      if (!bot || (bot.account_id !== null && bot.account_id !== accountId)) {
        throw new RecordNotFoundError(`AgentBot with 'id'=${target.agentBotId}`);
      }
      patch.assignee_id = null;
      patch.assignee_agent_bot_id = bot.id;
    } else if (target.assigneeId !== undefined) {
      if (target.assigneeId !== null) this.requireMember(accountId, target.assigneeId);
      patch.assignee_id = target.assigneeId;
      patch.assignee_agent_bot_id = null;
    }
    if (target.teamId !== undefined) {
      if (target.teamId !== null) this.getTeam(accountId, target.teamId);
      patch.team_id = target.teamId;
    }
    return this.updateConversation(accountId, displayId, patch, opts);
  }

  /** An agent bot of the account (or, with accountId null, of the installation). */
  createAgentBot(accountId: number | null, input: { name: string; description?: string; outgoingUrl?: string }): AgentBotRecord {
    if (accountId !== null) this.getAccount(accountId);
    const at = this.tick();
    const bot: AgentBotRecord = {
      id: this.nextId('agent_bots'),
      account_id: accountId,
      name: input.name,
      description: input.description ?? null,
      outgoing_url: input.outgoingUrl ?? null,
      avatar_url: '',
      created_at: at,
      updated_at: at,
    };
    this.agentBots.set(bot.id, bot);
    return bot;
  }

  setLabels(accountId: number, displayId: number, labels: string[], opts?: SilentOption): ConversationRecord {
    return this.updateConversation(accountId, displayId, { label_list: normaliseLabels(labels) }, opts);
  }

  setConversationCustomAttributes(
    accountId: number,
    displayId: number,
    attributes: JsonObject,
    opts?: SilentOption,
  ): ConversationRecord {
    return this.updateConversation(accountId, displayId, { custom_attributes: attributes }, opts);
  }

  private requireMember(accountId: number, userId: number): UserRecord {
    const user = this.users.get(userId);
    if (!user || !this.accountUser(accountId, userId)) throw new RecordNotFoundError(`User with 'id'=${userId}`);
    return user;
  }

  /**
   * Creates a message with Chatwoot's side effects: `message_created` (except activity),
   * an incoming message reopens a resolved conversation, sets waiting_since and bumps the
   * contact's last_activity_at (→ the noisy `contact_updated`, API-NOTES §5.5); the first
   * human reply sets first_reply_created_at and clears waiting_since.
   */
  addMessage(accountId: number, displayId: number, input: AddMessageInput, opts?: SilentOption): MessageRecord {
    return this.quiet(opts, () => {
      const conversation = this.getConversation(accountId, displayId);
      const messageType = input.messageType ?? 'outgoing';
      const isPrivate = input.private ?? false;
      let senderType: MessageRecord['sender_type'] = null;
      let senderId: number | null = null;
      if (messageType === 'incoming') {
        senderType = 'Contact';
        senderId = conversation.contact_id;
      } else if (input.senderUserId != null) {
        this.requireMember(accountId, input.senderUserId);
        senderType = 'User';
        senderId = input.senderUserId;
      }
      const at = this.tick();
      const message: MessageRecord = {
        id: this.nextId('messages'),
        account_id: accountId,
        inbox_id: conversation.inbox_id,
        conversation_id: conversation.id,
        content: input.content ?? null,
        message_type: messageType,
        content_type: input.contentType ?? 'text',
        content_attributes: input.contentAttributes ?? {},
        private: isPrivate,
        status: 'sent',
        source_id: input.sourceId ?? null,
        sender_type: senderType,
        sender_id: senderId,
        additional_attributes: input.additionalAttributes ?? {},
        external_source_ids: {},
        created_at: at,
        updated_at: at,
      };
      this.messages.set(message.id, message);

      const patch: Partial<ConversationRecord> = {};
      if (messageType === 'incoming') {
        if (conversation.status === 'resolved' && !conversation.muted) patch.status = 'open';
        if (conversation.waiting_since === null) patch.waiting_since = at;
      } else if (this.validFirstReply(conversation, message)) {
        patch.first_reply_created_at = at;
        patch.waiting_since = null;
      } else if (messageType === 'outgoing' && !isPrivate && humanResponse(message)) {
        patch.waiting_since = null;
      }
      if (messageType !== 'activity') patch.last_activity_at = at;

      if (messageType !== 'activity') {
        this.emit(accountId, () => buildMessagePayload(this, accountId, message.id, 'message_created'));
      }
      this.updateConversation(accountId, displayId, patch);
      if (messageType === 'incoming') {
        const contact = this.getContact(accountId, conversation.contact_id);
        this.saveContact(contact, { ...this.snapshot(contact), last_activity_at: at });
      }
      return message;
    });
  }

  /** Message#valid_first_reply? (app/models/message.rb), evaluated after the message is saved. */
  private validFirstReply(conversation: ConversationRecord, message: MessageRecord): boolean {
    if (!humanResponse(message) || message.private || conversation.first_reply_created_at !== null) return false;
    // `where.not(sender_type: [bots])` in SQL also leaves out sender-less (automation) messages.
    const replies = this.messagesOf(conversation).filter(
      (m) =>
        m.message_type === 'outgoing' && m.sender_type !== null && !m.private && isBlank(m.additional_attributes.campaign_id),
    );
    return replies.length <= 1;
  }

  updateMessage(
    accountId: number,
    displayId: number,
    messageId: number,
    patch: { content?: string | null; contentAttributes?: JsonObject; status?: MessageRecord['status'] },
    opts?: SilentOption,
  ): MessageRecord {
    return this.quiet(opts, () => {
      const message = this.getMessage(accountId, displayId, messageId);
      const candidate = this.snapshot(message);
      if (patch.content !== undefined) candidate.content = patch.content;
      if (patch.contentAttributes !== undefined)
        candidate.content_attributes = { ...candidate.content_attributes, ...patch.contentAttributes };
      if (patch.status !== undefined) candidate.status = patch.status;
      if (deepEqual(candidate, message)) return message;
      candidate.updated_at = this.tick();
      Object.assign(message, candidate);
      this.emit(accountId, () => buildMessagePayload(this, accountId, message.id, 'message_updated'));
      return message;
    });
  }

  private csatMessage(conversation: ConversationRecord): MessageRecord | undefined {
    return this.messagesOf(conversation).find((message) => message.content_type === 'input_csat');
  }

  /** CsatSurveyService: on resolve, if the inbox has CSAT enabled and no survey was sent yet. */
  private maybeSendCsatSurvey(conversation: ConversationRecord): void {
    const inbox = this.inboxes.get(conversation.inbox_id);
    if (!inbox || inbox.settings.csat_survey_enabled !== true || this.csatMessage(conversation)) return;
    this.createCsatTemplate(conversation, inbox);
  }

  private createCsatTemplate(conversation: ConversationRecord, inbox: InboxRecord): MessageRecord {
    const config = asObject(inbox.settings.csat_config);
    return this.addMessage(conversation.account_id, conversation.display_id, {
      messageType: 'template',
      contentType: 'input_csat',
      content: optionalString(config.message) ?? 'Please rate the conversation',
      contentAttributes: { display_type: config.display_type === 'star' ? 'star' : 'emoji' },
    });
  }

  /**
   * The customer answers the CSAT survey: ensures the `input_csat` template exists, stores
   * `submitted_values.csat_survey_response` (→ `message_updated`) and upserts the response row.
   */
  submitCsat(accountId: number, displayId: number, rating: number, feedback?: string, opts?: SilentOption): MessageRecord {
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) throw invalid('rating', 'Rating is not included in the list');
    return this.quiet(opts, () => {
      const conversation = this.getConversation(accountId, displayId);
      const inbox = this.getInbox(accountId, conversation.inbox_id);
      const template = this.csatMessage(conversation) ?? this.createCsatTemplate(conversation, inbox);
      const message = this.updateMessage(accountId, displayId, template.id, {
        contentAttributes: {
          submitted_values: { csat_survey_response: { rating, feedback_message: feedback ?? null } },
        },
      });
      const existing = [...this.csatResponses.values()].find((row) => row.message_id === message.id);
      const at = this.tick();
      if (existing) {
        Object.assign(existing, { rating, feedback_message: feedback ?? null, updated_at: at });
      } else {
        const row: CsatResponseRecord = {
          id: this.nextId('csat_survey_responses'),
          account_id: accountId,
          conversation_id: conversation.id,
          message_id: message.id,
          contact_id: conversation.contact_id,
          assigned_agent_id: conversation.assignee_id,
          rating,
          feedback_message: feedback ?? null,
          created_at: at,
          updated_at: at,
        };
        this.csatResponses.set(row.id, row);
      }
      return message;
    });
  }

  /** `conversation_typing_on/off`; without userId the contact is typing (widget side). */
  setTyping(accountId: number, displayId: number, on: boolean, actor: { userId?: number; isPrivate?: boolean } = {}): void {
    this.getConversation(accountId, displayId);
    this.emit(accountId, () =>
      buildTypingPayload(this, accountId, displayId, on, { userId: actor.userId }, actor.isPrivate ?? false),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // webhooks

  createWebhook(accountId: number, input: JsonObject): WebhookRecord {
    this.getAccount(accountId);
    const at = this.tick();
    const webhook: WebhookRecord = {
      id: 0,
      account_id: accountId,
      inbox_id: null,
      name: null,
      url: '',
      subscriptions: [...DEFAULT_WEBHOOK_SUBSCRIPTIONS],
      secret: secureToken(),
      created_at: at,
      updated_at: at,
    };
    this.assignWebhook(webhook, input);
    webhook.id = this.nextId('webhooks');
    this.webhooks.set(webhook.id, webhook);
    return webhook;
  }

  updateWebhook(accountId: number, id: number, input: JsonObject): WebhookRecord {
    const webhook = this.getWebhook(accountId, id);
    const candidate = this.snapshot(webhook);
    this.assignWebhook(candidate, input);
    if (!deepEqual(candidate, webhook)) candidate.updated_at = this.tick();
    Object.assign(webhook, candidate);
    return webhook;
  }

  private assignWebhook(webhook: WebhookRecord, input: JsonObject): void {
    if (input.url !== undefined) webhook.url = optionalString(input.url) ?? '';
    if (input.name !== undefined) webhook.name = optionalString(input.name);
    if (input.inbox_id !== undefined) webhook.inbox_id = input.inbox_id === null ? null : Number(input.inbox_id);
    if (input.subscriptions !== undefined) {
      webhook.subscriptions = Array.isArray(input.subscriptions) ? input.subscriptions.map((value) => String(value)) : [];
    }
    const issues: ValidationIssue[] = [];
    if (!isHttpUrl(webhook.url)) issues.push({ attribute: 'url', message: 'Url is invalid' });
    else if (
      [...this.webhooks.values()].some(
        (other) => other.account_id === webhook.account_id && other.id !== webhook.id && other.url === webhook.url,
      )
    ) {
      issues.push({ attribute: 'url', message: 'Url has already been taken' });
    }
    if (webhook.subscriptions.length === 0 || webhook.subscriptions.some((event) => !ALLOWED_WEBHOOK_EVENTS.includes(event))) {
      issues.push({ attribute: 'subscriptions', message: 'Subscriptions Invalid events' });
    }
    if (issues.length > 0) throw new RecordInvalidError(issues);
  }

  deleteWebhook(accountId: number, id: number): void {
    this.getWebhook(accountId, id);
    this.webhooks.delete(id);
  }

  webhooksFor(accountId: number, event: string): WebhookRecord[] {
    return [...this.webhooks.values()].filter((hook) => hook.account_id === accountId && hook.subscriptions.includes(event));
  }

  // ---------------------------------------------------------------------------------------------
  // custom attribute definitions

  createCustomAttributeDefinition(accountId: number, input: JsonObject): CustomAttributeDefinitionRecord {
    this.getAccount(accountId);
    const at = this.tick();
    const definition: CustomAttributeDefinitionRecord = {
      id: 0,
      account_id: accountId,
      attribute_display_name: '',
      attribute_display_type: 'text',
      attribute_description: null,
      attribute_key: '',
      attribute_model: 'conversation_attribute',
      attribute_values: [],
      regex_pattern: null,
      regex_cue: null,
      default_value: null,
      created_at: at,
      updated_at: at,
    };
    this.assignDefinition(definition, input);
    definition.id = this.nextId('custom_attribute_definitions');
    this.customAttributeDefinitions.set(definition.id, definition);
    return definition;
  }

  updateCustomAttributeDefinition(accountId: number, id: number, input: JsonObject): CustomAttributeDefinitionRecord {
    const definition = this.getCustomAttributeDefinition(accountId, id);
    const candidate = this.snapshot(definition);
    this.assignDefinition(candidate, input);
    if (!deepEqual(candidate, definition)) candidate.updated_at = this.tick();
    Object.assign(definition, candidate);
    return definition;
  }

  private assignDefinition(definition: CustomAttributeDefinitionRecord, input: JsonObject): void {
    if (input.attribute_display_name !== undefined)
      definition.attribute_display_name = optionalString(input.attribute_display_name) ?? '';
    if (input.attribute_key !== undefined) definition.attribute_key = optionalString(input.attribute_key) ?? '';
    if (input.attribute_description !== undefined) definition.attribute_description = optionalString(input.attribute_description);
    if (input.regex_pattern !== undefined) definition.regex_pattern = optionalString(input.regex_pattern);
    if (input.regex_cue !== undefined) definition.regex_cue = optionalString(input.regex_cue);
    if (input.default_value !== undefined) definition.default_value = input.default_value;
    if (Array.isArray(input.attribute_values)) definition.attribute_values = input.attribute_values;
    if (input.attribute_display_type !== undefined)
      definition.attribute_display_type = enumValue(DISPLAY_TYPES, input.attribute_display_type);
    if (input.attribute_model !== undefined) definition.attribute_model = enumValue(ATTRIBUTE_MODELS, input.attribute_model);

    const issues: ValidationIssue[] = [];
    if (isBlank(definition.attribute_display_name)) {
      issues.push({ attribute: 'attribute_display_name', message: "Attribute display name can't be blank" });
    }
    const key = definition.attribute_key;
    if (isBlank(key)) issues.push({ attribute: 'attribute_key', message: "Attribute key can't be blank" });
    else if (!/^[\w.-]+$/.test(key)) issues.push({ attribute: 'attribute_key', message: 'Attribute key is invalid' });
    else if (
      [...this.customAttributeDefinitions.values()].some(
        (other) =>
          other.account_id === definition.account_id &&
          other.id !== definition.id &&
          other.attribute_model === definition.attribute_model &&
          other.attribute_key === key,
      )
    ) {
      issues.push({ attribute: 'attribute_key', message: 'Attribute key has already been taken' });
    } else if (definition.attribute_model === 'contact_attribute' && STANDARD_CONTACT_KEYS.includes(key)) {
      issues.push({ attribute: 'attribute_key', message: 'Attribute key cannot be a standard attribute' });
    }
    if (issues.length > 0) throw new RecordInvalidError(issues);
  }

  deleteCustomAttributeDefinition(accountId: number, id: number): void {
    this.getCustomAttributeDefinition(accountId, id);
    this.customAttributeDefinitions.delete(id);
  }

  // ---------------------------------------------------------------------------------------------
  // dashboard apps, teams, labels

  createDashboardApp(accountId: number, userId: number | null, input: JsonObject): DashboardAppRecord {
    const at = this.tick();
    const app: DashboardAppRecord = {
      id: 0,
      account_id: accountId,
      user_id: userId,
      title: '',
      content: [],
      created_at: at,
      updated_at: at,
    };
    this.assignDashboardApp(app, input);
    app.id = this.nextId('dashboard_apps');
    this.dashboardApps.set(app.id, app);
    return app;
  }

  updateDashboardApp(accountId: number, id: number, input: JsonObject): DashboardAppRecord {
    const app = this.getDashboardApp(accountId, id);
    const candidate = this.snapshot(app);
    this.assignDashboardApp(candidate, input);
    if (!deepEqual(candidate, app)) candidate.updated_at = this.tick();
    Object.assign(app, candidate);
    return app;
  }

  private assignDashboardApp(app: DashboardAppRecord, input: JsonObject): void {
    if (input.title !== undefined) app.title = optionalString(input.title) ?? '';
    if (input.content !== undefined) app.content = Array.isArray(input.content) ? (input.content as JsonObject[]) : [];
    const issues: ValidationIssue[] = [];
    if (isBlank(app.title)) issues.push({ attribute: 'title', message: "Title can't be blank" });
    const validContent =
      Array.isArray(app.content) &&
      app.content.length > 0 &&
      app.content.every(
        (item) => isPlainObject(item) && item.type === 'frame' && typeof item.url === 'string' && isHttpUrl(item.url),
      );
    if (!validContent) issues.push({ attribute: 'content', message: 'Content : Invalid data' });
    if (issues.length > 0) throw new RecordInvalidError(issues);
  }

  deleteDashboardApp(accountId: number, id: number): void {
    this.getDashboardApp(accountId, id);
    this.dashboardApps.delete(id);
  }

  createTeam(accountId: number, input: JsonObject): TeamRecord {
    const at = this.tick();
    const team: TeamRecord = {
      id: 0,
      account_id: accountId,
      name: '',
      description: null,
      allow_auto_assign: true,
      member_ids: new Set(),
      created_at: at,
      updated_at: at,
    };
    this.assignTeam(team, input);
    team.id = this.nextId('teams');
    this.teams.set(team.id, team);
    return team;
  }

  updateTeam(accountId: number, id: number, input: JsonObject): TeamRecord {
    const team = this.getTeam(accountId, id);
    const candidate = this.snapshot(team);
    this.assignTeam(candidate, input);
    if (!deepEqual(candidate, team)) candidate.updated_at = this.tick();
    Object.assign(team, candidate);
    return team;
  }

  private assignTeam(team: TeamRecord, input: JsonObject): void {
    // Team names are down-cased before validation, so uniqueness is effectively case-insensitive.
    if (input.name !== undefined) team.name = (optionalString(input.name) ?? '').toLowerCase();
    if (input.description !== undefined) team.description = optionalString(input.description);
    if (input.allow_auto_assign !== undefined) team.allow_auto_assign = toBool(input.allow_auto_assign, true);
    const issues: ValidationIssue[] = [];
    if (isBlank(team.name)) issues.push({ attribute: 'name', message: "Name can't be blank" });
    else if (
      [...this.teams.values()].some(
        (other) => other.account_id === team.account_id && other.id !== team.id && other.name === team.name,
      )
    ) {
      issues.push({ attribute: 'name', message: 'Name has already been taken' });
    }
    if (issues.length > 0) throw new RecordInvalidError(issues);
  }

  deleteTeam(accountId: number, id: number): void {
    this.getTeam(accountId, id);
    this.teams.delete(id);
    for (const conversation of this.conversations.values()) if (conversation.team_id === id) conversation.team_id = null;
  }

  createLabel(accountId: number, input: JsonObject): LabelRecord {
    const at = this.tick();
    const label: LabelRecord = {
      id: 0,
      account_id: accountId,
      title: (optionalString(input.title) ?? '').toLowerCase(),
      description: optionalString(input.description),
      color: optionalString(input.color) ?? '#1f93ff',
      show_on_sidebar: toBool(input.show_on_sidebar, true),
      created_at: at,
      updated_at: at,
    };
    const issues: ValidationIssue[] = [];
    if (isBlank(label.title)) issues.push({ attribute: 'title', message: "Title can't be blank" });
    else if (!/^[\w-]+$/.test(label.title)) issues.push({ attribute: 'title', message: 'Title is invalid' });
    else if ([...this.labels.values()].some((other) => other.account_id === accountId && other.title === label.title)) {
      issues.push({ attribute: 'title', message: 'Title has already been taken' });
    }
    if (issues.length > 0) throw new RecordInvalidError(issues);
    label.id = this.nextId('labels');
    this.labels.set(label.id, label);
    return label;
  }

  // ---------------------------------------------------------------------------------------------
  // payload builders bound to this store (same signatures as the free functions minus `state`)

  buildConversationPayload(
    accountId: number,
    displayId: number,
    event: string,
    changedAttributes?: ChangedAttribute[] | null,
  ): JsonObject {
    return buildConversationPayload(this, accountId, displayId, event, changedAttributes);
  }

  buildMessagePayload(accountId: number, messageId: number, event: string): JsonObject {
    return buildMessagePayload(this, accountId, messageId, event);
  }

  buildContactPayload(accountId: number, contactId: number, event: string, changedAttributes?: ChangedAttribute[]): JsonObject {
    return buildContactPayload(this, accountId, contactId, event, changedAttributes);
  }
}

/**
 * Message#human_response?: outgoing, not from an automation rule or a campaign, and sent by a
 * User (or an external echo). Campaign messages are sent *as* a user (the campaign's sender).
 */
export function humanResponse(message: MessageRecord): boolean {
  return (
    message.message_type === 'outgoing' &&
    isBlank(message.content_attributes.automation_rule_id) &&
    isBlank(message.additional_attributes.campaign_id) &&
    (message.sender_type === 'User' || !isBlank(message.content_attributes.external_echo))
  );
}

function internalServerError(): HttpError {
  return new HttpError(500, { status: 500, error: 'Internal Server Error' });
}

function pick(source: JsonObject, keys: string[]): JsonObject {
  return Object.fromEntries(Object.entries(source).filter(([key]) => keys.includes(key)));
}

function blankToNull(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value;
}

/** deep_merge where the second hash wins, but blank values never overwrite present ones. */
function mergeNonBlank(lower: JsonObject, higher: JsonObject): JsonObject {
  const merged: JsonObject = { ...lower };
  for (const [key, value] of Object.entries(higher)) if (!isBlank(value) || !(key in merged)) merged[key] = value;
  return merged;
}

function normaliseLabels(labels: string[]): string[] {
  return [...new Set(labels.map((label) => label.trim().toLowerCase()).filter((label) => label !== ''))];
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Rails enums accept the name or the integer; anything else raises ArgumentError (→ 500). */
function enumValue(names: string[], value: unknown): string {
  if (typeof value === 'string' && names.includes(value)) return value;
  const index = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : -1;
  if (Number.isInteger(index) && index >= 0 && index < names.length) return names[index] as string;
  throw internalServerError();
}
