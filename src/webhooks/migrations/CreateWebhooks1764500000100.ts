import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWebhooks1764500000100 implements MigrationInterface {
  name = 'CreateWebhooks1764500000100';

  async up(q: QueryRunner): Promise<void> {
    // Raw deliveries: the replay source. Body kept as received (text) so a replay sees the same bytes.
    await q.query(`
      create table webhook_deliveries (
        id bigint generated always as identity primary key,
        store_id text not null,
        delivery_id text not null,
        event text not null,
        account_id int,
        signed_at timestamptz,
        received_at timestamptz not null default now(),
        body text not null,
        state text not null default 'pending' check (state in ('pending', 'processing', 'processed', 'ignored', 'failed')),
        attempts int not null default 0,
        last_error text,
        locked_at timestamptz,
        processed_at timestamptz,
        unique (store_id, delivery_id)
      )`);
    // Small partial indexes: the hot insert path maintains them, and they only hold the few rows that matter.
    await q.query(`create index webhook_deliveries_open on webhook_deliveries (id) where state in ('pending', 'processing')`);
    await q.query(`create index webhook_deliveries_failed on webhook_deliveries (store_id, id desc) where state = 'failed'`);

    await q.query(`
      create table conversations (
        store_id text not null,
        display_id int not null,
        account_id int,
        contact_id int,
        customer_id text,
        customer_tier text,
        inbox_id int,
        status text not null,
        priority text,
        assignee_id int,
        team_id int,
        labels jsonb not null default '[]',
        created_at timestamptz not null,
        last_event_at double precision not null default 0,
        last_activity_at timestamptz,
        first_response_at timestamptz,
        first_response_seconds int,
        resolved_at timestamptz,
        resolution_seconds int,
        reopen_count int not null default 0,
        incoming_count int not null default 0,
        outgoing_count int not null default 0,
        csat_rating smallint check (csat_rating between 1 and 5),
        csat_feedback text,
        csat_at timestamptz,
        routed_at timestamptz,
        updated_at timestamptz not null default now(),
        primary key (store_id, display_id)
      )`);
    await q.query('create index conversations_store_customer on conversations (store_id, customer_id, created_at desc)');
    await q.query('create index conversations_store_created on conversations (store_id, created_at)');
    await q.query(
      'create index conversations_store_resolved on conversations (store_id, resolved_at) where resolved_at is not null',
    );

    await q.query(`
      create table conversation_messages (
        store_id text not null,
        message_id bigint not null,
        display_id int not null,
        message_type text not null,
        private boolean not null,
        sender_type text,
        sender_id int,
        created_at timestamptz not null,
        primary key (store_id, message_id)
      )`);

    await q.query(`
      create table widget_events (
        id bigint generated always as identity primary key,
        store_id text not null,
        delivery_id text not null,
        contact_id int,
        customer_id text,
        source_id text,
        display_id int,
        referer text,
        browser jsonb,
        occurred_at timestamptz not null,
        unique (store_id, delivery_id)
      )`);
    await q.query('create index widget_events_store_customer on widget_events (store_id, customer_id, occurred_at desc)');

    await q.query(`
      create table webhook_reconcile_cursors (
        store_id text primary key,
        last_run_at timestamptz not null,
        conversations_seen int not null default 0,
        updated_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table webhook_reconcile_cursors');
    await q.query('drop table widget_events');
    await q.query('drop table conversation_messages');
    await q.query('drop table conversations');
    await q.query('drop table webhook_deliveries');
  }
}
