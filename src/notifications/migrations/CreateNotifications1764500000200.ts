import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateNotifications1764500000200 implements MigrationInterface {
  name = 'CreateNotifications1764500000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table notifications (
        id uuid primary key default gen_random_uuid(),
        store_id text not null,
        type text not null,
        payload jsonb not null default '{}',
        dedupe_key text,
        state text not null default 'pending' check (state in ('pending', 'delivered', 'failed', 'skipped')),
        attempts int not null default 0,
        last_error text,
        response_status int,
        deliver_after timestamptz not null default now(),
        delivered_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await q.query(
      'create unique index notifications_store_dedupe on notifications (store_id, dedupe_key) where dedupe_key is not null',
    );
    await q.query('create index notifications_store_created on notifications (store_id, created_at desc)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table notifications');
  }
}
