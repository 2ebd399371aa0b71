import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where order actions from the panel are sent (signed with the notification secret). */
export class AddStoreActionUrl1764830000100 implements MigrationInterface {
  name = 'AddStoreActionUrl1764830000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table stores add column action_url text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table stores drop column action_url`);
  }
}
