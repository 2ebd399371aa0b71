import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { DiscountCode } from './entities/discount-code.entity';

/** A code to record: everything but what the database assigns (id, redemption). */
export type NewDiscountCode = Omit<DiscountCode, 'id' | 'storeId' | 'redeemedAt' | 'redeemedOrderId'>;

const COLUMNS = `id, store_id as "storeId", code, type, value, currency, customer_id as "customerId",
  contact_id as "contactId", agent_id as "agentId", agent_name as "agentName", issued_via as "issuedVia",
  conversation_id as "conversationId", expires_at as "expiresAt", created_at as "createdAt",
  redeemed_at as "redeemedAt", redeemed_order_id as "redeemedOrderId"`;

/** Discount codes of one store: issuing, checkout's look-up, redemption by orders, erasure. */
@Injectable()
export class DiscountCodeRepository extends StoreScopedRepository<ReturnType<typeof discountCodesOf>> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql) {
    return discountCodesOf(sql);
  }
}

function discountCodesOf(sql: StoreSql) {
  return {
    /**
     * Serialises one agent's issuing in this store until the transaction ends (the agent key is
     * the agent id, or `shared` for an unknown agent). Only meaningful inside a transaction.
     */
    async lockIssuing(agentKey: string): Promise<void> {
      await sql.execute(`select pg_advisory_xact_lock(hashtext('discount:' || $1::text || ':' || $2::text))`, [agentKey]);
    },

    /**
     * Records a code. Codes are unique across stores: with `skipIfCodeTaken` a taken code answers
     * null (the caller draws another), otherwise the unique violation is thrown.
     */
    async insert(code: NewDiscountCode, skipIfCodeTaken: boolean): Promise<DiscountCode | null> {
      return sql.one<DiscountCode>(
        `insert into discount_codes (store_id, code, type, value, currency, customer_id, contact_id, agent_id,
           agent_name, issued_via, conversation_id, expires_at, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ${skipIfCodeTaken ? 'on conflict (code) do nothing' : ''}
         returning ${COLUMNS}`,
        [
          code.code,
          code.type,
          code.value,
          code.currency,
          code.customerId,
          code.contactId,
          code.agentId,
          code.agentName,
          code.issuedVia,
          code.conversationId,
          code.expiresAt,
          code.createdAt,
        ],
      );
    },

    byCode(code: string): Promise<DiscountCode | null> {
      return sql.one<DiscountCode>(`select ${COLUMNS} from discount_codes where store_id = $1 and code = $2 limit 1`, [code]);
    },

    /** Marks the code redeemed by the order, unless it already is. */
    async redeem(code: string, orderId: string): Promise<void> {
      await sql.execute(
        `update discount_codes set redeemed_at = now(), redeemed_order_id = $2
          where store_id = $1 and code = $3 and redeemed_at is null`,
        [orderId, code],
      );
    },

    /** Gives back the codes the order redeemed (it was cancelled or refunded). */
    async releaseOrder(orderId: string): Promise<void> {
      await sql.execute(
        `update discount_codes set redeemed_at = null, redeemed_order_id = null where store_id = $1 and redeemed_order_id = $2`,
        [orderId],
      );
    },

    /** Erasure: the customer's codes stay but lose who they were for. */
    async forgetCustomer(customerId: string): Promise<void> {
      await sql.execute(
        `update discount_codes set customer_id = null, contact_id = null where store_id = $1 and customer_id = $2`,
        [customerId],
      );
    },

    async deleteAll(): Promise<void> {
      await sql.execute('delete from discount_codes where store_id = $1');
    },
  };
}
