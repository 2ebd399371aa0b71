import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute } from '../database/sql';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';

/** Rows per delete statement, so a big purge never holds long locks on the hot events table. */
export const PURGE_CHUNK = 5_000;

/** Every table of the tracking module. */
const TRACKING_TABLES = ['tracking_events', 'tracking_sessions', 'tracked_conversations', 'tracked_orders', 'chat_attributions'];

/** Retention across every store: what is older than the cutoff goes, in chunks. */
@Injectable()
export class TrackingRetentionScanRepository {
  constructor(private readonly db: DataSource) {}

  /** Raw events that happened before `cutoff`. */
  eventsBefore(cutoff: Date): Promise<number> {
    return this.deleteInChunks('tracking_events', 'id', 'at < $1', [cutoff]);
  }

  /** Sessions last seen before `cutoff`. */
  sessionsIdleSince(cutoff: Date): Promise<number> {
    return this.deleteInChunks('tracking_sessions', 'ctid', 'last_seen < $1', [cutoff]);
  }

  /** Orders placed before `cutoff` that no conversation is credited with. */
  unattributedOrdersBefore(cutoff: Date): Promise<number> {
    return this.deleteInChunks(
      'tracked_orders',
      'ctid',
      `placed_at < $1 and not exists (select 1 from chat_attributions a
         where a.store_id = tracked_orders.store_id and a.order_id = tracked_orders.order_id)`,
      [cutoff],
    );
  }

  /** Conversations opened before `cutoff` that are credited with no order. */
  unattributedConversationsBefore(cutoff: Date): Promise<number> {
    return this.deleteInChunks(
      'tracked_conversations',
      'ctid',
      `created_at < $1 and not exists (select 1 from chat_attributions a
         where a.store_id = tracked_conversations.store_id and a.conversation_display_id = tracked_conversations.display_id)`,
      [cutoff],
    );
  }

  private async deleteInChunks(table: string, key: 'id' | 'ctid', where: string, params: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const { affected } = await execute(
        this.db,
        `with doomed as (select ${key} from ${table} where ${where} limit ${PURGE_CHUNK})
         delete from ${table} where ${key} in (select ${key} from doomed)`,
        params,
      );
      total += affected;
      if (affected < PURGE_CHUNK) return total;
    }
  }
}

/** All of a store's tracking rows at once (`store.deleted`). */
@Injectable()
export class TrackingStoreDataRepository extends StoreScopedRepository<TrackingStoreData> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): TrackingStoreData {
    return new TrackingStoreData(sql);
  }
}

export class TrackingStoreData {
  constructor(private readonly sql: StoreSql) {}

  /** Run it in a transaction (`forStore(storeId, tx)`). */
  async deleteAll(): Promise<void> {
    for (const table of TRACKING_TABLES) await this.sql.execute(`delete from ${table} where store_id = $1`);
  }
}
