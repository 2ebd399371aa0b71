import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../src/database/embedded-postgres';

let pg: EmbeddedPostgresHandle | undefined;
let dataDir: string | undefined;

/**
 * One real PostgreSQL per test run (embedded, or TEST_DATABASE_URL); each test file makes its own
 * database in it. Each run gets its own cluster folder, so concurrent runs never collide.
 */
export async function setup(project: TestProject): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    mkdirSync('.data', { recursive: true });
    removeAbandonedClusters('.data');
    dataDir = mkdtempSync(join('.data', 'test-'));
    pg = await startEmbeddedPostgres({ dataDir, fsync: false, database: 'postgres' });
    adminUrl = pg.url;
  }
  project.provide('adminDatabaseUrl', adminUrl);
}

export async function teardown(): Promise<void> {
  await pg?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

/** Clusters of runs that were killed: their postmaster is gone. */
function removeAbandonedClusters(root: string): void {
  for (const name of readdirSync(root)) {
    if (!name.startsWith('test-')) continue;
    const pidFile = join(root, name, 'pg', 'postmaster.pid');
    if (existsSync(pidFile) && isAlive(Number(readFileSync(pidFile, 'utf8').split('\n')[0]))) continue;
    rmSync(join(root, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}
