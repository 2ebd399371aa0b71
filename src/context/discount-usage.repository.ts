import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';

/**
 * Codes an agent issued in the last 24 h (the window the daily cap counts), as one scalar subquery
 * on `$1`'s store; `agentParam` is the placeholder of the agent id. An unknown agent counts with the
 * unknown ones.
 */
export const issuedByAgentTodaySql = (agentParam: string) =>
  `select count(*)::int from discount_codes
    where store_id = $1 and agent_id is not distinct from ${agentParam} and created_at > now() - interval '24 hours'`;

/** How many discount codes an agent issued lately: the panel shows what is left of the daily cap. */
@Injectable()
export class DiscountUsageRepository extends StoreScopedRepository<ReturnType<typeof discountUsageOf>> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql) {
    return discountUsageOf(sql);
  }
}

function discountUsageOf(sql: StoreSql) {
  return {
    /** See {@link issuedByAgentTodaySql}. */
    async issuedByAgentToday(agentId: number | null): Promise<number> {
      const row = await sql.one<{ count: number }>(`select (${issuedByAgentTodaySql('$2')}) as count`, [agentId]);
      return row?.count ?? 0;
    },
  };
}
