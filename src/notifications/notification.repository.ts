import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { Notification, NotificationState } from './entities/notification.entity';

export interface NotificationFilter {
  state?: NotificationState;
  type?: string;
}

/** What a delivery attempt changes on its row. */
export type DeliveryPatch = Partial<Pick<Notification, 'state' | 'attempts' | 'lastError' | 'responseStatus' | 'deliveredAt'>>;

const COLUMNS = `id, store_id as "storeId", type, payload, dedupe_key as "dedupeKey", state, attempts, last_error as "lastError",
  response_status as "responseStatus", deliver_after as "deliverAfter", delivered_at as "deliveredAt",
  created_at as "createdAt", updated_at as "updatedAt"`;

/** The outbox of store notifications (`notifications`); the row is the delivery record. */
@Injectable()
export class NotificationRepository extends StoreScopedRepository<Notifications> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): Notifications {
    return new Notifications(sql);
  }
}

export class Notifications {
  constructor(private readonly sql: StoreSql) {}

  /** Records a notification; null when one with the same dedupe key exists already. */
  async record(
    type: string,
    payload: Record<string, unknown>,
    dedupeKey: string | null,
    delayMs: number,
  ): Promise<string | null> {
    const row = await this.sql.one<{ id: string }>(
      `insert into notifications (store_id, type, payload, dedupe_key, deliver_after)
       values ($1, $2, $3, $4, now() + $5 * interval '1 millisecond')
       on conflict (store_id, dedupe_key) where dedupe_key is not null do nothing
       returning id`,
      [type, JSON.stringify(payload), dedupeKey, delayMs],
    );
    return row?.id ?? null;
  }

  async idByDedupeKey(dedupeKey: string): Promise<string | null> {
    const row = await this.sql.one<{ id: string }>('select id from notifications where store_id = $1 and dedupe_key = $2', [
      dedupeKey,
    ]);
    return row?.id ?? null;
  }

  get(id: string): Promise<Notification | null> {
    return this.sql.one<Notification>(`select ${COLUMNS} from notifications where store_id = $1 and id = $2`, [id]);
  }

  /** Newest first, one page, with the number of matching rows. */
  async page(filter: NotificationFilter, offset: number, limit: number): Promise<{ items: Notification[]; total: number }> {
    const where = 'store_id = $1 and ($2::text is null or state = $2) and ($3::text is null or type = $3)';
    const params = [filter.state ?? null, filter.type ?? null];
    const items = await this.sql.rows<Notification>(
      `select ${COLUMNS} from notifications where ${where} order by created_at desc, id asc offset $4 limit $5`,
      [...params, offset, limit],
    );
    const counted = await this.sql.one<{ total: number }>(
      `select count(*)::int as total from notifications where ${where}`,
      params,
    );
    return { items, total: counted?.total ?? 0 };
  }

  async update(id: string, patch: DeliveryPatch): Promise<void> {
    await this.sql.execute(
      `update notifications set
         state = coalesce($3, state),
         attempts = coalesce($4, attempts),
         last_error = case when $5 then $6 else last_error end,
         response_status = case when $7 then $8::int else response_status end,
         delivered_at = coalesce($9, delivered_at),
         updated_at = now()
       where store_id = $1 and id = $2`,
      [
        id,
        patch.state ?? null,
        patch.attempts ?? null,
        'lastError' in patch,
        patch.lastError ?? null,
        'responseStatus' in patch,
        patch.responseStatus ?? null,
        patch.deliveredAt ?? null,
      ],
    );
  }

  async deleteAll(): Promise<void> {
    await this.sql.execute('delete from notifications where store_id = $1');
  }

  async deleteForCustomer(customerId: string): Promise<void> {
    await this.sql.execute(`delete from notifications where store_id = $1 and payload->>'customerId' = $2`, [customerId]);
  }
}
