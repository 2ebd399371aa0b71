import type { ChatwootAccountLink } from './entities/chatwoot-account-link.entity';
import type { Store } from './entities/store.entity';
import { columnOf, selectList } from './row-columns';

/** The columns of `stores` and `chatwoot_accounts`, by entity field. */
export const STORE_FIELDS = [
  'id',
  'name',
  'slug',
  'email',
  'websiteUrl',
  'locale',
  'timezone',
  'currency',
  'status',
  'branding',
  'notificationUrl',
  'actionUrl',
  'notificationSecretEnc',
  'settings',
  'createdAt',
  'updatedAt',
] as const;

export const LINK_FIELDS = [
  'storeId',
  'state',
  'accountId',
  'adminUserId',
  'adminEmail',
  'adminTokenEnc',
  'inboxId',
  'websiteToken',
  'hmacTokenEnc',
  'webhookId',
  'webhookSecretEnc',
  'dashboardAppId',
  'contextTokenEnc',
  'contextTokenHash',
  'teams',
  'steps',
  'lastError',
  'warnings',
  'updatedAt',
] as const;

/** A store row with its account link (`chatwoot`), as the directory and the services read it. */
export function storeWithLink(row: Record<string, unknown>): Store {
  const store: Record<string, unknown> = {};
  const link: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key.startsWith('link.')) link[key.slice(5)] = value;
    else store[key] = value;
  }
  return { ...(store as unknown as Store), chatwoot: link.storeId ? (link as unknown as ChatwootAccountLink) : undefined };
}

/** Store and link columns of `stores s left join chatwoot_accounts l`, link fields prefixed `link.`. */
export const STORE_WITH_LINK = `${selectList(STORE_FIELDS, 's')}, ${LINK_FIELDS.map(
  (f) => `l.${columnOf(f)} as "link.${f}"`,
).join(', ')}`;
