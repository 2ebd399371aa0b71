import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Order actions agents request from the panel. The row is written before the platform is asked,
 * unique per (store, idempotency key), so a double click or a replay never sends a second request.
 */
export class CreateOrderActions1764830000200 implements MigrationInterface {
  name = 'CreateOrderActions1764830000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table order_actions (
        id uuid primary key default gen_random_uuid(),
        store_id text not null,
        idempotency_key text not null,
        request_hash text not null,
        order_id text not null,
        customer_id text,
        contact_id int not null,
        conversation_id int,
        type text not null,
        status text not null default 'pending',
        amount int,
        currency text,
        lines jsonb not null default '[]',
        reason text,
        platform_message text,
        agent_id int,
        agent_name text,
        issued_via text not null,
        attempts int not null default 0,
        last_error text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        settled_at timestamptz,
        constraint order_actions_type_check check (type in ('cancel', 'refund', 'resend_confirmation')),
        constraint order_actions_status_check check (status in ('pending', 'succeeded', 'rejected', 'failed'))
      )`);
    await q.query('create unique index order_actions_store_key on order_actions (store_id, idempotency_key)');
    await q.query('create index order_actions_store_customer on order_actions (store_id, customer_id, created_at)');
    await q.query('create index order_actions_store_agent on order_actions (store_id, agent_id, created_at)');
    await q.query('create index order_actions_store_order on order_actions (store_id, order_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table order_actions');
  }
}
