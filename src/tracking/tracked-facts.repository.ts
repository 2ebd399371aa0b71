import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import { dayOf } from './storefront-activity.repository';

export interface TrackedOrderWrite {
  orderId: string;
  customerId: string;
  status: string;
  totalAmount: number;
  currency: string;
  placedAt: Date;
  sessionId: string | null;
}

export interface TrackedConversationWrite {
  displayId: number;
  contactId: number | null;
  customerId: string | null;
  sessionId: string | null;
  assigneeId: number | null;
  status: string;
  createdAt: Date;
}

export interface OrderRow {
  orderId: string;
  customerId: string;
  sessionId: string | null;
  status: string;
  /** bigint as text. */
  totalAmount: string;
  currency: string;
  placedAt: Date;
}

export interface ConversationRow {
  displayId: number;
  customerId: string | null;
  sessionId: string | null;
  createdAt: Date;
}

export interface ConversationDayAgentRow {
  day: string | null;
  assigneeId: number | null;
  byDay: boolean;
  byAgent: boolean;
  conversations: number;
  converted: number;
}

const ORDER = `order_id as "orderId", customer_id as "customerId", session_id as "sessionId", status,
  total_amount as "totalAmount", currency, placed_at as "placedAt"`;
const CONVERSATION = `display_id as "displayId", customer_id as "customerId", session_id as "sessionId", created_at as "createdAt"`;

/**
 * The order and conversation facts tracking copies from contacts' and webhooks' events
 * (`tracked_orders`, `tracked_conversations`).
 */
@Injectable()
export class TrackedFactsRepository extends StoreScopedRepository<TrackedFacts> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): TrackedFacts {
    return new TrackedFacts(sql);
  }
}

export class TrackedFacts {
  constructor(private readonly sql: StoreSql) {}

  async upsertOrder(o: TrackedOrderWrite): Promise<void> {
    await this.sql.execute(
      `insert into tracked_orders as o (store_id, order_id, customer_id, status, total_amount, currency, placed_at, session_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (store_id, order_id) do update set
         customer_id = excluded.customer_id, status = excluded.status, total_amount = excluded.total_amount,
         currency = excluded.currency, placed_at = excluded.placed_at,
         session_id = coalesce(excluded.session_id, o.session_id), updated_at = now()`,
      [o.orderId, o.customerId, o.status, o.totalAmount, o.currency, o.placedAt, o.sessionId],
    );
  }

  /** A later event without a session or customer does not forget what an earlier one said. */
  async upsertConversation(c: TrackedConversationWrite): Promise<void> {
    await this.sql.execute(
      `insert into tracked_conversations as c
         (store_id, display_id, contact_id, customer_id, session_id, assignee_id, status, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (store_id, display_id) do update set
         contact_id = coalesce(excluded.contact_id, c.contact_id),
         customer_id = coalesce(excluded.customer_id, c.customer_id),
         session_id = coalesce(excluded.session_id, c.session_id),
         assignee_id = excluded.assignee_id,
         status = excluded.status,
         created_at = excluded.created_at,
         updated_at = now()`,
      [c.displayId, c.contactId, c.customerId, c.sessionId, c.assigneeId, c.status, c.createdAt],
    );
  }

  order(orderId: string): Promise<OrderRow | null> {
    return this.sql.one<OrderRow>(`select ${ORDER} from tracked_orders where store_id = $1 and order_id = $2`, [orderId]);
  }

  conversation(displayId: number): Promise<ConversationRow | null> {
    return this.sql.one<ConversationRow>(
      `select ${CONVERSATION} from tracked_conversations where store_id = $1 and display_id = $2`,
      [displayId],
    );
  }

  async conversationsInSession(sessionId: string): Promise<number[]> {
    const rows = await this.sql.rows<{ displayId: number }>(
      'select display_id as "displayId" from tracked_conversations where store_id = $1 and session_id = $2',
      [sessionId],
    );
    return rows.map((r) => r.displayId);
  }

  async sessionChatted(sessionId: string): Promise<boolean> {
    return !!(await this.sql.one('select 1 from tracked_conversations where store_id = $1 and session_id = $2 limit 1', [
      sessionId,
    ]));
  }

  /** Orders this conversation may have converted within the window, plus those it is credited with now. */
  async ordersToReevaluate(displayId: number, windowHours: number): Promise<string[]> {
    const rows = await this.sql.rows<{ orderId: string }>(
      `select o.order_id as "orderId" from tracked_conversations c
         join tracked_orders o on o.store_id = c.store_id
          and o.placed_at >= c.created_at and o.placed_at < c.created_at + $3::float8 * interval '1 hour'
          and (o.customer_id = c.customer_id
               or o.session_id = c.session_id
               or o.customer_id in (select s.customer_id from tracking_sessions s
                                     where s.store_id = c.store_id and s.session_id = c.session_id and s.customer_id is not null))
        where c.store_id = $1 and c.display_id = $2
       union
       select order_id from chat_attributions where store_id = $1 and conversation_display_id = $2 and source = 'auto'`,
      [displayId, windowHours],
    );
    return rows.map((r) => r.orderId);
  }

  /** Conversations of the customer or its sessions opened up to `windowHours` (+1) before the order. */
  candidateConversations(
    placedAt: Date,
    windowHours: number,
    customerId: string,
    sessionIds: string[],
  ): Promise<ConversationRow[]> {
    // A slightly wider net than the window; the rules decide the exact edges.
    return this.sql.rows<ConversationRow>(
      `select ${CONVERSATION} from tracked_conversations
        where store_id = $1 and created_at <= $2 and created_at >= $2::timestamptz - ($3::float8 + 1) * interval '1 hour'
          and (customer_id = $4 or session_id = any($5::text[]))`,
      [placedAt, windowHours, customerId, sessionIds],
    );
  }

  /** Conversations and converted ones per day (in `timezone`), per agent and in total over [start, end). */
  conversationsByDayAndAgent(timezone: string, start: Date, end: Date): Promise<ConversationDayAgentRow[]> {
    return this.sql.rows<ConversationDayAgentRow>(
      `select ${dayOf('c.created_at')} as day, c.assignee_id as "assigneeId",
              grouping(${dayOf('c.created_at')}) = 0 as "byDay", grouping(c.assignee_id) = 0 as "byAgent",
              count(*)::int as conversations,
              (count(*) filter (where exists (select 1 from chat_attributions a
                 where a.store_id = c.store_id and a.conversation_display_id = c.display_id)))::int as converted
         from tracked_conversations c
        where c.store_id = $1 and c.created_at >= $3 and c.created_at < $4
        group by grouping sets ((${dayOf('c.created_at')}), (c.assignee_id), ())`,
      [timezone, start, end],
    );
  }

  /** Erasure: the customer's orders go; conversations stay as anonymous facts. */
  async eraseCustomer(customerId: string, sessionIds: string[]): Promise<void> {
    await this.sql.execute('delete from tracked_orders where store_id = $1 and customer_id = $2', [customerId]);
    await this.sql.execute(
      `update tracked_conversations set customer_id = null, session_id = null, updated_at = now()
        where store_id = $1 and (customer_id = $2 or session_id = any($3::text[]))`,
      [customerId, sessionIds],
    );
  }
}
