import { DataSource, type EntityManager } from 'typeorm';

export type Db = DataSource | EntityManager;

/**
 * Raw SQL with both the rows and the affected count, whatever the command: TypeORM's plain
 * `query()` returns `rows` for SELECT/INSERT but `[rows, count]` for UPDATE/DELETE.
 */
export async function execute<T = Record<string, unknown>>(
  db: Db,
  sql: string,
  params: unknown[] = [],
): Promise<{ rows: T[]; affected: number }> {
  const manager = db instanceof DataSource ? db.manager : db;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  const owned = !manager.queryRunner;
  try {
    const result = await runner.query(sql, params, true);
    return { rows: (result.records ?? []) as T[], affected: result.affected ?? result.records?.length ?? 0 };
  } finally {
    if (owned) await runner.release();
  }
}

/** Rows of a query (any command). */
export async function rowsOf<T = Record<string, unknown>>(db: Db, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await execute<T>(db, sql, params)).rows;
}
