import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateStores1764100000000 implements MigrationInterface {
  name = 'CreateStores1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table stores (
        id text primary key,
        name text not null,
        slug text not null,
        email text not null,
        website_url text not null,
        locale text not null,
        timezone text not null,
        currency text not null,
        status text not null check (status in ('active', 'suspended')),
        branding jsonb not null default '{}',
        notification_url text,
        notification_secret_enc text,
        settings jsonb not null default '{}',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`
      create table chatwoot_accounts (
        store_id text primary key references stores(id) on delete cascade,
        state text not null check (state in ('pending','provisioning','active','suspended','failed','deleting','deleted')),
        account_id int unique,
        admin_user_id int,
        admin_email text,
        admin_token_enc text,
        inbox_id int,
        website_token text unique,
        hmac_token_enc text,
        webhook_id int,
        webhook_secret_enc text,
        dashboard_app_id int,
        context_token_enc text,
        context_token_hash text unique,
        teams jsonb not null default '{}',
        steps jsonb not null default '[]',
        last_error text,
        updated_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table chatwoot_accounts');
    await q.query('drop table stores');
  }
}
