import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseOwner, DataDirInUseError, startEmbeddedPostgres } from '../../../src/database/embedded-postgres';

const folder = mkdtempSync(join(tmpdir(), 'bridge-pg-owner-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('embedded PostgreSQL: the orphan check', () => {
  it('never stops a postmaster whose starting process is alive, and names that process', async () => {
    const dataDir = join(folder, 'live');
    const first = await startEmbeddedPostgres({ dataDir, fsync: false });
    try {
      expect(databaseOwner(dataDir)).toMatchObject({ ownerPid: process.pid });
      const second = startEmbeddedPostgres({ dataDir, fsync: false });
      await expect(second).rejects.toBeInstanceOf(DataDirInUseError);
      await expect(second).rejects.toThrow(new RegExp(`belongs to running process ${process.pid}`));
      // The first cluster was left alone.
      const client = new Client({ connectionString: first.url });
      await client.connect();
      expect((await client.query('select 1 as one')).rows[0].one).toBe(1);
      await client.end();
    } finally {
      await first.stop();
    }
    expect(databaseOwner(dataDir)).toBeNull();
  }, 60_000);
});
