import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';

export interface NewWidgetOpen {
  /** Widget opens have no id of their own: contact inbox + initiation time identify one. */
  key: string;
  contactId: number | null;
  customerId: string | null;
  sourceId: string | null;
  displayId: number | null;
  referer: string | null;
  browser: Record<string, unknown>;
  occurredAt: Date;
}

export interface WidgetOpenRow {
  contactId: number | null;
  customerId: string | null;
  sourceId: string | null;
  displayId: number | null;
  referer: string | null;
  occurredAt: Date;
}

const COLUMNS = `contact_id as "contactId", customer_id as "customerId", source_id as "sourceId", display_id as "displayId",
  referer, occurred_at as "occurredAt"`;

/** One store's widget opens (`widget_events`). */
export class StoreWidgetEvents {
  constructor(private readonly sql: StoreSql) {}

  /** Recorded once per key: a replayed delivery adds nothing. */
  async record(open: NewWidgetOpen): Promise<void> {
    await this.sql.execute(
      `insert into widget_events (store_id, delivery_id, contact_id, customer_id, source_id, display_id, referer, browser, occurred_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (store_id, delivery_id) do nothing`,
      [
        open.key,
        open.contactId,
        open.customerId,
        open.sourceId,
        open.displayId,
        open.referer,
        JSON.stringify(open.browser),
        open.occurredAt,
      ],
    );
  }

  /** Newest first, by customer or by contact, optionally since a time. */
  async recent(by: { customerId: string } | { contactId: number }, since: Date | undefined, limit: number) {
    const [column, value] = 'customerId' in by ? ['customer_id', by.customerId] : ['contact_id', by.contactId];
    return this.sql.rows<WidgetOpenRow>(
      `select ${COLUMNS} from widget_events
        where store_id = $1 and ${column} = $2 and ($3::timestamptz is null or occurred_at >= $3)
        order by occurred_at desc limit $4`,
      [value, since ?? null, limit],
    );
  }

  async forgetCustomer(customerId: string): Promise<void> {
    await this.sql.execute('delete from widget_events where store_id = $1 and customer_id = $2', [customerId]);
  }

  async eraseAll(): Promise<void> {
    await this.sql.execute('delete from widget_events where store_id = $1');
  }
}

@Injectable()
export class WidgetEventRepository extends StoreScopedRepository<StoreWidgetEvents> {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): StoreWidgetEvents {
    return new StoreWidgetEvents(sql);
  }
}
