import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { OrderActionType } from '../accounts/store-settings';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { OrderActionLine, OrderActionStatus } from './entities/order-action.entity';

export interface OrderActionRow {
  id: string;
  storeId: string;
  idempotencyKey: string;
  requestHash: string;
  orderId: string;
  customerId: string | null;
  contactId: number;
  conversationId: number | null;
  type: OrderActionType;
  status: OrderActionStatus;
  amount: number | null;
  currency: string | null;
  lines: OrderActionLine[];
  reason: string | null;
  platformMessage: string | null;
  agentId: number | null;
  agentName: string | null;
  issuedVia: 'agent-token' | 'context-token';
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  settledAt: Date | null;
}

export type NewOrderAction = Pick<
  OrderActionRow,
  | 'idempotencyKey'
  | 'requestHash'
  | 'orderId'
  | 'customerId'
  | 'contactId'
  | 'conversationId'
  | 'type'
  | 'amount'
  | 'currency'
  | 'lines'
  | 'reason'
  | 'agentId'
  | 'agentName'
  | 'issuedVia'
>;

export const ORDER_ACTION_COLUMNS = `id, store_id as "storeId", idempotency_key as "idempotencyKey", request_hash as "requestHash",
  order_id as "orderId", customer_id as "customerId", contact_id as "contactId", conversation_id as "conversationId",
  type, status, amount, currency, lines, reason, platform_message as "platformMessage", agent_id as "agentId",
  agent_name as "agentName", issued_via as "issuedVia", attempts, last_error as "lastError",
  created_at as "createdAt", updated_at as "updatedAt", settled_at as "settledAt"`;

/** Refunds that count against the ceilings: given, or possibly given (the platform has not answered). */
const COUNTED_REFUND = `type = 'refund' and status in ('pending', 'succeeded')`;

/**
 * What an agent refunded in the last 24 h, as one scalar subquery on `$1`'s store; `agentParam` is
 * the placeholder of the agent id. An unknown agent (context token without an agent id) shares one
 * allowance with the others unknown.
 */
export const refundedByAgentTodaySql = (agentParam: string) =>
  `select coalesce(sum(amount), 0)::float8 from order_actions
    where store_id = $1 and agent_id is not distinct from ${agentParam} and ${COUNTED_REFUND}
      and created_at > now() - interval '24 hours'`;

/** Every statement on `order_actions`, bound to one store. */
@Injectable()
export class OrderActionRepository extends StoreScopedRepository<ReturnType<typeof orderActionsOf>> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql) {
    return orderActionsOf(sql);
  }
}

function orderActionsOf(sql: StoreSql) {
  return {
    /**
     * Serialises this store's refund decisions inside the caller's transaction, so two parallel
     * refunds cannot both pass a ceiling the pair would exceed.
     */
    lockRefunds: () => sql.execute(`select pg_advisory_xact_lock(hashtext('order-actions:' || $1))`),

    byKey: (idempotencyKey: string) =>
      sql.one<OrderActionRow>(`select ${ORDER_ACTION_COLUMNS} from order_actions where store_id = $1 and idempotency_key = $2`, [
        idempotencyKey,
      ]),

    byId: (id: string) =>
      sql.one<OrderActionRow>(`select ${ORDER_ACTION_COLUMNS} from order_actions where store_id = $1 and id = $2`, [id]),

    /** The new row, or null when the key is already taken (a concurrent double click). */
    insert: (row: NewOrderAction) =>
      sql.one<OrderActionRow>(
        `insert into order_actions (store_id, idempotency_key, request_hash, order_id, customer_id, contact_id, conversation_id,
           type, amount, currency, lines, reason, agent_id, agent_name, issued_via)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         on conflict (store_id, idempotency_key) do nothing
         returning ${ORDER_ACTION_COLUMNS}`,
        [
          row.idempotencyKey,
          row.requestHash,
          row.orderId,
          row.customerId,
          row.contactId,
          row.conversationId,
          row.type,
          row.amount,
          row.currency,
          JSON.stringify(row.lines),
          row.reason,
          row.agentId,
          row.agentName,
          row.issuedVia,
        ],
      ),

    async refundedOnOrder(orderId: string): Promise<number> {
      const row = await sql.one<{ total: number }>(
        `select coalesce(sum(amount), 0)::float8 as total from order_actions where store_id = $1 and order_id = $2 and ${COUNTED_REFUND}`,
        [orderId],
      );
      return row?.total ?? 0;
    },

    /** See {@link refundedByAgentTodaySql}. */
    async refundedByAgentToday(agentId: number | null): Promise<number> {
      const row = await sql.one<{ total: number }>(`select (${refundedByAgentTodaySql('$2')}) as total`, [agentId]);
      return row?.total ?? 0;
    },

    /** One more unanswered attempt. */
    recordAttempt: (id: string, error: string) =>
      sql.execute(
        `update order_actions set attempts = attempts + 1, last_error = $3, updated_at = now()
          where store_id = $1 and id = $2 and status = 'pending'`,
        [id, error],
      ),

    /** Pending → final, once: null when another attempt settled it first. */
    settle: (id: string, status: Exclude<OrderActionStatus, 'pending'>, platformMessage: string | null, error: string | null) =>
      sql.one<OrderActionRow>(
        `update order_actions set status = $3, platform_message = $4, last_error = coalesce($5, last_error),
           attempts = attempts + 1, updated_at = now(), settled_at = now()
          where store_id = $1 and id = $2 and status = 'pending'
          returning ${ORDER_ACTION_COLUMNS}`,
        [id, status, platformMessage, error],
      ),

    /** GDPR erasure: the audit record stays, without who it was for or the free text about them. */
    forgetCustomer: (customerId: string) =>
      sql.execute(`update order_actions set customer_id = null, reason = null where store_id = $1 and customer_id = $2`, [
        customerId,
      ]),

    deleteAll: () => sql.execute('delete from order_actions where store_id = $1'),
  };
}
