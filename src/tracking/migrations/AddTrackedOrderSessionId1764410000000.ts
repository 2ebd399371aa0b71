import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The storefront session of an order (from `order.changed`), matched against conversations' `bridge_session_id`. */
export class AddTrackedOrderSessionId1764410000000 implements MigrationInterface {
  name = 'AddTrackedOrderSessionId1764410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table tracked_orders add column session_id text');
    await q.query(
      'create index tracked_orders_session on tracked_orders (store_id, session_id, placed_at) where session_id is not null',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop index tracked_orders_session');
    await q.query('alter table tracked_orders drop column session_id');
  }
}
