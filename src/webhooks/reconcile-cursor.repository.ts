import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';

/** When a store was last read back from Chatwoot (`webhook_reconcile_cursors`). */
export class StoreReconcileCursor {
  constructor(private readonly sql: StoreSql) {}

  async lastRunAt(): Promise<Date | null> {
    const row = await this.sql.one<{ lastRunAt: Date }>(
      'select last_run_at as "lastRunAt" from webhook_reconcile_cursors where store_id = $1',
    );
    return row?.lastRunAt ?? null;
  }

  async save(lastRunAt: Date, seen: number): Promise<void> {
    await this.sql.execute(
      `insert into webhook_reconcile_cursors (store_id, last_run_at, conversations_seen) values ($1, $2, $3)
       on conflict (store_id) do update set last_run_at = excluded.last_run_at, conversations_seen = excluded.conversations_seen,
         updated_at = now()`,
      [lastRunAt, seen],
    );
  }

  async erase(): Promise<void> {
    await this.sql.execute('delete from webhook_reconcile_cursors where store_id = $1');
  }
}

@Injectable()
export class ReconcileCursorRepository extends StoreScopedRepository<StoreReconcileCursor> {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): StoreReconcileCursor {
    return new StoreReconcileCursor(sql);
  }
}
