import { ACCOUNTS_SCHEMA } from '../accounts/accounts.schema';
import { CONTACTS_SCHEMA } from '../contacts/contacts.schema';
import { CONTEXT_SCHEMA } from '../context/context.schema';
import { NOTIFICATIONS_SCHEMA } from '../notifications/notifications.schema';
import { ORDER_ACTIONS_SCHEMA } from '../order-actions/order-actions.schema';
import { TRACKING_SCHEMA } from '../tracking/tracking.schema';
import { WEBHOOKS_SCHEMA } from '../webhooks/webhooks.schema';

/**
 * Every module owns its tables and migrations and lists them in its `*.schema.ts`; this is
 * only the roll-call. Migrations are sorted by their timestamp, whichever module they belong to.
 */
const modules = [
  ACCOUNTS_SCHEMA,
  CONTACTS_SCHEMA,
  WEBHOOKS_SCHEMA,
  NOTIFICATIONS_SCHEMA,
  TRACKING_SCHEMA,
  CONTEXT_SCHEMA,
  ORDER_ACTIONS_SCHEMA,
];

export const ENTITIES = modules.flatMap((m) => m.entities);
export const MIGRATIONS = modules.flatMap((m) => m.migrations).sort((a, b) => migrationTimestamp(a) - migrationTimestamp(b));

function migrationTimestamp(migration: { name: string }): number {
  const match = /(\d{13})$/.exec(migration.name);
  if (!match) throw new Error(`Migration class ${migration.name} must end with a 13-digit timestamp`);
  return Number(match[1]);
}
