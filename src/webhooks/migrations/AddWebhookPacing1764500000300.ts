import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intake no longer refuses deliveries by volume: the per-account pace applies to processing.
 * A token bucket per store (shared by every instance, since they share the database) meters the
 * drain, and an index on open rows by store lets the drain visit stores in turn and count each
 * store's backlog without reading the others' rows.
 */
export class AddWebhookPacing1764500000300 implements MigrationInterface {
  name = 'AddWebhookPacing1764500000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table webhook_processing_pace (
        store_id text primary key,
        tokens double precision not null,
        refilled_at timestamptz not null default now()
      )`);
    await q.query(
      `create index webhook_deliveries_open_store on webhook_deliveries (store_id, id) where state in ('pending', 'processing')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop index webhook_deliveries_open_store');
    await q.query('drop table webhook_processing_pace');
  }
}
