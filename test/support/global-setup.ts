import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/database/embedded-postgres';

let pg: EmbeddedPostgresHandle | undefined;

/** One real PostgreSQL per test run (embedded, or TEST_DATABASE_URL); each test file makes its own database in it. */
export async function setup(project: TestProject): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dataDir = '.data/test';
    rmSync(dataDir, { recursive: true, force: true });
    pg = await startEmbeddedPostgres({ dataDir, fsync: false, database: 'postgres' });
    adminUrl = pg.url;
  }
  project.provide('adminDatabaseUrl', adminUrl);
}

export async function teardown(): Promise<void> {
  await pg?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}
