import type { DataSource } from 'typeorm';

/** Arbitrary but fixed: every instance takes the same lock before migrating. */
const MIGRATION_LOCK_KEY = 7_240_113_001;

/**
 * Runs pending migrations under a session-level advisory lock, so several instances starting
 * together migrate once and the others wait, then find nothing to do.
 */
export async function migrateWithLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
