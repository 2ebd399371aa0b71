import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import type { DomainEvents } from '../common/events/domain-events';
import { AppConfig } from '../config/app-config';
import { enqueueTick } from '../jobs/cron-enqueuer';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import { ChatAttributionRepository } from './chat-attribution.repository';
import { StorefrontActivityRepository } from './storefront-activity.repository';
import { TrackedFactsRepository } from './tracked-facts.repository';
import { TrackingRetentionScanRepository, TrackingStoreDataRepository } from './tracking-purge.repository';

export const PURGE_QUEUE = 'tracking.purge';

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
    private readonly retention: TrackingRetentionScanRepository,
    private readonly storeData: TrackingStoreDataRepository,
    private readonly activity: StorefrontActivityRepository,
    private readonly facts: TrackedFactsRepository,
    private readonly attributions: ChatAttributionRepository,
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
      tracking_events: await this.retention.eventsBefore(cutoff),
      tracking_sessions: await this.retention.sessionsIdleSince(cutoff),
      tracked_orders: await this.retention.unattributedOrdersBefore(cutoff),
      tracked_conversations: await this.retention.unattributedConversationsBefore(cutoff),
    };
    for (const [table, count] of Object.entries(counts)) if (count) this.purged.inc({ table }, count);
    if (counts.tracking_events) this.logger.log({ ...counts, cutoff: cutoff.toISOString() }, 'purged old tracking data');
    return counts;
  }

  async onStoreDeleted({ storeId }: DomainEvents['store.deleted']): Promise<void> {
    await this.db.transaction((m) => this.storeData.forStore(storeId, m).deleteAll());
    this.logger.log({ storeId }, 'deleted tracking data of a deleted store');
  }

  /**
   * Erasure: the customer's events, sessions (and the anonymous events of those sessions) and
   * orders go. Attributions and conversations stay as anonymous facts (the sale by chat still
   * happened), with the customer and session ids removed.
   */
  async onCustomerErased({ storeId, customerId }: DomainEvents['customer.erased']): Promise<void> {
    await this.db.transaction(async (m) => {
      const activity = this.activity.forStore(storeId, m);
      const sessions = await activity.sessionIdsOf(customerId);
      await activity.eraseCustomer(customerId, sessions);
      await this.facts.forStore(storeId, m).eraseCustomer(customerId, sessions);
      await this.attributions.forStore(storeId, m).anonymize(customerId, sessions);
    });
    this.logger.log({ storeId }, 'erased a customer from tracking data');
  }
}
