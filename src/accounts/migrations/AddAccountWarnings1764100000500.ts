import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Non-fatal provisioning findings shown on the store (GET /v1/stores/:id). */
export class AddAccountWarnings1764100000500 implements MigrationInterface {
  name = 'AddAccountWarnings1764100000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table chatwoot_accounts add column warnings jsonb not null default '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table chatwoot_accounts drop column warnings`);
  }
}
