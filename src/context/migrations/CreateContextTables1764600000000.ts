import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Discount codes agents hand out and the escalations they raise from the context panel. */
export class CreateContextTables1764600000000 implements MigrationInterface {
  name = 'CreateContextTables1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table discount_codes (
        id uuid primary key default gen_random_uuid(),
        store_id text not null,
        code text not null unique,
        type text not null check (type in ('percent', 'fixed')),
        value int not null check (value > 0),
        currency text not null,
        customer_id text,
        contact_id int,
        agent_id int,
        agent_name text,
        issued_via text not null check (issued_via in ('agent-token', 'context-token')),
        conversation_id int,
        expires_at timestamptz,
        created_at timestamptz not null default now(),
        redeemed_at timestamptz,
        redeemed_order_id text
      )`);
    await q.query('create index discount_codes_agent_idx on discount_codes (store_id, agent_id, created_at desc)');
    await q.query('create index discount_codes_customer_idx on discount_codes (store_id, customer_id)');
    await q.query(`
      create table escalations (
        id uuid primary key default gen_random_uuid(),
        store_id text not null,
        conversation_id int not null,
        contact_id int,
        customer_id text,
        reason text not null,
        agent_id int,
        agent_name text,
        state text not null check (state in ('pending', 'done', 'failed')),
        effects jsonb not null default '{}',
        last_error text,
        created_at timestamptz not null default now(),
        finished_at timestamptz
      )`);
    await q.query('create index escalations_conversation_idx on escalations (store_id, conversation_id, created_at desc)');
    await q.query('create index escalations_customer_idx on escalations (store_id, customer_id, created_at desc)');
    await q.query('create index escalations_contact_idx on escalations (store_id, contact_id, created_at desc)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table escalations');
    await q.query('drop table discount_codes');
  }
}
