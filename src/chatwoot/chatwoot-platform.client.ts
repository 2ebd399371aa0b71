import type { ChatwootCallContext, ChatwootTransport } from './chatwoot-transport';
import type { CwAccount, CwAccountInput, CwAccountUser, CwUser } from './chatwoot.types';

/** Platform API (`/platform/api/v1`), authenticated with the installation's platform app token. */
export class ChatwootPlatformClient {
  constructor(
    private readonly transport: ChatwootTransport,
    private readonly token: string,
    private readonly context: ChatwootCallContext = {},
  ) {}

  /** A view of this client whose calls count against a store's share of the budget. */
  withContext(context: ChatwootCallContext): ChatwootPlatformClient {
    return new ChatwootPlatformClient(this.transport, this.token, { ...this.context, ...context });
  }

  private call<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    operation: string,
    body?: unknown,
    idempotent = method !== 'POST',
  ) {
    return this.transport.request<T>({
      method,
      path: `/platform/api/v1${path}`,
      token: this.token,
      body,
      operation: `platform.${operation}`,
      context: this.context,
      idempotent,
    });
  }

  listAccounts() {
    return this.call<CwAccount[]>('GET', '/accounts', 'accounts.list');
  }
  createAccount(input: CwAccountInput & { name: string }) {
    return this.call<CwAccount>('POST', '/accounts', 'accounts.create', input);
  }
  getAccount(accountId: number) {
    return this.call<CwAccount>('GET', `/accounts/${accountId}`, 'accounts.get');
  }
  updateAccount(accountId: number, input: CwAccountInput) {
    return this.call<CwAccount>('PATCH', `/accounts/${accountId}`, 'accounts.update', input);
  }
  deleteAccount(accountId: number) {
    return this.call<unknown>('DELETE', `/accounts/${accountId}`, 'accounts.delete');
  }
  listAccountUsers(accountId: number) {
    return this.call<CwAccountUser[]>('GET', `/accounts/${accountId}/account_users`, 'account_users.list');
  }
  /** Idempotent upsert on Chatwoot's side (find_or_initialize_by user_id). */
  addAccountUser(accountId: number, userId: number, role: 'agent' | 'administrator') {
    return this.call<CwAccountUser>(
      'POST',
      `/accounts/${accountId}/account_users`,
      'account_users.create',
      { user_id: userId, role },
      true,
    );
  }
  /** Find-or-create by email across the whole installation. */
  createUser(input: {
    name: string;
    email: string;
    password: string;
    display_name?: string;
    custom_attributes?: Record<string, unknown>;
  }) {
    return this.call<CwUser>('POST', '/users', 'users.create', input, true);
  }
  getUser(userId: number) {
    return this.call<CwUser>('GET', `/users/${userId}`, 'users.get');
  }
  updateUser(userId: number, input: { name?: string; display_name?: string; email?: string; password?: string }) {
    return this.call<CwUser>('PATCH', `/users/${userId}`, 'users.update', input);
  }
  deleteUser(userId: number) {
    return this.call<unknown>('DELETE', `/users/${userId}`, 'users.delete');
  }
}
