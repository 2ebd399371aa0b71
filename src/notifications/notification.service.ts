import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import { Notification, type NotificationState } from './entities/notification.entity';
import { isRetryableStatus, signNotification, type NotificationEnvelope } from './notification-signature';

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
    @InjectRepository(Notification) private readonly notifications: Repository<Notification>,
    private readonly stores: StoreDirectory,
    private readonly jobs: JobQueue,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('notifications_total', 'Store notifications by type and outcome', ['type', 'outcome']);
    jobs.register<DeliverJob>(DELIVER_QUEUE, (data) => this.deliver(data.storeId, data.id), {
      retryLimit: MAX_ATTEMPTS - 1,
      retryDelay: 2,
      retryBackoff: true,
      concurrency: 2,
    });
    jobs.on('store.deleted', 'notifications.store-deleted', async ({ storeId }) => {
      await this.notifications.delete({ storeId });
    });
    jobs.on('customer.erased', 'notifications.customer-erased', async ({ storeId, customerId }) => {
      await this.notifications
        .createQueryBuilder()
        .delete()
        .where('store_id = :storeId', { storeId })
        .andWhere("payload->>'customerId' = :customerId", { customerId })
        .execute();
    });
  }

  async notify(
    storeId: string,
    type: string,
    payload: Record<string, unknown>,
    options: NotifyOptions = {},
  ): Promise<NotifyResult> {
    const delayMs = Math.max(0, Math.round(options.delayMs ?? 0));
    const inserted: { id: string }[] = await this.notifications.query(
      `insert into notifications (store_id, type, payload, dedupe_key, deliver_after)
       values ($1, $2, $3, $4, now() + $5 * interval '1 millisecond')
       on conflict (store_id, dedupe_key) where dedupe_key is not null do nothing
       returning id`,
      [storeId, type, JSON.stringify(payload), options.dedupeKey ?? null, delayMs],
    );
    if (inserted.length === 0) {
      const existing = await this.notifications.findOneOrFail({ where: { storeId, dedupeKey: options.dedupeKey } });
      return { id: existing.id, created: false };
    }
    const id = inserted[0].id;
    await this.jobs.send(DELIVER_QUEUE, { storeId, id } satisfies DeliverJob, {
      singletonKey: `notification:${id}`,
      ...(delayMs > 0 ? { startAfter: new Date(Date.now() + delayMs) } : {}),
    });
    this.outcomes.inc({ type, outcome: 'recorded' });
    return { id, created: true };
  }

  async list(storeId: string, query: NotificationListQuery): Promise<{ items: Notification[]; total: number }> {
    const [items, total] = await this.notifications.findAndCount({
      where: { storeId, ...(query.state ? { state: query.state } : {}), ...(query.type ? { type: query.type } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items, total };
  }

  /** One delivery attempt; throws to let the queue retry a retryable failure. */
  async deliver(storeId: string, id: string): Promise<void> {
    const row = await this.notifications.findOne({ where: { storeId, id } });
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
    const timestamp = Math.floor(Date.now() / 1000);
    const attempts = row.attempts + 1;
    let status = 0;
    let error: string | null = null;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'chatwoot-store-bridge',
          'x-bridge-signature': signNotification(target.secret, timestamp, body),
          'x-bridge-timestamp': String(timestamp),
          'x-bridge-delivery': row.id,
        },
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
      await this.notifications.update(
        { storeId, id },
        { attempts, lastError: error, responseStatus: status || null, updatedAt: new Date() },
      );
      this.outcomes.inc({ type: row.type, outcome: 'retried' });
      throw new RetryableDeliveryError(`Notification ${id} not delivered (${error}); will retry`);
    }
    this.logger.warn({ storeId, notificationId: id, type: row.type, error }, 'notification delivery failed');
    await this.finish(row, 'failed', { attempts, lastError: error, responseStatus: status || null });
  }

  private async finish(
    row: Notification,
    state: NotificationState,
    patch: Pick<Partial<Notification>, 'attempts' | 'lastError' | 'responseStatus' | 'deliveredAt'>,
  ): Promise<void> {
    await this.notifications.update({ storeId: row.storeId, id: row.id }, { ...patch, state, updatedAt: new Date() });
    this.outcomes.inc({ type: row.type, outcome: state });
  }
}
