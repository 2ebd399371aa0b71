import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTrackingTables1764400000000 implements MigrationInterface {
  name = 'CreateTrackingTables1764400000000';

  async up(q: QueryRunner): Promise<void> {
    // Raw storefront events: the purge job keeps TRACKING_RETENTION_DAYS of them.
    await q.query(`
      create table tracking_events (
        id bigserial primary key,
        store_id text not null,
        session_id text not null,
        customer_id text,
        type text not null,
        at timestamptz not null,
        received_at timestamptz not null default now(),
        url text,
        product_id text,
        load_time_ms int check (load_time_ms between 0 and 120000)
      )`);
    await q.query('create index tracking_events_store_type_at on tracking_events (store_id, type, at)');
    await q.query('create index tracking_events_store_session_at on tracking_events (store_id, session_id, at)');
    await q.query('create index tracking_events_at on tracking_events (at)');

    await q.query(`
      create table tracking_sessions (
        store_id text not null,
        session_id text not null,
        customer_id text,
        first_seen timestamptz not null,
        last_seen timestamptz not null,
        current_url text,
        current_url_at timestamptz,
        page_views int not null default 0,
        product_views int not null default 0,
        primary key (store_id, session_id)
      )`);
    await q.query(
      'create index tracking_sessions_customer on tracking_sessions (store_id, customer_id, last_seen desc) where customer_id is not null',
    );
    await q.query('create index tracking_sessions_last_seen on tracking_sessions (last_seen)');

    // Facts copied from conversation.changed: the webhooks module owns conversations.
    await q.query(`
      create table tracked_conversations (
        store_id text not null,
        display_id int not null,
        contact_id int,
        customer_id text,
        session_id text,
        assignee_id int,
        status text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null default now(),
        primary key (store_id, display_id)
      )`);
    await q.query('create index tracked_conversations_customer on tracked_conversations (store_id, customer_id, created_at)');
    await q.query('create index tracked_conversations_session on tracked_conversations (store_id, session_id, created_at)');
    await q.query('create index tracked_conversations_created on tracked_conversations (store_id, created_at)');

    // Facts copied from order.changed: the contacts module owns orders.
    await q.query(`
      create table tracked_orders (
        store_id text not null,
        order_id text not null,
        customer_id text not null,
        status text not null,
        total_amount bigint not null,
        currency text not null,
        placed_at timestamptz not null,
        updated_at timestamptz not null default now(),
        primary key (store_id, order_id)
      )`);
    await q.query('create index tracked_orders_customer on tracked_orders (store_id, customer_id, placed_at)');

    await q.query(`
      create table chat_attributions (
        store_id text not null,
        order_id text not null,
        conversation_display_id int not null,
        customer_id text,
        session_id text,
        source text not null check (source in ('auto', 'manual')),
        match text not null check (match in ('customer', 'session', 'manual')),
        total_amount bigint not null,
        currency text not null,
        placed_at timestamptz not null,
        conversation_created_at timestamptz not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (store_id, order_id)
      )`);
    await q.query('create index chat_attributions_placed on chat_attributions (store_id, placed_at)');
    await q.query('create index chat_attributions_conversation on chat_attributions (store_id, conversation_display_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table chat_attributions');
    await q.query('drop table tracked_orders');
    await q.query('drop table tracked_conversations');
    await q.query('drop table tracking_sessions');
    await q.query('drop table tracking_events');
  }
}
