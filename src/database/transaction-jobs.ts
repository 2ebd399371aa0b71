import type { EntityManager } from 'typeorm';
import { execute } from './sql';

/** pg-boss's `db` option: where it runs its statements. */
export interface JobsDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * pg-boss over a TypeORM transaction: jobs sent with it are inserted by that transaction, so they
 * exist exactly when the state that planned them was committed (a transactional outbox), and no
 * worker sees them before the commit.
 */
export function jobsDbOf(tx: EntityManager): JobsDb {
  return { executeSql: async (text, values = []) => ({ rows: (await execute(tx, text, values)).rows }) };
}
