import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';

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
    /** Codes issued in the last 24 h, the window the daily cap counts (an unknown agent counts with the unknown ones). */
    async issuedByAgentToday(agentId: number | null): Promise<number> {
      const row = await sql.one<{ count: number }>(
        `select count(*)::int as count from discount_codes
          where store_id = $1 and agent_id is not distinct from $2 and created_at > now() - interval '24 hours'`,
        [agentId],
      );
      return row?.count ?? 0;
    },
  };
}
