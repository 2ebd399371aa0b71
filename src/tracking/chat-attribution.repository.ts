import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { AttributionMatch, AttributionSource, ChatAttribution } from './entities/chat-attribution.entity';
import { dayOf } from './storefront-activity.repository';

export interface AttributionWrite {
  orderId: string;
  conversationDisplayId: number;
  customerId: string | null;
  sessionId: string | null;
  source: AttributionSource;
  match: AttributionMatch;
  /** Minor units (bigint as text or number). */
  totalAmount: string | number;
  currency: string;
  placedAt: Date;
  conversationCreatedAt: Date;
}

export type AttributionRow = Omit<ChatAttribution, 'storeId' | 'createdAt' | 'updatedAt'>;

export interface AttributionDayAgentRow {
  day: string | null;
  assigneeId: number | null;
  byDay: boolean;
  byAgent: boolean;
  currency: string;
  orders: number;
  /** bigint as text. */
  revenue: string;
}

/** Orders credited to a conversation (`chat_attributions`), at most one per order. */
@Injectable()
export class ChatAttributionRepository extends StoreScopedRepository<ChatAttributions> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): ChatAttributions {
    return new ChatAttributions(sql);
  }
}

export class ChatAttributions {
  constructor(private readonly sql: StoreSql) {}

  /** Serialises the credit of one order until the transaction ends. */
  async lockOrder(orderId: string): Promise<void> {
    await this.sql.execute(`select pg_advisory_xact_lock(hashtext('tracking.attribution:' || $1 || ':' || $2))`, [orderId]);
  }

  async sourceOf(orderId: string): Promise<AttributionSource | null> {
    const row = await this.sql.one<{ source: AttributionSource }>(
      'select source from chat_attributions where store_id = $1 and order_id = $2',
      [orderId],
    );
    return row?.source ?? null;
  }

  async remove(orderId: string): Promise<void> {
    await this.sql.execute('delete from chat_attributions where store_id = $1 and order_id = $2', [orderId]);
  }

  /** A manual credit keeps its conversation; only the order's figures follow the order. */
  async refreshOrderFigures(orderId: string, totalAmount: string, currency: string, placedAt: Date): Promise<void> {
    await this.sql.execute(
      `update chat_attributions set total_amount = $3, currency = $4, placed_at = $5, updated_at = now()
        where store_id = $1 and order_id = $2`,
      [orderId, totalAmount, currency, placedAt],
    );
  }

  async upsert(a: AttributionWrite): Promise<void> {
    await this.sql.execute(
      `insert into chat_attributions as a
         (store_id, order_id, conversation_display_id, customer_id, session_id, source, match,
          total_amount, currency, placed_at, conversation_created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (store_id, order_id) do update set
         conversation_display_id = excluded.conversation_display_id, customer_id = excluded.customer_id,
         session_id = excluded.session_id, source = excluded.source, match = excluded.match,
         total_amount = excluded.total_amount, currency = excluded.currency, placed_at = excluded.placed_at,
         conversation_created_at = excluded.conversation_created_at, updated_at = now()`,
      [
        a.orderId,
        a.conversationDisplayId,
        a.customerId,
        a.sessionId,
        a.source,
        a.match,
        a.totalAmount,
        a.currency,
        a.placedAt,
        a.conversationCreatedAt,
      ],
    );
  }

  async get(orderId: string): Promise<AttributionRow | null> {
    const row = await this.sql.one<Omit<AttributionRow, 'totalAmount'> & { totalAmount: string }>(
      `select order_id as "orderId", conversation_display_id as "conversationDisplayId", customer_id as "customerId",
              session_id as "sessionId", source, match, total_amount as "totalAmount", currency, placed_at as "placedAt",
              conversation_created_at as "conversationCreatedAt"
       from chat_attributions where store_id = $1 and order_id = $2`,
      [orderId],
    );
    return row ? { ...row, totalAmount: Number(row.totalAmount) } : null;
  }

  /** Attributed orders and revenue per currency: per day (in `timezone`), per agent and in total over [start, end). */
  byDayAndAgent(timezone: string, start: Date, end: Date): Promise<AttributionDayAgentRow[]> {
    return this.sql.rows<AttributionDayAgentRow>(
      `select ${dayOf('a.placed_at')} as day, c.assignee_id as "assigneeId",
              grouping(${dayOf('a.placed_at')}) = 0 as "byDay", grouping(c.assignee_id) = 0 as "byAgent",
              a.currency, count(*)::int as orders, sum(a.total_amount)::text as revenue
         from chat_attributions a
         left join tracked_conversations c on c.store_id = a.store_id and c.display_id = a.conversation_display_id
        where a.store_id = $1 and a.placed_at >= $3 and a.placed_at < $4
        group by grouping sets ((${dayOf('a.placed_at')}, a.currency), (c.assignee_id, a.currency), (a.currency))`,
      [timezone, start, end],
    );
  }

  /** Erasure: the sale by chat still happened; the person and their sessions are forgotten. */
  async anonymize(customerId: string, sessionIds: string[]): Promise<void> {
    await this.sql.execute(
      `update chat_attributions set customer_id = null, session_id = null, updated_at = now()
        where store_id = $1 and (customer_id = $2 or session_id = any($3::text[]))`,
      [customerId, sessionIds],
    );
  }
}
