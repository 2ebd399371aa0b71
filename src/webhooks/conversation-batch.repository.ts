import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { execute } from '../database/sql';
import type { MessageFacts } from './chatwoot-payload';
import type { ConversationRecord } from './conversation.repository';
import type { StatusPoint } from './status-history';

/** A conversation of a drain batch. */
export interface ConversationKey {
  storeId: string;
  displayId: number;
}

export interface BatchStatusPoint extends ConversationKey, StatusPoint {}

export interface BatchMessage extends ConversationKey {
  message: MessageFacts;
}

/** A conversation row as the set-based drain writes it back (all it folded in memory). */
export interface ConversationWrite {
  row: ConversationRecord;
  /** Bump `updated_at` (the per-delivery statements that set it ran). */
  touched: boolean;
  /** The CSAT rating or feedback changed: `csat_at` becomes now(). */
  csatChanged: boolean;
}

const COLUMNS = `c.store_id as "storeId", c.display_id as "displayId", c.account_id as "accountId", c.contact_id as "contactId",
  c.customer_id as "customerId", c.customer_tier as "customerTier", c.inbox_id as "inboxId", c.status, c.priority,
  c.assignee_id as "assigneeId", c.team_id as "teamId", c.labels, c.created_at as "createdAt", c.last_event_at as "lastEventAt",
  c.last_activity_at as "lastActivityAt", c.first_response_at as "firstResponseAt",
  c.first_response_seconds as "firstResponseSeconds", c.resolved_at as "resolvedAt", c.resolution_seconds as "resolutionSeconds",
  c.reopen_count as "reopenCount", c.incoming_count as "incomingCount", c.outgoing_count as "outgoingCount",
  c.csat_rating as "csatRating", c.csat_feedback as "csatFeedback", c.csat_at as "csatAt", c.routed_at as "routedAt"`;

/** The record set every write below reads its rows from (jsonb: one parameter however many rows). */
const WRITE_RECORD = `w(store_id text, display_id int, account_id int, contact_id int, customer_id text, customer_tier text,
  inbox_id int, status text, priority text, assignee_id int, team_id int, labels jsonb, created_at timestamptz,
  last_event_at float8, last_activity_at timestamptz, first_response_at timestamptz, first_response_seconds int,
  resolved_at timestamptz, resolution_seconds int, reopen_count int, incoming_count int, outgoing_count int,
  csat_rating smallint, csat_feedback text, touched boolean, csat_changed boolean)`;

const KEYS = 'unnest($1::text[], $2::int[]) as k(store_id, display_id)';

/**
 * The set-based drain's statements on `conversations`, `conversation_status_changes` and
 * `conversation_messages`: a claimed batch spans stores, so every statement takes
 * (store id, display id) pairs and matches on both, and their number does not grow with the batch.
 * The per-conversation statements (and their advisory lock key) are {@link StoreConversations}'.
 */
@Injectable()
export class ConversationBatchRepository {
  /**
   * The per-conversation advisory locks of every key (the key StoreConversations.lock takes), in
   * one fixed order, so two batches sharing conversations queue instead of deadlocking.
   */
  async lockAll(tx: EntityManager, keys: ConversationKey[]): Promise<void> {
    if (keys.length === 0) return;
    await execute(
      tx,
      `select count(pg_advisory_xact_lock(hashtextextended('conversation:' || k.store_id || ':' || k.display_id::text, 0)))
         from (select store_id, display_id from ${KEYS} order by store_id, display_id) k`,
      pairs(keys),
    );
  }

  async load(tx: EntityManager, keys: ConversationKey[]): Promise<ConversationRecord[]> {
    if (keys.length === 0) return [];
    const { rows } = await execute<ConversationRecord>(
      tx,
      `select ${COLUMNS} from ${KEYS} join conversations c on c.store_id = k.store_id and c.display_id = k.display_id`,
      pairs(keys),
    );
    return rows.map((row) => ({ ...row, lastEventAt: Number(row.lastEventAt) }));
  }

  async statusHistories(tx: EntityManager, keys: ConversationKey[]): Promise<BatchStatusPoint[]> {
    if (keys.length === 0) return [];
    const { rows } = await execute<{ storeId: string; displayId: number; at: string; status: string; exact: boolean }>(
      tx,
      `select s.store_id as "storeId", s.display_id as "displayId", s.changed_at as at, s.status, s.exact
         from ${KEYS} join conversation_status_changes s on s.store_id = k.store_id and s.display_id = k.display_id`,
      pairs(keys),
    );
    return rows.map((row) => ({ ...row, at: Number(row.at) }));
  }

  /** `storeId\u0000messageId` of the messages already in the ledger. */
  async knownMessages(tx: EntityManager, messages: { storeId: string; messageId: number }[]): Promise<Set<string>> {
    if (messages.length === 0) return new Set();
    const { rows } = await execute<{ storeId: string; messageId: string }>(
      tx,
      `select m.store_id as "storeId", m.message_id::text as "messageId"
         from unnest($1::text[], $2::bigint[]) as k(store_id, message_id)
         join conversation_messages m on m.store_id = k.store_id and m.message_id = k.message_id`,
      [messages.map((m) => m.storeId), messages.map((m) => m.messageId)],
    );
    return new Set(rows.map((row) => messageKey(row.storeId, Number(row.messageId))));
  }

  /** First sight of these conversations. */
  async insert(tx: EntityManager, writes: ConversationWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await execute(
      tx,
      `insert into conversations (store_id, display_id, account_id, contact_id, customer_id, customer_tier, inbox_id, status,
         priority, assignee_id, team_id, labels, created_at, last_event_at, last_activity_at, first_response_at,
         first_response_seconds, resolved_at, resolution_seconds, reopen_count, incoming_count, outgoing_count, csat_rating,
         csat_feedback, csat_at)
       select w.store_id, w.display_id, w.account_id, w.contact_id, w.customer_id, w.customer_tier, w.inbox_id, w.status,
         w.priority, w.assignee_id, w.team_id, w.labels, w.created_at, w.last_event_at, w.last_activity_at, w.first_response_at,
         w.first_response_seconds, w.resolved_at, w.resolution_seconds, w.reopen_count, w.incoming_count, w.outgoing_count,
         w.csat_rating, w.csat_feedback, case when w.csat_changed then now() end
         from jsonb_to_recordset($1::jsonb) as ${WRITE_RECORD}`,
      [records(writes)],
    );
  }

  /** Conversations that were there: every column the drain folds, in one statement. */
  async update(tx: EntityManager, writes: ConversationWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await execute(
      tx,
      `update conversations c
          set account_id = w.account_id, contact_id = w.contact_id, customer_id = w.customer_id, customer_tier = w.customer_tier,
              inbox_id = w.inbox_id, status = w.status, priority = w.priority, assignee_id = w.assignee_id, team_id = w.team_id,
              labels = w.labels, last_event_at = w.last_event_at, last_activity_at = w.last_activity_at,
              first_response_at = w.first_response_at, first_response_seconds = w.first_response_seconds,
              resolved_at = w.resolved_at, resolution_seconds = w.resolution_seconds, reopen_count = w.reopen_count,
              incoming_count = w.incoming_count, outgoing_count = w.outgoing_count, csat_rating = w.csat_rating,
              csat_feedback = w.csat_feedback, csat_at = case when w.csat_changed then now() else c.csat_at end,
              updated_at = case when w.touched then now() else c.updated_at end
         from jsonb_to_recordset($1::jsonb) as ${WRITE_RECORD}
        where c.store_id = w.store_id and c.display_id = w.display_id`,
      [records(writes)],
    );
  }

  /** Status points new or changed (a recorded change outranking a payload's state). */
  async saveStatusPoints(tx: EntityManager, points: BatchStatusPoint[]): Promise<void> {
    if (points.length === 0) return;
    await execute(
      tx,
      `insert into conversation_status_changes (store_id, display_id, changed_at, status, exact)
       select * from unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::boolean[])
       on conflict (store_id, display_id, changed_at) do update set status = excluded.status, exact = excluded.exact`,
      [
        points.map((p) => p.storeId),
        points.map((p) => p.displayId),
        points.map((p) => p.at),
        points.map((p) => p.status),
        points.map((p) => p.exact),
      ],
    );
  }

  async removeStatusPoints(tx: EntityManager, points: BatchStatusPoint[]): Promise<void> {
    if (points.length === 0) return;
    await execute(
      tx,
      `delete from conversation_status_changes s using unnest($1::text[], $2::int[], $3::bigint[]) as k(store_id, display_id, at)
        where s.store_id = k.store_id and s.display_id = k.display_id and s.changed_at = k.at`,
      [points.map((p) => p.storeId), points.map((p) => p.displayId), points.map((p) => p.at)],
    );
  }

  /** Adds messages to the ledger; returns how many were new (the caller knows how many should be). */
  async insertMessages(tx: EntityManager, messages: BatchMessage[]): Promise<number> {
    if (messages.length === 0) return 0;
    const { rows } = await execute(
      tx,
      `insert into conversation_messages (store_id, message_id, display_id, message_type, private, sender_type, sender_id, created_at)
       select * from unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::boolean[], $6::text[], $7::int[], $8::timestamptz[])
       on conflict do nothing returning message_id`,
      [
        messages.map((m) => m.storeId),
        messages.map((m) => m.message.messageId),
        messages.map((m) => m.displayId),
        messages.map((m) => m.message.messageType),
        messages.map((m) => m.message.private),
        messages.map((m) => m.message.senderType),
        messages.map((m) => m.message.senderId),
        messages.map((m) => m.message.createdAt),
      ],
    );
    return rows.length;
  }
}

export function messageKey(storeId: string, messageId: number): string {
  return `${storeId}\u0000${messageId}`;
}

function pairs(keys: ConversationKey[]): [string[], number[]] {
  return [keys.map((k) => k.storeId), keys.map((k) => k.displayId)];
}

function records(writes: ConversationWrite[]): string {
  return JSON.stringify(
    writes.map(({ row, touched, csatChanged }) => ({
      store_id: row.storeId,
      display_id: row.displayId,
      account_id: row.accountId,
      contact_id: row.contactId,
      customer_id: row.customerId,
      customer_tier: row.customerTier,
      inbox_id: row.inboxId,
      status: row.status,
      priority: row.priority,
      assignee_id: row.assigneeId,
      team_id: row.teamId,
      labels: row.labels,
      created_at: row.createdAt,
      last_event_at: row.lastEventAt,
      last_activity_at: row.lastActivityAt,
      first_response_at: row.firstResponseAt,
      first_response_seconds: row.firstResponseSeconds,
      resolved_at: row.resolvedAt,
      resolution_seconds: row.resolutionSeconds,
      reopen_count: row.reopenCount,
      incoming_count: row.incomingCount,
      outgoing_count: row.outgoingCount,
      csat_rating: row.csatRating,
      csat_feedback: row.csatFeedback,
      touched,
      csat_changed: csatChanged,
    })),
  );
}
