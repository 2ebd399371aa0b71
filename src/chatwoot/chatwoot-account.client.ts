import type { ChatwootCallContext, ChatwootTransport } from './chatwoot-transport';
import type {
  CwContact,
  CwContactInput,
  CwConversation,
  CwConversationStatus,
  CwCustomAttributeDefinition,
  CwCustomAttributeDefinitionInput,
  CwDashboardApp,
  CwFilterCondition,
  CwInbox,
  CwInboxUpdate,
  CwMessage,
  CwMessageInput,
  CwPage,
  CwPriority,
  CwProfile,
  CwTeam,
  CwWebhook,
  CwWebWidgetInput,
} from './chatwoot.types';

type Verb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * POSTs that set a state or only read, so a resend after a timeout cannot double anything.
 * Every other POST creates (a message, a contact, an inbox...) and is resent only when it
 * provably never reached Chatwoot (see ChatwootTransport).
 */
const IDEMPOTENT_POSTS = new Set([
  'conversations.toggle_status',
  'conversations.toggle_priority',
  'conversations.assign',
  'conversations.assign_team',
  'conversations.labels.set',
  'contacts.filter',
  'contacts.attributes.remove',
]);

/**
 * Application API (`/api/v1/accounts/:id/...` and `/api/v1/profile`) as one user of one account.
 * Conversations are addressed by their per-account display id.
 */
export class ChatwootAccountClient {
  constructor(
    private readonly transport: ChatwootTransport,
    readonly accountId: number,
    private readonly token: string,
    private readonly context: ChatwootCallContext = {},
  ) {}

  withContext(context: ChatwootCallContext): ChatwootAccountClient {
    return new ChatwootAccountClient(this.transport, this.accountId, this.token, { ...this.context, ...context });
  }

  private call<T>(
    method: Verb,
    path: string,
    operation: string,
    body?: unknown,
    query?: Record<string, string | number | boolean | undefined>,
  ) {
    return this.transport.request<T>({
      method,
      path: `/api/v1/accounts/${this.accountId}${path}`,
      token: this.token,
      body,
      query,
      operation,
      context: this.context,
      idempotent: method !== 'POST' || IDEMPOTENT_POSTS.has(operation),
    });
  }

  // Profile (not account-scoped): who owns this token.
  getProfile() {
    return this.transport.request<CwProfile>({
      method: 'GET',
      path: '/api/v1/profile',
      token: this.token,
      operation: 'profile.get',
      context: this.context,
    });
  }
  /** Chatwoot's only token rotation: as the user itself. The old token stops working at once. */
  resetAccessToken() {
    return this.transport.request<CwProfile>({
      method: 'POST',
      path: '/api/v1/profile/reset_access_token',
      token: this.token,
      operation: 'profile.reset_access_token',
      context: this.context,
    });
  }

  // Inboxes
  async listInboxes() {
    return (await this.call<{ payload: CwInbox[] }>('GET', '/inboxes', 'inboxes.list')).payload;
  }
  getInbox(inboxId: number) {
    return this.call<CwInbox>('GET', `/inboxes/${inboxId}`, 'inboxes.get');
  }
  createWebWidgetInbox(input: CwWebWidgetInput) {
    return this.call<CwInbox>('POST', '/inboxes', 'inboxes.create', input);
  }
  updateInbox(inboxId: number, input: CwInboxUpdate) {
    return this.call<CwInbox>('PATCH', `/inboxes/${inboxId}`, 'inboxes.update', input);
  }

  // Custom attribute definitions
  listCustomAttributeDefinitions(model: 'contact_attribute' | 'conversation_attribute' = 'contact_attribute') {
    return this.call<CwCustomAttributeDefinition[]>('GET', '/custom_attribute_definitions', 'custom_attributes.list', undefined, {
      attribute_model: model,
    });
  }
  createCustomAttributeDefinition(input: CwCustomAttributeDefinitionInput) {
    return this.call<CwCustomAttributeDefinition>('POST', '/custom_attribute_definitions', 'custom_attributes.create', input);
  }

  // Teams
  listTeams() {
    return this.call<CwTeam[]>('GET', '/teams', 'teams.list');
  }
  createTeam(input: { name: string; description?: string; allow_auto_assign?: boolean }) {
    return this.call<CwTeam>('POST', '/teams', 'teams.create', input);
  }
  addTeamMembers(teamId: number, userIds: number[]) {
    return this.call<unknown>('POST', `/teams/${teamId}/team_members`, 'teams.members.add', { user_ids: userIds });
  }

  // Labels (account-level definitions)
  async listLabels() {
    return (await this.call<{ payload: { id: number; title: string }[] }>('GET', '/labels', 'labels.list')).payload;
  }
  createLabel(input: { title: string; description?: string; color?: string; show_on_sidebar?: boolean }) {
    return this.call<{ id: number; title: string }>('POST', '/labels', 'labels.create', input);
  }

  // Webhooks
  async listWebhooks() {
    return (await this.call<{ payload: { webhooks: CwWebhook[] } }>('GET', '/webhooks', 'webhooks.list')).payload.webhooks;
  }
  async createWebhook(input: { url: string; subscriptions: string[]; name?: string }) {
    return (await this.call<{ payload: { webhook: CwWebhook } }>('POST', '/webhooks', 'webhooks.create', input)).payload.webhook;
  }
  async updateWebhook(webhookId: number, input: { url?: string; subscriptions?: string[]; name?: string }) {
    return (await this.call<{ payload: { webhook: CwWebhook } }>('PATCH', `/webhooks/${webhookId}`, 'webhooks.update', input))
      .payload.webhook;
  }
  deleteWebhook(webhookId: number) {
    return this.call<unknown>('DELETE', `/webhooks/${webhookId}`, 'webhooks.delete');
  }

  // Dashboard apps
  listDashboardApps() {
    return this.call<CwDashboardApp[]>('GET', '/dashboard_apps', 'dashboard_apps.list');
  }
  createDashboardApp(input: { title: string; content: CwDashboardApp['content'] }) {
    return this.call<CwDashboardApp>('POST', '/dashboard_apps', 'dashboard_apps.create', input);
  }
  updateDashboardApp(appId: number, input: { title?: string; content?: CwDashboardApp['content'] }) {
    return this.call<CwDashboardApp>('PATCH', `/dashboard_apps/${appId}`, 'dashboard_apps.update', input);
  }
  deleteDashboardApp(appId: number) {
    return this.call<unknown>('DELETE', `/dashboard_apps/${appId}`, 'dashboard_apps.delete');
  }

  // Contacts
  async createContact(input: CwContactInput) {
    return (await this.call<{ payload: { contact: CwContact } }>('POST', '/contacts', 'contacts.create', input)).payload.contact;
  }
  async getContact(contactId: number) {
    return (await this.call<{ payload: CwContact }>('GET', `/contacts/${contactId}`, 'contacts.get')).payload;
  }
  /** `custom_attributes` and `additional_attributes` are merged by Chatwoot, other fields replaced. */
  async updateContact(contactId: number, input: CwContactInput) {
    return (await this.call<{ payload: CwContact }>('PUT', `/contacts/${contactId}`, 'contacts.update', input)).payload;
  }
  deleteContact(contactId: number) {
    return this.call<unknown>('DELETE', `/contacts/${contactId}`, 'contacts.delete');
  }
  searchContacts(q: string, page = 1) {
    return this.call<CwPage<CwContact>>('GET', '/contacts/search', 'contacts.search', undefined, { q, page });
  }
  filterContacts(conditions: CwFilterCondition[], page = 1) {
    return this.call<CwPage<CwContact>>('POST', '/contacts/filter', 'contacts.filter', { payload: conditions }, { page });
  }
  removeContactAttributes(contactId: number, keys: string[]) {
    return this.call<unknown>('POST', `/contacts/${contactId}/destroy_custom_attributes`, 'contacts.attributes.remove', {
      custom_attributes: keys,
    });
  }
  async listContactConversations(contactId: number) {
    return (
      await this.call<{ payload: CwConversation[] }>('GET', `/contacts/${contactId}/conversations`, 'contacts.conversations')
    ).payload;
  }
  /** Moves everything of the mergee into the base contact and deletes the mergee. */
  mergeContacts(baseContactId: number, mergeeContactId: number) {
    return this.call<CwContact>('POST', '/actions/contact_merge', 'contacts.merge', {
      base_contact_id: baseContactId,
      mergee_contact_id: mergeeContactId,
    });
  }

  // Conversations (display ids)
  async listConversations(
    query: {
      status?: CwConversationStatus | 'all';
      page?: number;
      sort_by?: string;
      inbox_id?: number;
      /** Seconds: Chatwoot then returns every match in one unpaginated answer and ignores `page`. */
      updated_within?: number;
    } = {},
  ) {
    return (
      await this.call<{ data: { meta: Record<string, number>; payload: CwConversation[] } }>(
        'GET',
        '/conversations',
        'conversations.list',
        undefined,
        query,
      )
    ).data;
  }
  getConversation(displayId: number) {
    return this.call<CwConversation>('GET', `/conversations/${displayId}`, 'conversations.get');
  }
  toggleStatus(displayId: number, status: CwConversationStatus, snoozedUntil?: number) {
    return this.call<{ payload: { success: boolean; current_status: CwConversationStatus } }>(
      'POST',
      `/conversations/${displayId}/toggle_status`,
      'conversations.toggle_status',
      { status, snoozed_until: snoozedUntil },
    );
  }
  togglePriority(displayId: number, priority: CwPriority) {
    return this.call<unknown>('POST', `/conversations/${displayId}/toggle_priority`, 'conversations.toggle_priority', {
      priority,
    });
  }
  assignAgent(displayId: number, assigneeId: number | null) {
    return this.call<unknown>('POST', `/conversations/${displayId}/assignments`, 'conversations.assign', {
      assignee_id: assigneeId,
    });
  }
  assignTeam(displayId: number, teamId: number) {
    return this.call<unknown>('POST', `/conversations/${displayId}/assignments`, 'conversations.assign_team', {
      team_id: teamId,
    });
  }
  async getConversationLabels(displayId: number) {
    return (await this.call<{ payload: string[] }>('GET', `/conversations/${displayId}/labels`, 'conversations.labels.get'))
      .payload;
  }
  /** Replaces the whole label list; read first to add one. */
  setConversationLabels(displayId: number, labels: string[]) {
    return this.call<{ payload: string[] }>('POST', `/conversations/${displayId}/labels`, 'conversations.labels.set', { labels });
  }
  createMessage(displayId: number, input: CwMessageInput) {
    return this.call<CwMessage>('POST', `/conversations/${displayId}/messages`, 'messages.create', input);
  }
  privateNote(displayId: number, content: string) {
    return this.createMessage(displayId, { content, message_type: 'outgoing', private: true });
  }
  async listMessages(displayId: number) {
    return (await this.call<{ payload: CwMessage[] }>('GET', `/conversations/${displayId}/messages`, 'messages.list')).payload;
  }
}
