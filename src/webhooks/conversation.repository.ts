import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { ConversationSnapshot, MessageFacts } from './chatwoot-payload';
import type { StoredConversationState } from './conversation-state';
import type { StatusPoint } from './status-history';

/** A `conversations` row as the webhooks module reads it. */
export interface ConversationRecord {
  storeId: string;
  displayId: number;
  accountId: number | null;
  contactId: number | null;
  customerId: string | null;
  customerTier: string | null;
  inboxId: number | null;
  status: string;
  priority: string | null;
  assigneeId: number | null;
  teamId: number | null;
  labels: string[];
  createdAt: Date;
  lastEventAt: number;
  lastActivityAt: Date | null;
  firstResponseAt: Date | null;
  firstResponseSeconds: number | null;
  resolvedAt: Date | null;
  resolutionSeconds: number | null;
  reopenCount: number;
  incomingCount: number;
  outgoingCount: number;
  csatRating: number | null;
  csatFeedback: string | null;
  csatAt: Date | null;
  routedAt: Date | null;
}

export interface ConversationFilter {
  status?: string;
  customerId?: string;
}

export interface AnalyticsTotalsRow {
  created: string;
  resolved: string;
  frtMedian: number | null;
  frtP90: number | null;
  frtCount: string;
  resMedian: number | null;
  resP90: number | null;
  resCount: string;
  csatCount: string;
  csatAvg: string | null;
  c1: string;
  c2: string;
  c3: string;
  c4: string;
  c5: string;
}

export interface AgentAnalyticsRow {
  assigneeId: number | null;
  conversations: string;
  resolved: string;
  frtMedian: number | null;
  resMedian: number | null;
  csatAvg: string | null;
}

/** Resolution figures read off the status history (status-history.ts). */
export interface ResolutionUpdate {
  lastResolvedAt: Date | null;
  reopensAdded: number;
}

const COLUMNS = `store_id as "storeId", display_id as "displayId", account_id as "accountId", contact_id as "contactId",
  customer_id as "customerId", customer_tier as "customerTier", inbox_id as "inboxId", status, priority,
  assignee_id as "assigneeId", team_id as "teamId", labels, created_at as "createdAt", last_event_at as "lastEventAt",
  last_activity_at as "lastActivityAt", first_response_at as "firstResponseAt",
  first_response_seconds as "firstResponseSeconds", resolved_at as "resolvedAt", resolution_seconds as "resolutionSeconds",
  reopen_count as "reopenCount", incoming_count as "incomingCount", outgoing_count as "outgoingCount",
  csat_rating as "csatRating", csat_feedback as "csatFeedback", csat_at as "csatAt", routed_at as "routedAt"`;

/**
 * One store's conversations, their status history and message ledger: every statement on
 * `conversations`, `conversation_status_changes` and `conversation_messages` is here, bound to
 * the store by {@link StoreSql}.
 */
export class StoreConversations {
  constructor(private readonly sql: StoreSql) {}

  /** Serialises writers of one conversation until the surrounding transaction ends (same key as before the split). */
  async lock(displayId: number): Promise<void> {
    await this.sql.execute(`select pg_advisory_xact_lock(hashtextextended('conversation:' || $1 || ':' || $2::text, 0))`, [
      displayId,
    ]);
  }

  async get(displayId: number): Promise<ConversationRecord | null> {
    return this.sql.one<ConversationRecord>(`select ${COLUMNS} from conversations where store_id = $1 and display_id = $2`, [
      displayId,
    ]);
  }

  async stateOf(displayId: number): Promise<StoredConversationState | null> {
    const row = await this.sql.one<StoredConversationState>(
      `select status, assignee_id as "assigneeId", team_id as "teamId", priority, last_event_at as "lastEventAt"
         from conversations where store_id = $1 and display_id = $2`,
      [displayId],
    );
    return row ? { ...row, lastEventAt: Number(row.lastEventAt) } : null;
  }

  /** First sight of a conversation. */
  async insertFromSnapshot(s: ConversationSnapshot, customerId: string | null, tier: string | null): Promise<void> {
    await this.sql.execute(
      `insert into conversations (store_id, display_id, account_id, contact_id, customer_id, customer_tier, inbox_id, status,
         priority, assignee_id, team_id, labels, created_at, last_event_at, last_activity_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        s.displayId,
        s.accountId,
        s.contact.contactId,
        customerId,
        tier,
        s.inboxId,
        s.status,
        s.priority,
        s.assigneeId,
        s.teamId,
        JSON.stringify(s.labels),
        s.createdAt,
        s.updatedAt,
        s.lastActivityAt,
      ],
    );
  }

  /** A newer snapshot: state moves forward; a customer link or tier already known is kept. */
  async updateFromSnapshot(s: ConversationSnapshot, customerId: string | null, tier: string | null): Promise<void> {
    await this.sql.execute(
      `update conversations
          set status = $3, priority = $4, assignee_id = $5, team_id = $6, labels = $7, last_event_at = $8,
              inbox_id = coalesce($9, inbox_id), contact_id = coalesce($10, contact_id),
              customer_id = coalesce(customer_id, $11), customer_tier = coalesce($12, customer_tier),
              last_activity_at = greatest(last_activity_at, $13), updated_at = now()
        where store_id = $1 and display_id = $2`,
      [
        s.displayId,
        s.status,
        s.priority,
        s.assigneeId,
        s.teamId,
        JSON.stringify(s.labels),
        s.updatedAt,
        s.inboxId,
        s.contact.contactId,
        customerId,
        tier,
        s.lastActivityAt,
      ],
    );
  }

  /** Links a conversation to its customer once known (a stale snapshot may still carry the link). */
  async linkCustomer(displayId: number, customerId: string): Promise<void> {
    await this.sql.execute(
      'update conversations set customer_id = $3 where store_id = $1 and display_id = $2 and customer_id is null',
      [displayId, customerId],
    );
  }

  /** Every unlinked conversation of a contact gets the customer the contact was linked to. */
  async linkContactCustomer(contactId: number, customerId: string): Promise<void> {
    await this.sql.execute(
      'update conversations set customer_id = $3 where store_id = $1 and contact_id = $2 and customer_id is null',
      [contactId, customerId],
    );
  }

  async statusHistory(displayId: number): Promise<StatusPoint[]> {
    const rows = await this.sql.rows<{ at: string; status: string; exact: boolean }>(
      'select changed_at as at, status, exact from conversation_status_changes where store_id = $1 and display_id = $2',
      [displayId],
    );
    return rows.map((row) => ({ at: Number(row.at), status: row.status, exact: row.exact }));
  }

  /** A recorded change outranks a payload's state at the same millisecond; payloads never overwrite. */
  async addStatusPoint(displayId: number, point: StatusPoint): Promise<void> {
    await this.sql.execute(
      `insert into conversation_status_changes (store_id, display_id, changed_at, status, exact) values ($1, $2, $3, $4, $5)
       on conflict (store_id, display_id, changed_at) do update set status = excluded.status, exact = true
         where excluded.exact and not conversation_status_changes.exact`,
      [displayId, point.at, point.status, point.exact],
    );
  }

  async removeStatusPoints(displayId: number, at: number[]): Promise<void> {
    if (at.length === 0) return;
    await this.sql.execute(
      'delete from conversation_status_changes where store_id = $1 and display_id = $2 and changed_at = any($3::bigint[])',
      [displayId, at],
    );
  }

  async applyResolution(displayId: number, update: ResolutionUpdate): Promise<void> {
    await this.sql.execute(
      `update conversations
          set resolved_at = coalesce($3::timestamptz, resolved_at),
              resolution_seconds = case when $3::timestamptz is null then resolution_seconds
                else greatest(0, round(extract(epoch from ($3::timestamptz - created_at))))::int end,
              reopen_count = reopen_count + $4, updated_at = now()
        where store_id = $1 and display_id = $2`,
      [displayId, update.lastResolvedAt, update.reopensAdded],
    );
  }

  /** least(): whichever order replies arrive in, the earliest one wins; re-applying is a no-op. */
  async recordFirstResponse(displayId: number, at: Date): Promise<void> {
    await this.sql.execute(
      `update conversations
          set first_response_at = $3,
              first_response_seconds = greatest(0, round(extract(epoch from ($3::timestamptz - created_at))))::int
        where store_id = $1 and display_id = $2 and $3::timestamptz >= created_at
          and (first_response_at is null or first_response_at > $3::timestamptz)`,
      [displayId, at],
    );
  }

  /**
   * Counts a message once (the ledger is keyed by message id); returns whether it was new.
   * Only public incoming/outgoing messages move the counters and the last activity.
   */
  async recordMessage(displayId: number, msg: MessageFacts): Promise<boolean> {
    const { rows } = await this.sql.execute(
      `insert into conversation_messages (store_id, message_id, display_id, message_type, private, sender_type, sender_id, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing returning message_id`,
      [msg.messageId, displayId, msg.messageType, msg.private, msg.senderType, msg.senderId, msg.createdAt],
    );
    const inserted = rows.length > 0;
    if (inserted && !msg.private && (msg.messageType === 'incoming' || msg.messageType === 'outgoing')) {
      const column = msg.messageType === 'incoming' ? 'incoming_count' : 'outgoing_count';
      await this.sql.execute(
        `update conversations set ${column} = ${column} + 1, last_activity_at = greatest(last_activity_at, $3)
          where store_id = $1 and display_id = $2`,
        [displayId, msg.createdAt],
      );
    }
    return inserted;
  }

  /** Sets the CSAT rating; true when it changed anything. */
  async setCsat(displayId: number, rating: number, feedback: string | null): Promise<boolean> {
    const { rows } = await this.sql.execute(
      `update conversations set csat_rating = $3, csat_feedback = $4, csat_at = now(), updated_at = now()
        where store_id = $1 and display_id = $2
          and (csat_rating is distinct from $3 or csat_feedback is distinct from $4)
        returning csat_rating`,
      [displayId, rating, feedback],
    );
    return rows.length > 0;
  }

  /** Claims the once-only auto-assignment; true for the one caller that got it. */
  async markRouted(displayId: number): Promise<boolean> {
    const { affected } = await this.sql.execute(
      'update conversations set routed_at = now() where store_id = $1 and display_id = $2 and routed_at is null',
      [displayId],
    );
    return affected > 0;
  }

  async page(filter: ConversationFilter, offset: number, limit: number): Promise<{ rows: ConversationRecord[]; total: number }> {
    const where = 'store_id = $1 and ($2::text is null or status = $2) and ($3::text is null or customer_id = $3)';
    const params = [filter.status ?? null, filter.customerId ?? null];
    const rows = await this.sql.rows<ConversationRecord>(
      `select ${COLUMNS} from conversations where ${where} order by created_at desc, display_id desc offset $4 limit $5`,
      [...params, offset, limit],
    );
    const count = await this.sql.one<{ n: string }>(`select count(*) as n from conversations where ${where}`, params);
    return { rows, total: Number(count?.n ?? 0) };
  }

  /** Created in [from, to], oldest first. */
  async createdBetween(from: Date, to: Date, limit: number): Promise<ConversationRecord[]> {
    return this.sql.rows<ConversationRecord>(
      `select ${COLUMNS} from conversations where store_id = $1 and created_at between $2 and $3
        order by created_at asc, display_id asc limit $4`,
      [from, to, limit],
    );
  }

  async analyticsTotals(from: Date, to: Date): Promise<AnalyticsTotalsRow> {
    const row = await this.sql.one<AnalyticsTotalsRow>(
      `select
         (select count(*) from conversations where store_id = $1 and created_at >= $2 and created_at < $3) as created,
         (select count(*) from conversations where store_id = $1 and resolved_at >= $2 and resolved_at < $3) as resolved,
         percentile_cont(0.5) within group (order by first_response_seconds) as "frtMedian",
         percentile_cont(0.9) within group (order by first_response_seconds) as "frtP90",
         count(first_response_seconds) as "frtCount",
         percentile_cont(0.5) within group (order by resolution_seconds) as "resMedian",
         percentile_cont(0.9) within group (order by resolution_seconds) as "resP90",
         count(resolution_seconds) as "resCount",
         count(csat_rating) as "csatCount",
         avg(csat_rating) as "csatAvg",
         count(*) filter (where csat_rating = 1) as c1, count(*) filter (where csat_rating = 2) as c2,
         count(*) filter (where csat_rating = 3) as c3, count(*) filter (where csat_rating = 4) as c4,
         count(*) filter (where csat_rating = 5) as c5
       from conversations where store_id = $1 and created_at >= $2 and created_at < $3`,
      [from, to],
    );
    return row!;
  }

  async countsByStatus(from: Date, to: Date): Promise<{ status: string; n: string }[]> {
    return this.sql.rows(
      `select status, count(*) as n from conversations where store_id = $1 and created_at >= $2 and created_at < $3
        group by status`,
      [from, to],
    );
  }

  async agentAnalytics(from: Date, to: Date): Promise<AgentAnalyticsRow[]> {
    return this.sql.rows<AgentAnalyticsRow>(
      `select assignee_id as "assigneeId", count(*) as conversations, count(resolved_at) as resolved,
              percentile_cont(0.5) within group (order by first_response_seconds) as "frtMedian",
              percentile_cont(0.5) within group (order by resolution_seconds) as "resMedian",
              avg(csat_rating) as "csatAvg"
         from conversations where store_id = $1 and created_at >= $2 and created_at < $3
        group by assignee_id order by count(*) desc, assignee_id nulls last`,
      [from, to],
    );
  }

  /** Erasure: the conversations stay (they are the store's service record) but forget the customer. */
  async forgetCustomer(customerId: string): Promise<void> {
    await this.sql.execute('update conversations set customer_id = null where store_id = $1 and customer_id = $2', [customerId]);
  }

  /** A deleted store: its conversations, their status history and message ledger. */
  async eraseAll(): Promise<void> {
    await this.sql.execute('delete from conversation_messages where store_id = $1');
    await this.sql.execute('delete from conversation_status_changes where store_id = $1');
    await this.sql.execute('delete from conversations where store_id = $1');
  }
}

@Injectable()
export class ConversationRepository extends StoreScopedRepository<StoreConversations> {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): StoreConversations {
    return new StoreConversations(sql);
  }
}
