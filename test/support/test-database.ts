import { inject } from 'vitest';
import { createDatabase } from './create-database';

/** A fresh, empty database on the run's PostgreSQL: test files never see each other's rows. */
export function createTestDatabase(): Promise<string> {
  return createDatabase(inject('adminDatabaseUrl'));
}
