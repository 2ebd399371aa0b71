import { Injectable, Logger } from '@nestjs/common';
import { StoreDirectory } from '../accounts/store-directory.service';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import type { Notification, NotificationState } from './entities/notification.entity';
import { NotificationRepository, type DeliveryPatch } from './notification.repository';
import { isRetryableStatus, signedPostHeaders, type NotificationEnvelope } from './notification-signature';

export const DELIVER_QUEUE = 'notifications.deliver';
/** Attempts in total (pg-boss retries = this - 1); after them the row is marked failed and kept. */
export const MAX_ATTEMPTS = 6;
const POST_TIMEOUT_MS = 5_000;

export interface NotifyOptions {
  /** Deliver no earlier than this many milliseconds from now (follow-ups). */
  delayMs?: number;
  /** Same key for the same store → recorded and sent once, however often notify is called. */
  dedupeKey?: string;
}

export interface NotifyResult {
  id: string;
  /** False when an earlier call with the same dedupe key already recorded it. */
  created: boolean;
}

export interface NotificationListQuery {
  state?: NotificationState;
  type?: string;
  page: number;
  pageSize: number;
}

interface DeliverJob {
  storeId: string;
  id: string;
}

class RetryableDeliveryError extends Error {}

/**
 * Outbox for store notifications: `notify` records a row and enqueues its delivery; the worker
 * POSTs a signed JSON envelope to the store's notificationUrl, retried with backoff by the queue.
 */
@Injectable()
export class NotificationService {
  private readonly logger = new Logger(NotificationService.name);
  private readonly outcomes;

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly stores: StoreDirectory,
    private readonly jobs: JobQueue,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('notifications_total', 'Store notifications by type and outcome', ['type', 'outcome']);
    jobs.register(DELIVER_QUEUE, (data) => this.deliver(data.storeId, data.id), {
      retryLimit: MAX_ATTEMPTS - 1,
      retryDelay: 2,
      retryBackoff: true,
      concurrency: 2,
    });
    jobs.on('store.deleted', 'notifications.store-deleted', async ({ storeId }) => {
      await this.notifications.forStore(storeId).deleteAll();
    });
    jobs.on('customer.erased', 'notifications.customer-erased', async ({ storeId, customerId }) => {
      await this.notifications.forStore(storeId).deleteForCustomer(customerId);
    });
  }

  async notify(
    storeId: string,
    type: string,
    payload: Record<string, unknown>,
    options: NotifyOptions = {},
  ): Promise<NotifyResult> {
    const delayMs = Math.max(0, Math.round(options.delayMs ?? 0));
    const notifications = this.notifications.forStore(storeId);
    const id = await notifications.record(type, payload, options.dedupeKey ?? null, delayMs);
    if (!id) {
      const existing = await notifications.idByDedupeKey(options.dedupeKey!);
      return { id: existing!, created: false };
    }
    await this.jobs.send(DELIVER_QUEUE, { storeId, id } satisfies DeliverJob, {
      singletonKey: `notification:${id}`,
      ...(delayMs > 0 ? { startAfter: new Date(Date.now() + delayMs) } : {}),
    });
    this.outcomes.inc({ type, outcome: 'recorded' });
    return { id, created: true };
  }

  async list(storeId: string, query: NotificationListQuery): Promise<{ items: Notification[]; total: number }> {
    return this.notifications
      .forStore(storeId)
      .page({ state: query.state, type: query.type }, (query.page - 1) * query.pageSize, query.pageSize);
  }

  /** One delivery attempt; throws to let the queue retry a retryable failure. */
  async deliver(storeId: string, id: string): Promise<void> {
    const row = await this.notifications.forStore(storeId).get(id);
    if (!row || row.state !== 'pending') return;
    const target = await this.stores.notificationTarget(storeId);
    if (!target) {
      await this.finish(row, 'skipped', { lastError: 'The store has no notificationUrl' });
      return;
    }
    const envelope: NotificationEnvelope = {
      id: row.id,
      type: row.type,
      storeId,
      createdAt: row.createdAt.toISOString(),
      data: row.payload,
    };
    const body = JSON.stringify(envelope);
    const attempts = row.attempts + 1;
    let status = 0;
    let error: string | null = null;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: signedPostHeaders(target.secret, body, row.id),
        body,
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
        redirect: 'manual',
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (status >= 200 && status < 300) {
        await this.finish(row, 'delivered', { attempts, responseStatus: status, deliveredAt: new Date() });
        return;
      }
      error = `HTTP ${status}`;
    } catch (cause) {
      error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    }
    if (isRetryableStatus(status) && attempts < MAX_ATTEMPTS) {
      await this.notifications.forStore(storeId).update(id, { attempts, lastError: error, responseStatus: status || null });
      this.outcomes.inc({ type: row.type, outcome: 'retried' });
      throw new RetryableDeliveryError(`Notification ${id} not delivered (${error}); will retry`);
    }
    this.logger.warn({ storeId, notificationId: id, type: row.type, error }, 'notification delivery failed');
    await this.finish(row, 'failed', { attempts, lastError: error, responseStatus: status || null });
  }

  private async finish(row: Notification, state: NotificationState, patch: Omit<DeliveryPatch, 'state'>): Promise<void> {
    await this.notifications.forStore(row.storeId).update(row.id, { ...patch, state });
    this.outcomes.inc({ type: row.type, outcome: state });
  }
}
