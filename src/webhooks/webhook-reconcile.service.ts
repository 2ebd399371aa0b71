import { Injectable, Logger, Optional, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { StoreDirectory } from '../accounts/store-directory.service';
import { AppConfig } from '../config/app-config';
import { enqueueTick } from '../jobs/cron-enqueuer';
import { JobPriority, JobQueue } from '../jobs/job-queue.service';
import { parseConversation, PayloadError } from './chatwoot-payload';
import { ReconcileCursorRepository } from './reconcile-cursor.repository';
import { WebhookMetrics } from './webhook-metrics';
import { ConversationApplier } from './conversation-applier.service';
import { DeliveryContext } from './delivery-context';

export const RECONCILE_SCAN_QUEUE = 'webhooks.reconcile-scan';
export const RECONCILE_QUEUE = 'webhooks.reconcile';
/**
 * Only the first, full scan of a store is paged (Chatwoot pages 25 per page, configurable there
 * as CONVERSATION_RESULTS_PER_PAGE, so the page size is never assumed): it stops on an empty page
 * or once `meta.all_count` conversations were read. The cap only guards against a server that
 * keeps answering the same page.
 */
const MAX_FULL_SCAN_PAGES = 2000;
/** Overlap with the previous run, for clock skew and changes made while it ran. */
const OVERLAP_SECONDS = 120;

export interface ReconcileResult {
  storeId: string;
  pages: number;
  seen: number;
  applied: number;
}

/**
 * Chatwoot never retries a webhook: every few minutes each store's recently updated
 * conversations are read back and applied with the same newer-wins logic, so a missed
 * delivery costs minutes of staleness, not lost state.
 */
@Injectable()
export class WebhookReconcileService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookReconcileService.name);
  /** WEBHOOK_RECONCILE_SECONDS: the tick's period and the slot its singleton job holds. */
  readonly intervalSeconds: number;

  constructor(
    private readonly cursors: ReconcileCursorRepository,
    private readonly stores: StoreDirectory,
    private readonly applier: ConversationApplier,
    private readonly jobs: JobQueue,
    private readonly metrics: WebhookMetrics,
    config: AppConfig,
    // Present only when cron runs in this instance (CRON_ENABLED).
    @Optional() private readonly scheduler?: SchedulerRegistry,
  ) {
    this.intervalSeconds = config.WEBHOOK_RECONCILE_SECONDS;
    jobs.register(RECONCILE_SCAN_QUEUE, async () => void (await this.scan()), { retryLimit: 1 });
    jobs.register(RECONCILE_QUEUE, async ({ storeId }) => void (await this.reconcileStore(storeId)), {
      retryLimit: 4,
      retryDelay: 30,
      concurrency: 2,
    });
  }

  /** An interval (a cron expression cannot say "every N s"), started once the job queues exist. */
  onApplicationBootstrap(): void {
    if (!this.scheduler) return;
    const timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.logger.warn({ err: error }, 'reconcile tick failed'));
    }, this.intervalSeconds * 1000);
    timer.unref();
    this.scheduler.addInterval(RECONCILE_SCAN_QUEUE, timer);
  }

  onModuleDestroy(): void {
    if (this.scheduler?.doesExist('interval', RECONCILE_SCAN_QUEUE)) this.scheduler.deleteInterval(RECONCILE_SCAN_QUEUE);
  }

  tick(): Promise<string | null> {
    return enqueueTick(this.jobs, RECONCILE_SCAN_QUEUE, this.intervalSeconds);
  }

  /** One job per store, so one slow or broken store delays nobody. */
  async scan(): Promise<number> {
    let sent = 0;
    for (const storeId of await this.stores.listStoreIds(['active'])) {
      await this.jobs.send(
        RECONCILE_QUEUE,
        { storeId },
        // One run per store per interval, a little shorter than it so the next tick is never refused.
        {
          singletonKey: `reconcile:${storeId}`,
          singletonSeconds: Math.max(1, Math.floor(this.intervalSeconds * 0.8)),
          priority: JobPriority.bulk,
        },
      );
      sent += 1;
    }
    return sent;
  }

  async reconcileStore(storeId: string): Promise<ReconcileResult> {
    const startedAt = new Date();
    const cursor = this.cursors.forStore(storeId);
    const lastRunAt = await cursor.lastRunAt();
    const api = await this.stores.chatwootFor(storeId, 'bulk');
    // One store view for the whole run, as for a delivery.
    const ctx = new DeliveryContext(storeId, await this.stores.find(storeId));
    const updatedWithin = lastRunAt ? Math.ceil((startedAt.getTime() - lastRunAt.getTime()) / 1000) + OVERLAP_SECONDS : undefined;
    const result: ReconcileResult = { storeId, pages: 0, seen: 0, applied: 0 };
    if (updatedWithin !== undefined) {
      // With `updated_within` Chatwoot answers every matching conversation at once and ignores
      // `page` (app/finders/conversation_finder.rb#conversations): one request per run.
      const { payload } = await api.listConversations({
        status: 'all',
        sort_by: 'last_activity_at_desc',
        updated_within: updatedWithin,
      });
      result.pages = 1;
      this.metrics.reconcileRequests.inc({ mode: 'updated_within' });
      await this.applyAll(ctx, payload, result);
    } else {
      for (let page = 1; page <= MAX_FULL_SCAN_PAGES; page++) {
        const { meta, payload } = await api.listConversations({ status: 'all', sort_by: 'last_activity_at_desc', page });
        result.pages = page;
        this.metrics.reconcileRequests.inc({ mode: 'full_scan' });
        if (payload.length === 0) break;
        await this.applyAll(ctx, payload, result);
        // all_count counts the same status filter, before paging (ConversationFinder#set_count_for_all_conversations).
        const total = typeof meta?.all_count === 'number' ? meta.all_count : undefined;
        if (total !== undefined && result.seen >= total) break;
      }
    }
    await cursor.save(startedAt, result.seen);
    if (result.applied) this.logger.log(result, 'reconciliation applied missed conversation changes');
    return result;
  }

  private async applyAll(ctx: DeliveryContext, payload: unknown[], result: ReconcileResult): Promise<void> {
    for (const raw of payload) {
      result.seen += 1;
      try {
        const applied = await this.applier.apply(ctx, 'reconcile', parseConversation(raw), null);
        if (applied.announced) result.applied += 1;
      } catch (error) {
        if (!(error instanceof PayloadError)) throw error;
        this.logger.warn({ storeId: ctx.storeId, err: error }, 'skipping an unreadable conversation');
      }
    }
  }
}
