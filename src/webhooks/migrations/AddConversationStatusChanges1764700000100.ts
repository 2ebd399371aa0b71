import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddConversationStatusChanges1764700000100 implements MigrationInterface {
  name = 'AddConversationStatusChanges1764700000100';

  async up(q: QueryRunner): Promise<void> {
    // The statuses a conversation was seen in, by time (unix ms): resolutions and reopens are read
    // off this history, so changes no payload shows and out-of-order deliveries still count once.
    await q.query(`
      create table conversation_status_changes (
        store_id text not null,
        display_id int not null,
        changed_at bigint not null,
        status text not null,
        exact boolean not null default false,
        primary key (store_id, display_id, changed_at)
      )`);
    // What is known so far: the current status, dated by the last resolution when resolved.
    await q.query(`
      insert into conversation_status_changes (store_id, display_id, changed_at, status)
      select store_id, display_id,
             case when status = 'resolved' and resolved_at is not null
                  then floor(extract(epoch from resolved_at) * 1000)::bigint
                  else floor(last_event_at * 1000)::bigint end,
             status
        from conversations`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table conversation_status_changes');
  }
}
