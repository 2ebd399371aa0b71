import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform's customers, orders, carts and products per store, the link of each customer to
 * its Chatwoot contact, and the bookkeeping of syncs, merges and erasures. No foreign key to
 * `stores`: data may arrive for a store before accounts has finished with it, and `store.deleted`
 * cleans up explicitly.
 */
export class CreateContacts1764200000000 implements MigrationInterface {
  name = 'CreateContacts1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table customers (
        store_id text not null,
        customer_id text not null,
        email text not null,
        name text not null,
        phone text,
        language text,
        marketing_consent boolean not null,
        registered_at timestamptz,
        updated_at timestamptz not null,
        conversation_count int not null default 0,
        primary key (store_id, customer_id)
      )`);
    await q.query('create index customers_email_idx on customers (store_id, lower(email))');
    await q.query(`
      create table orders (
        store_id text not null,
        order_id text not null,
        customer_id text,
        status text not null check (status in ('pending','paid','shipped','delivered','cancelled','refunded')),
        currency text not null,
        total_amount bigint not null,
        placed_at timestamptz not null,
        updated_at timestamptz not null,
        discount_code text,
        primary key (store_id, order_id)
      )`);
    await q.query('create index orders_customer_idx on orders (store_id, customer_id, placed_at desc)');
    await q.query(`
      create table order_items (
        store_id text not null,
        order_id text not null,
        line int not null,
        product_id text not null,
        name text not null,
        category text not null,
        quantity int not null,
        unit_price bigint not null,
        primary key (store_id, order_id, line),
        foreign key (store_id, order_id) references orders (store_id, order_id) on delete cascade
      )`);
    await q.query('create index order_items_product_idx on order_items (store_id, product_id)');
    await q.query(`
      create table carts (
        store_id text not null,
        customer_id text not null,
        items jsonb not null default '[]',
        updated_at timestamptz not null,
        primary key (store_id, customer_id)
      )`);
    await q.query(`
      create table products (
        store_id text not null,
        product_id text not null,
        name text not null,
        category text not null,
        price bigint not null,
        url text,
        image_url text,
        in_stock boolean not null,
        updated_at timestamptz not null,
        primary key (store_id, product_id)
      )`);
    await q.query(`
      create table contact_links (
        store_id text not null,
        customer_id text not null,
        contact_id int not null,
        last_pushed_attributes jsonb not null default '{}',
        last_pushed_identity jsonb not null default '{}',
        last_pushed_hash text,
        synced_at timestamptz,
        synced_run_id uuid,
        synced_result text,
        primary key (store_id, customer_id)
      )`);
    await q.query('create index contact_links_contact_idx on contact_links (store_id, contact_id)');
    await q.query(`
      create table contact_merges (
        id bigserial primary key,
        store_id text not null,
        primary_contact_id int not null,
        duplicate_contact_id int not null,
        customer_ids text[] not null default '{}',
        merged_at timestamptz not null default now()
      )`);
    await q.query('create index contact_merges_store_idx on contact_merges (store_id, merged_at desc)');
    await q.query(`
      create table customer_erasures (
        store_id text not null,
        customer_id text not null,
        state text not null check (state in ('pending','done','failed')),
        contact_ids int[] not null default '{}',
        attempts int not null default 0,
        last_error text,
        requested_at timestamptz not null default now(),
        finished_at timestamptz,
        primary key (store_id, customer_id)
      )`);
    await q.query(`
      create table sync_runs (
        id uuid primary key default gen_random_uuid(),
        store_id text not null,
        trigger text not null check (trigger in ('api','schedule','cli')),
        state text not null check (state in ('running','done','failed')),
        total int not null default 0,
        done int not null default 0,
        created int not null default 0,
        updated int not null default 0,
        unchanged int not null default 0,
        failed int not null default 0,
        cursor text,
        lease_owner text,
        lease_until timestamptz,
        last_error text,
        started_at timestamptz not null default now(),
        finished_at timestamptz,
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create unique index sync_runs_one_running_idx on sync_runs (store_id) where state = 'running'`);
    await q.query('create index sync_runs_store_idx on sync_runs (store_id, started_at desc)');
    await q.query(`
      create table contact_sync_schedules (
        store_id text primary key,
        next_run_at timestamptz not null,
        last_run_id uuid
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'contact_sync_schedules',
      'sync_runs',
      'customer_erasures',
      'contact_merges',
      'contact_links',
      'products',
      'carts',
      'order_items',
      'orders',
      'customers',
    ]) {
      await q.query(`drop table ${table}`);
    }
  }
}
