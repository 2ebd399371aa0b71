import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import { ORDER_ACTION_COLUMNS, refundedByAgentTodaySql, type OrderActionRow } from '../order-actions/order-action.repository';
import { issuedByAgentTodaySql } from './discount-usage.repository';

/** What the panel reads fresh on every context call, cached or not. */
export interface AgentAllowances {
  /** The customer's order actions, newest first (none for an unlinked contact). */
  orderActions: OrderActionRow[];
  /** Minor units this agent refunded in the last 24 h (what counts against the per-agent ceiling). */
  refundedByAgentToday: number;
  /** Discount codes this agent issued in the last 24 h (what counts against the daily cap). */
  discountCodesIssuedToday: number;
}

type ActionJson = Omit<OrderActionRow, 'createdAt' | 'updatedAt' | 'settledAt'> & {
  createdAt: string;
  updatedAt: string;
  settledAt: string | null;
};

/**
 * The panel's per-call read: what changes with the agent's own actions on any customer (order
 * actions, refunds and discount codes today), in one statement across order_actions and
 * discount_codes, bound to one store.
 */
@Injectable()
export class AgentAllowanceRepository extends StoreScopedRepository<ReturnType<typeof allowancesOf>> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql) {
    return allowancesOf(sql);
  }
}

function allowancesOf(sql: StoreSql) {
  return {
    async read(customerId: string | null, agentId: number | null, actionsLimit: number): Promise<AgentAllowances> {
      const row = await sql.one<{ actions: ActionJson[]; refunded: number; issued: number }>(
        `select coalesce((select json_agg(a order by a."createdAt" desc, a.id)
                            from (select ${ORDER_ACTION_COLUMNS} from order_actions
                                   where store_id = $1 and customer_id = $2
                                   order by created_at desc, id limit $4) a), '[]'::json) as actions,
                (${refundedByAgentTodaySql('$3')}) as refunded,
                (${issuedByAgentTodaySql('$3')}) as issued`,
        [customerId, agentId, actionsLimit],
      );
      return {
        orderActions: (row?.actions ?? []).map((a) => ({
          ...a,
          createdAt: new Date(a.createdAt),
          updatedAt: new Date(a.updatedAt),
          settledAt: a.settledAt === null ? null : new Date(a.settledAt),
        })),
        refundedByAgentToday: row?.refunded ?? 0,
        discountCodesIssuedToday: row?.issued ?? 0,
      };
    },
  };
}
