import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { enqueueTick } from '../jobs/cron-enqueuer';
import { JobPriority, JobQueue } from '../jobs/job-queue.service';
import { parseConversation, PayloadError } from './chatwoot-payload';
import { WebhookProcessorService } from './webhook-processor.service';

export const RECONCILE_SCAN_QUEUE = 'webhooks.reconcile-scan';
export const RECONCILE_QUEUE = 'webhooks.reconcile';
const PAGE_SIZE = 25;
const MAX_PAGES = 200;
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
export class WebhookReconcileService {
  private readonly logger = new Logger(WebhookReconcileService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stores: StoreDirectory,
    private readonly processor: WebhookProcessorService,
    private readonly jobs: JobQueue,
  ) {
    jobs.register(RECONCILE_SCAN_QUEUE, async () => void (await this.scan()), { retryLimit: 1 });
    jobs.register<{ storeId: string }>(RECONCILE_QUEUE, async ({ storeId }) => void (await this.reconcileStore(storeId)), {
      retryLimit: 4,
      retryDelay: 30,
      concurrency: 2,
    });
  }

  @Cron('*/5 * * * *')
  tick(): Promise<string | null> {
    return enqueueTick(this.jobs, RECONCILE_SCAN_QUEUE, 300);
  }

  /** One job per store, so one slow or broken store delays nobody. */
  async scan(): Promise<number> {
    let sent = 0;
    for (const storeId of await this.stores.listStoreIds(['active'])) {
      await this.jobs.send(
        RECONCILE_QUEUE,
        { storeId },
        { singletonKey: `reconcile:${storeId}`, singletonSeconds: 240, priority: JobPriority.bulk },
      );
      sent += 1;
    }
    return sent;
  }

  async reconcileStore(storeId: string): Promise<ReconcileResult> {
    const startedAt = new Date();
    const [cursor] = (await this.dataSource.query('select last_run_at from webhook_reconcile_cursors where store_id = $1', [
      storeId,
    ])) as { last_run_at: Date }[];
    const api = await this.stores.chatwootFor(storeId, 'bulk');
    const updatedWithin = cursor
      ? Math.ceil((startedAt.getTime() - cursor.last_run_at.getTime()) / 1000) + OVERLAP_SECONDS
      : undefined;
    const result: ReconcileResult = { storeId, pages: 0, seen: 0, applied: 0 };
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query: Parameters<typeof api.listConversations>[0] & { updated_within?: number } = {
        status: 'all',
        sort_by: 'last_activity_at_desc',
        page,
      };
      if (updatedWithin !== undefined) query.updated_within = updatedWithin;
      const { payload } = await api.listConversations(query);
      result.pages = page;
      for (const raw of payload) {
        result.seen += 1;
        try {
          const applied = await this.processor.applyConversation(storeId, 'reconcile', parseConversation(raw), null);
          if (applied.announced) result.applied += 1;
        } catch (error) {
          if (!(error instanceof PayloadError)) throw error;
          this.logger.warn({ storeId, err: error }, 'skipping an unreadable conversation');
        }
      }
      if (payload.length < PAGE_SIZE) break;
    }
    await this.dataSource.query(
      `insert into webhook_reconcile_cursors (store_id, last_run_at, conversations_seen) values ($1, $2, $3)
       on conflict (store_id) do update set last_run_at = excluded.last_run_at, conversations_seen = excluded.conversations_seen,
         updated_at = now()`,
      [storeId, startedAt, result.seen],
    );
    if (result.applied) this.logger.log(result, 'reconciliation applied missed conversation changes');
    return result;
  }
}
