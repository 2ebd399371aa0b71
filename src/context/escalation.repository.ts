import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { Escalation, EscalationEffects } from './entities/escalation.entity';

/** An escalation to record, before the Chatwoot effects run. */
export type NewEscalation = Pick<
  Escalation,
  'conversationId' | 'contactId' | 'customerId' | 'reason' | 'agentId' | 'agentName' | 'createdAt'
>;

/** Escalations of one store: the duplicate window, the record and its outcome, erasure. */
@Injectable()
export class EscalationRepository extends StoreScopedRepository<ReturnType<typeof escalationsOf>> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql) {
    return escalationsOf(sql);
  }
}

function escalationsOf(sql: StoreSql) {
  return {
    /** Serialises escalating one conversation until the transaction ends. Only meaningful inside a transaction. */
    async lockConversation(conversationId: number): Promise<void> {
      await sql.execute(`select pg_advisory_xact_lock(hashtext('escalate:' || $1::text || ':' || $2::text))`, [
        String(conversationId),
      ]);
    },

    /** An escalation of the conversation that has not failed, created after `since`. */
    recentNotFailed(conversationId: number, since: Date): Promise<{ agentName: string | null } | null> {
      return sql.one<{ agentName: string | null }>(
        `select agent_name as "agentName" from escalations
          where store_id = $1 and conversation_id = $2 and state != 'failed' and created_at > $3
          limit 1`,
        [conversationId, since],
      );
    },

    /** Records a pending escalation with no effects yet. */
    async insertPending(escalation: NewEscalation): Promise<{ id: string; customerId: string | null; createdAt: Date }> {
      const row = await sql.one<{ id: string; customerId: string | null; createdAt: Date }>(
        `insert into escalations (store_id, conversation_id, contact_id, customer_id, reason, agent_id, agent_name,
           state, effects, last_error, created_at, finished_at)
         values ($1, $2, $3, $4, $5, $6, $7, 'pending', '{}'::jsonb, null, $8, null)
         returning id, customer_id as "customerId", created_at as "createdAt"`,
        [
          escalation.conversationId,
          escalation.contactId,
          escalation.customerId,
          escalation.reason,
          escalation.agentId,
          escalation.agentName,
          escalation.createdAt,
        ],
      );
      return row!;
    },

    async markFailed(id: string, effects: EscalationEffects, lastError: string, finishedAt: Date): Promise<void> {
      await sql.execute(
        `update escalations set state = 'failed', effects = $3::jsonb, last_error = $4, finished_at = $5
          where store_id = $1 and id = $2`,
        [id, JSON.stringify(effects), lastError, finishedAt],
      );
    },

    async markDone(id: string, effects: EscalationEffects, finishedAt: Date): Promise<void> {
      await sql.execute(
        `update escalations set state = 'done', effects = $3::jsonb, finished_at = $4 where store_id = $1 and id = $2`,
        [id, JSON.stringify(effects), finishedAt],
      );
    },

    /** Erasure: reasons are free text about the person. */
    async deleteForCustomer(customerId: string): Promise<void> {
      await sql.execute('delete from escalations where store_id = $1 and customer_id = $2', [customerId]);
    },

    async deleteAll(): Promise<void> {
      await sql.execute('delete from escalations where store_id = $1');
    },
  };
}
