import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The storefront session an order was placed in (tracker.js `cwb_sid`, passed on by the
 * platform like a cart attribute), so an anonymous chat that led to the purchase is credited.
 */
export class AddOrderSessionId1764260000000 implements MigrationInterface {
  name = 'AddOrderSessionId1764260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table orders add column session_id text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table orders drop column session_id');
  }
}
