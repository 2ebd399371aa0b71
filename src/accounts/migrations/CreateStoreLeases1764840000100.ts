import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who is running a Chatwoot operation on a store (see StoreLock). A row is a lease, not a held
 * lock: no connection stays open while the operation runs, and a holder that crashed stops
 * counting once `expires_at` passes. No foreign key: deleting a store runs under its lease.
 */
export class CreateStoreLeases1764840000100 implements MigrationInterface {
  name = 'CreateStoreLeases1764840000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table store_leases (
        store_id text primary key,
        holder uuid not null,
        operation text not null,
        expires_at timestamptz not null
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table store_leases`);
  }
}
