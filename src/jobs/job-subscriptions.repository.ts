import type { JobsDb } from '../database/transaction-jobs';

/**
 * pg-boss's subscription table: which queues take a domain event. Every instance writes its own
 * `on()` subscriptions there at bootstrap, so an event reaches a queue that only another
 * instance (another version, in a rolling deploy) registered.
 */
export async function subscribedQueues(db: JobsDb, event: string): Promise<string[]> {
  const { rows } = await db.executeSql('select name from pgboss.subscription where event = $1 order by name', [event]);
  return (rows as { name: string }[]).map((row) => row.name);
}
