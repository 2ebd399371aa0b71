import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import type { DomainEvents } from '../common/events/domain-events';
import { AppConfig } from '../config/app-config';
import { enqueueTick } from '../jobs/cron-enqueuer';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';

export const PURGE_QUEUE = 'tracking.purge';
/** Rows per delete statement, so a big purge never holds long locks on the hot events table. */
const PURGE_CHUNK = 5_000;

/**
 * What tracking forgets, and when: raw events after TRACKING_RETENTION_DAYS, everything of a
 * deleted store, and the personal data of an erased customer.
 */
@Injectable()
export class TrackingRetentionService {
  private readonly logger = new Logger(TrackingRetentionService.name);
  private readonly purged;

  constructor(
    private readonly db: DataSource,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.purged = metrics.counter('tracking_rows_purged_total', 'Tracking rows removed by retention', ['table']);
    jobs.register(PURGE_QUEUE, () => this.purge().then(() => undefined), { retryLimit: 3, expireInSeconds: 3_600 });
    jobs.on('store.deleted', 'tracking.store-deleted', (data) => this.onStoreDeleted(data), { retryLimit: 10 });
    jobs.on('customer.erased', 'tracking.customer-erased', (data) => this.onCustomerErased(data), { retryLimit: 10 });
  }

  @Cron('17 * * * *', { name: PURGE_QUEUE })
  tick(): Promise<string | null> {
    return enqueueTick(this.jobs, PURGE_QUEUE, 3_600);
  }

  /** Removes raw events (and idle sessions, unattributed orders, old conversations) past retention. */
  async purge(now = new Date()): Promise<Record<string, number>> {
    const cutoff = new Date(now.getTime() - this.config.TRACKING_RETENTION_DAYS * 86_400_000);
    const counts: Record<string, number> = {
      tracking_events: await this.deleteInChunks('tracking_events', 'id', 'at < $1', [cutoff]),
      tracking_sessions: await this.deleteInChunks('tracking_sessions', 'ctid', 'last_seen < $1', [cutoff]),
      tracked_orders: await this.deleteInChunks(
        'tracked_orders',
        'ctid',
        `placed_at < $1 and not exists (select 1 from chat_attributions a
           where a.store_id = tracked_orders.store_id and a.order_id = tracked_orders.order_id)`,
        [cutoff],
      ),
      tracked_conversations: await this.deleteInChunks(
        'tracked_conversations',
        'ctid',
        `created_at < $1 and not exists (select 1 from chat_attributions a
           where a.store_id = tracked_conversations.store_id and a.conversation_display_id = tracked_conversations.display_id)`,
        [cutoff],
      ),
    };
    for (const [table, count] of Object.entries(counts)) if (count) this.purged.inc({ table }, count);
    if (counts.tracking_events) this.logger.log({ ...counts, cutoff: cutoff.toISOString() }, 'purged old tracking data');
    return counts;
  }

  async onStoreDeleted({ storeId }: DomainEvents['store.deleted']): Promise<void> {
    await this.db.transaction(async (m) => {
      for (const table of [
        'tracking_events',
        'tracking_sessions',
        'tracked_conversations',
        'tracked_orders',
        'chat_attributions',
      ]) {
        await m.query(`delete from ${table} where store_id = $1`, [storeId]);
      }
    });
    this.logger.log({ storeId }, 'deleted tracking data of a deleted store');
  }

  /**
   * Erasure: the customer's events, sessions (and the anonymous events of those sessions) and
   * orders go. Attributions and conversations stay as anonymous facts (the sale by chat still
   * happened), with the customer and session ids removed.
   */
  async onCustomerErased({ storeId, customerId }: DomainEvents['customer.erased']): Promise<void> {
    await this.db.transaction(async (m) => {
      const sessions = (
        (await m.query('select session_id from tracking_sessions where store_id = $1 and customer_id = $2', [
          storeId,
          customerId,
        ])) as { session_id: string }[]
      ).map((s) => s.session_id);
      await m.query('delete from tracking_events where store_id = $1 and (customer_id = $2 or session_id = any($3::text[]))', [
        storeId,
        customerId,
        sessions,
      ]);
      await m.query('delete from tracking_sessions where store_id = $1 and (customer_id = $2 or session_id = any($3::text[]))', [
        storeId,
        customerId,
        sessions,
      ]);
      await m.query('delete from tracked_orders where store_id = $1 and customer_id = $2', [storeId, customerId]);
      await m.query(
        `update tracked_conversations set customer_id = null, session_id = null, updated_at = now()
          where store_id = $1 and (customer_id = $2 or session_id = any($3::text[]))`,
        [storeId, customerId, sessions],
      );
      await m.query(
        `update chat_attributions set customer_id = null, session_id = null, updated_at = now()
          where store_id = $1 and (customer_id = $2 or session_id = any($3::text[]))`,
        [storeId, customerId, sessions],
      );
    });
    this.logger.log({ storeId }, 'erased a customer from tracking data');
  }

  private async deleteInChunks(table: string, key: 'id' | 'ctid', where: string, params: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const result = (await this.db.query(
        `with doomed as (select ${key} from ${table} where ${where} limit ${PURGE_CHUNK})
         delete from ${table} where ${key} in (select ${key} from doomed)`,
        params,
      )) as [unknown, number];
      const count = Array.isArray(result) ? Number(result[1] ?? 0) : 0;
      total += count;
      if (count < PURGE_CHUNK) return total;
    }
  }
}
