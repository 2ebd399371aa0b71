/**
 * JSON views of the REST API (the jbuilder templates named in API-NOTES §2.2 and §4).
 * Kept apart from the webhook payloads because Chatwoot renders the same records differently
 * in the two places (e.g. contact timestamps are unix here, message_type differs).
 */
import { contactPushData, messagePushData, userPushData } from './fake-chatwoot.payloads';
import type { FakeChatwootState } from './fake-chatwoot.state';
import type {
  AgentBotRecord,
  AccountRecord,
  AccountUserRecord,
  ContactRecord,
  ConversationRecord,
  CustomAttributeDefinitionRecord,
  DashboardAppRecord,
  InboxRecord,
  JsonObject,
  LabelRecord,
  MessageRecord,
  TeamRecord,
  UserRecord,
  WebhookRecord,
} from './fake-chatwoot.types';
import { isBlank, unixFloat, unixSeconds, unixSecondsOrNull } from './fake-chatwoot.util';

export function accountView(account: AccountRecord): JsonObject {
  return {
    id: account.id,
    name: account.name,
    locale: account.locale,
    domain: account.domain,
    support_email: account.support_email,
    features: account.features,
    custom_attributes: account.custom_attributes,
    limits: account.limits,
    status: account.status,
  };
}

/** The raw AccountUser row (`render json: account_user`). */
export function accountUserRow(row: AccountUserRecord): JsonObject {
  return {
    id: row.id,
    account_id: row.account_id,
    user_id: row.user_id,
    role: row.role,
    inviter_id: row.inviter_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    active_at: row.active_at,
    availability: row.availability,
    auto_offline: row.auto_offline,
  };
}

function firstAccountUser(state: FakeChatwootState, user: UserRecord): AccountUserRecord | undefined {
  return state
    .accountsOfUser(user.id)
    .sort((a, b) => (b.active_at?.getTime() ?? 0) - (a.active_at?.getTime() ?? 0) || a.id - b.id)[0];
}

function userBase(state: FakeChatwootState, user: UserRecord): JsonObject {
  const active = firstAccountUser(state, user);
  const view: JsonObject = {
    access_token: user.access_token,
    account_id: active?.account_id ?? null,
    available_name: user.display_name || user.name,
    avatar_url: '',
    confirmed: true,
    display_name: user.display_name,
    message_signature: user.message_signature,
    email: user.email,
    id: user.id,
    name: user.name,
    provider: 'email',
    pubsub_token: user.pubsub_token,
  };
  if (!isBlank(user.custom_attributes)) view.custom_attributes = user.custom_attributes;
  view.role = active?.role ?? null;
  view.ui_settings = user.ui_settings;
  view.uid = user.email;
  return view;
}

/** platform/api/v1/models/_user.json.jbuilder */
export function platformUserView(state: FakeChatwootState, user: UserRecord): JsonObject {
  return {
    ...userBase(state, user),
    accounts: state.accountsOfUser(user.id).map((row) => ({
      id: row.account_id,
      name: state.accounts.get(row.account_id)?.name ?? null,
      active_at: row.active_at,
      role: row.role,
    })),
  };
}

/** api/v1/models/_user.json.jbuilder (profile). */
export function profileUserView(state: FakeChatwootState, user: UserRecord): JsonObject {
  return {
    ...userBase(state, user),
    hmac_identifier: '',
    inviter_id: null,
    type: 'User',
    accounts: state.accountsOfUser(user.id).map((row) => {
      const account = state.accounts.get(row.account_id);
      return {
        id: row.account_id,
        name: account?.name ?? null,
        status: account?.status ?? null,
        active_at: row.active_at,
        role: row.role,
        permissions: row.role === 'administrator' ? ['administrator'] : ['agent'],
        availability: row.availability,
        availability_status: 'offline',
        auto_offline: row.auto_offline,
        custom_role_id: null,
        custom_role: null,
      };
    }),
  };
}

export function tokenView(user: UserRecord): JsonObject {
  return {
    access_token: user.access_token,
    expiry: null,
    user: { id: user.id, name: user.name, display_name: user.display_name, email: user.email, pubsub_token: user.pubsub_token },
  };
}

/** api/v1/models/_agent.json.jbuilder */
export function agentView(user: UserRecord, row: AccountUserRecord): JsonObject {
  return {
    id: user.id,
    account_id: row.account_id,
    availability_status: 'offline',
    auto_offline: row.auto_offline,
    confirmed: true,
    email: user.email,
    provider: 'email',
    available_name: user.display_name || user.name,
    name: user.name,
    role: row.role,
    thumbnail: '',
    custom_role_id: null,
  };
}

export function webWidgetScript(baseUrl: string, websiteToken: string): string {
  return `
    <script>
      (function(d,t) {
        var BASE_URL="${baseUrl}";
        var g=d.createElement(t),s=d.getElementsByTagName(t)[0];
        g.src=BASE_URL+"/packs/js/sdk.js";
        g.async = true;
        s.parentNode.insertBefore(g,s);
        g.onload=function(){
          window.chatwootSDK.run({
            websiteToken: '${websiteToken}',
            baseUrl: BASE_URL
          })
        }
      })(document,"script");
    </script>
    `;
}

/** api/v1/models/_inbox.json.jbuilder for a web widget inbox; hmac_token only for administrators. */
export function inboxView(inbox: InboxRecord, baseUrl: string, isAdministrator: boolean): JsonObject {
  const view: JsonObject = {
    id: inbox.id,
    avatar_url: inbox.settings.avatar_url ?? '',
    channel_id: inbox.channel_id,
    name: inbox.name,
    channel_type: 'Channel::WebWidget',
    greeting_enabled: inbox.settings.greeting_enabled,
    greeting_message: inbox.settings.greeting_message,
    working_hours_enabled: inbox.settings.working_hours_enabled,
    enable_email_collect: inbox.settings.enable_email_collect,
    csat_survey_enabled: inbox.settings.csat_survey_enabled,
    csat_config: inbox.settings.csat_config,
    enable_auto_assignment: inbox.settings.enable_auto_assignment,
    auto_assignment_config: inbox.settings.auto_assignment_config,
    out_of_office_message: inbox.settings.out_of_office_message,
    working_hours: [],
    timezone: inbox.settings.timezone,
    callback_webhook_url: null,
    allow_messages_after_resolved: inbox.settings.allow_messages_after_resolved,
    lock_to_single_conversation: inbox.settings.lock_to_single_conversation,
    sender_name_type: inbox.settings.sender_name_type,
    business_name: inbox.settings.business_name,
    portal_id: inbox.settings.portal_id,
    widget_color: inbox.channel.widget_color,
    website_url: inbox.channel.website_url,
    hmac_mandatory: inbox.channel.hmac_mandatory,
    welcome_title: inbox.channel.welcome_title,
    welcome_tagline: inbox.channel.welcome_tagline,
    web_widget_script: webWidgetScript(baseUrl, inbox.website_token),
    website_token: inbox.website_token,
    selected_feature_flags: inbox.channel.selected_feature_flags,
    reply_time: inbox.channel.reply_time,
    pre_chat_form_enabled: inbox.channel.pre_chat_form_enabled,
    pre_chat_form_options: inbox.channel.pre_chat_form_options,
    continuity_via_email: inbox.channel.continuity_via_email,
    allowed_domains: inbox.channel.allowed_domains,
  };
  if (isAdministrator) view.hmac_token = inbox.hmac_token;
  return view;
}

/** Small inbox block used inside contact_inbox responses. */
export function contactInboxInboxView(inbox: InboxRecord): JsonObject {
  return {
    id: inbox.id,
    avatar_url: '',
    channel_id: inbox.channel_id,
    name: inbox.name,
    channel_type: 'Channel::WebWidget',
    provider: null,
  };
}

/** api/v1/models/_contact.json.jbuilder */
export function contactView(state: FakeChatwootState, contact: ContactRecord, withContactInboxes = false): JsonObject {
  const view: JsonObject = {
    additional_attributes: contact.additional_attributes,
    availability_status: 'offline',
    email: contact.email,
    id: contact.id,
    name: contact.name,
    phone_number: contact.phone_number,
    blocked: contact.blocked,
    identifier: contact.identifier,
    thumbnail: contact.avatar_url,
    custom_attributes: contact.custom_attributes,
    last_activity_at: unixSecondsOrNull(contact.last_activity_at),
    created_at: unixSeconds(contact.created_at),
  };
  if (withContactInboxes) {
    view.contact_inboxes = [...state.contactInboxes.values()]
      .filter((row) => row.contact_id === contact.id)
      .flatMap((row) => {
        const inbox = state.inboxes.get(row.inbox_id);
        return inbox ? [{ source_id: row.source_id, inbox: contactInboxInboxView(inbox) }] : [];
      });
  }
  return view;
}

/** api/v1/models/_agent_bot_slim.json.jbuilder */
export function agentBotSlimView(bot: AgentBotRecord): JsonObject {
  const view: JsonObject = { id: bot.id, name: bot.name, description: bot.description, thumbnail: bot.avatar_url };
  if (bot.account_id !== null) view.outgoing_url = bot.outgoing_url;
  view.bot_type = 'webhook';
  return view;
}

/** api/v1/conversations/partials/_conversation.json.jbuilder */
export function conversationView(state: FakeChatwootState, conversation: ConversationRecord): JsonObject {
  const contact = state.contacts.get(conversation.contact_id);
  const contactInbox = state.contactInboxes.get(conversation.contact_inbox_id);
  const assignee = conversation.assignee_id === null ? undefined : state.users.get(conversation.assignee_id);
  const assigneeRow = assignee ? state.accountUser(conversation.account_id, assignee.id) : undefined;
  const bot = conversation.assignee_agent_bot_id === null ? undefined : state.agentBots.get(conversation.assignee_agent_bot_id);
  const team = conversation.team_id === null ? undefined : state.teams.get(conversation.team_id);
  const lastChat = state.lastChatMessage(conversation);
  const lastNonActivity = state
    .messagesOf(conversation)
    .filter((message) => message.message_type !== 'activity')
    .at(-1);
  return {
    meta: {
      sender: contact ? { ...contactView(state, contact), type: 'contact' } : null,
      channel: 'Channel::WebWidget',
      // An agent bot renders as api/v1/models/_agent_bot_slim (no `type` key): only assignee_type tells.
      assignee: bot
        ? agentBotSlimView(bot)
        : assignee && assigneeRow
          ? agentView(assignee, assigneeRow)
          : assignee
            ? userPushData(assignee)
            : null,
      assignee_type: bot ? 'AgentBot' : assignee ? 'User' : null,
      team: team ? teamView(team, undefined) : null,
      hmac_verified: contactInbox?.hmac_verified ?? false,
    },
    id: conversation.display_id,
    messages: lastChat ? [messagePushData(state, lastChat)] : [],
    account_id: conversation.account_id,
    uuid: conversation.uuid,
    additional_attributes: conversation.additional_attributes,
    agent_last_seen_at: unixSeconds(conversation.agent_last_seen_at),
    assignee_last_seen_at: unixSeconds(conversation.assignee_last_seen_at),
    can_reply: true,
    contact_last_seen_at: unixSeconds(conversation.contact_last_seen_at),
    custom_attributes: conversation.custom_attributes,
    inbox_id: conversation.inbox_id,
    labels: conversation.label_list,
    muted: conversation.muted,
    snoozed_until: conversation.snoozed_until,
    status: conversation.status,
    created_at: unixSeconds(conversation.created_at),
    updated_at: unixFloat(conversation.updated_at),
    timestamp: unixSeconds(conversation.last_activity_at),
    first_reply_created_at: unixSeconds(conversation.first_reply_created_at),
    unread_count: state.unreadCount(conversation),
    last_non_activity_message: lastNonActivity ? messagePushData(state, lastNonActivity) : null,
    last_activity_at: unixSeconds(conversation.last_activity_at),
    priority: conversation.priority,
    waiting_since: unixSeconds(conversation.waiting_since),
    sla_policy_id: null,
  };
}

/** Messages in the REST API use the push format (integer message_type, unix created_at). */
export function messageView(state: FakeChatwootState, message: MessageRecord): JsonObject {
  return messagePushData(state, message);
}

export function contactSenderView(contact: ContactRecord): JsonObject {
  return contactPushData(contact);
}

export function teamView(team: TeamRecord, currentUserId: number | undefined): JsonObject {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    allow_auto_assign: team.allow_auto_assign,
    account_id: team.account_id,
    is_member: currentUserId !== undefined && team.member_ids.has(currentUserId),
  };
}

/** `render json: team` in assignments#create: the raw row. */
export function teamRow(team: TeamRecord): JsonObject {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    allow_auto_assign: team.allow_auto_assign,
    account_id: team.account_id,
    created_at: team.created_at,
    updated_at: team.updated_at,
  };
}

export function webhookView(webhook: WebhookRecord, state: FakeChatwootState): JsonObject {
  const view: JsonObject = {
    id: webhook.id,
    name: webhook.name,
    url: webhook.url,
    account_id: webhook.account_id,
    subscriptions: webhook.subscriptions,
    secret: webhook.secret,
  };
  const inbox = webhook.inbox_id === null ? undefined : state.inboxes.get(webhook.inbox_id);
  if (inbox) view.inbox = { id: inbox.id, name: inbox.name };
  return view;
}

export function customAttributeDefinitionView(definition: CustomAttributeDefinitionRecord): JsonObject {
  return {
    id: definition.id,
    attribute_display_name: definition.attribute_display_name,
    attribute_display_type: definition.attribute_display_type,
    attribute_description: definition.attribute_description,
    attribute_key: definition.attribute_key,
    regex_pattern: definition.regex_pattern,
    regex_cue: definition.regex_cue,
    attribute_values: definition.attribute_values,
    attribute_model: definition.attribute_model,
    default_value: definition.default_value,
    created_at: definition.created_at,
    updated_at: definition.updated_at,
  };
}

export function dashboardAppView(app: DashboardAppRecord): JsonObject {
  return { id: app.id, title: app.title, content: app.content, created_at: app.created_at };
}

export function labelView(label: LabelRecord): JsonObject {
  return {
    id: label.id,
    title: label.title,
    description: label.description,
    color: label.color,
    show_on_sidebar: label.show_on_sidebar,
  };
}
