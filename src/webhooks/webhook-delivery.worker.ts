import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { isChatwootEvent } from '../chatwoot/webhook-events';
import { AppConfig } from '../config/app-config';
import { enqueueTick } from '../jobs/cron-enqueuer';
import { JobQueue } from '../jobs/job-queue.service';
import { PayloadError } from './chatwoot-payload';
import {
  DELIVERY_LEASE_SECONDS,
  WebhookDeliveryRepository,
  type ClaimedDelivery,
  type DeliveryOutcome,
} from './webhook-delivery.repository';
import { WebhookEventHandlers } from './webhook-event-handlers';
import { DRAIN_QUEUE } from './webhook-intake.service';
import { WebhookMetrics } from './webhook-metrics';

export const PROCESS_QUEUE = 'webhooks.process';
const CLAIM_BATCH = 100;
const PARALLEL = 8;
const MAX_ATTEMPTS = 5;

/**
 * Turns stored deliveries into state: claims, settles and retries; what a delivery means is the
 * event handlers' business. The drain job claims pending rows in batches (SKIP LOCKED, so any
 * number of workers share them); a failing row is handed to `webhooks.process`, where pg-boss
 * retries it with backoff, and is marked failed (replayable) after MAX_ATTEMPTS.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private pacedWake: NodeJS.Timeout | undefined;

  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly handlers: WebhookEventHandlers,
    private readonly jobs: JobQueue,
    private readonly metrics: WebhookMetrics,
    private readonly config: AppConfig,
  ) {
    jobs.register(DRAIN_QUEUE, async () => void (await this.drain()), { retryLimit: 2, retryDelay: 1, concurrency: 2 });
    jobs.register(PROCESS_QUEUE, (data) => this.processById(data.storeId, data.id), {
      retryLimit: MAX_ATTEMPTS,
      retryDelay: 2,
    });
  }

  /**
   * A (re)started instance drains at once and again just after a dead instance's delivery claims
   * have run out of lease, so a crash delays those deliveries by seconds, not until the next tick.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.send(DRAIN_QUEUE, {});
    await this.jobs.send(DRAIN_QUEUE, {}, { startAfter: DELIVERY_LEASE_SECONDS + 1 });
  }

  /** Safety net: wakes a drain even if an instance died between storing and waking. */
  @Cron('*/1 * * * *')
  tick(): Promise<string | null> {
    return enqueueTick(this.jobs, DRAIN_QUEUE, 60);
  }

  /**
   * Processes pending deliveries until none are left or every store with work has spent its
   * pace (WEBHOOK_RATE_PER_MINUTE per account, shared fairly between stores); returns how many
   * were handled. A paced store is drained again once its budget refills.
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const { rows: batch, throttledFor } = await this.deliveries.claim(CLAIM_BATCH, this.config.WEBHOOK_RATE_PER_MINUTE);
      if (batch.length === 0) {
        if (throttledFor !== null) this.drainLater(throttledFor);
        return total;
      }
      const outcomes: DeliveryOutcome[] = [];
      let next = 0;
      const worker = async () => {
        while (next < batch.length) {
          const row = batch[next++];
          outcomes.push(await this.settle(row));
        }
      };
      // Short leases renewed while working: a crashed instance's claims are taken over within seconds.
      const ids = batch.map((row) => row.id);
      const heartbeat = setInterval(
        () => void this.deliveries.renew(ids).catch(() => undefined),
        (DELIVERY_LEASE_SECONDS * 1000) / 3,
      );
      try {
        await Promise.all(Array.from({ length: Math.min(PARALLEL, batch.length) }, worker));
      } finally {
        clearInterval(heartbeat);
      }
      await this.deliveries.finish(outcomes);
      total += batch.length;
    }
  }

  /** One delayed drain per instance while stores wait for their pace (the cron tick is the net). */
  private drainLater(seconds: number): void {
    if (this.pacedWake) return;
    this.pacedWake = setTimeout(
      () => {
        this.pacedWake = undefined;
        void this.jobs.send(DRAIN_QUEUE, {}).catch(() => undefined);
      },
      // At least a second: a paced store is worked in batches, not one delivery per job.
      Math.min(30_000, Math.max(1000, Math.ceil(seconds * 1000))),
    );
    this.pacedWake.unref();
  }

  onModuleDestroy(): void {
    if (this.pacedWake) clearTimeout(this.pacedWake);
  }

  private async processById(storeId: string, id: string): Promise<void> {
    const row = await this.deliveries.claimOne(storeId, id);
    if (!row) return;
    const outcome = await this.settle(row, true);
    await this.deliveries.finish([outcome]);
    if (outcome.state === 'pending') throw new Error(outcome.note ?? 'delivery processing failed');
  }

  /** One delivery → its outcome; never throws (a failure becomes a retry or a failed row). */
  private async settle(row: ClaimedDelivery, inRetryJob = false): Promise<DeliveryOutcome> {
    const stop = this.metrics.processing.startTimer({ event: isChatwootEvent(row.event) ? row.event : 'unknown' });
    try {
      const outcome = await this.handlers.handle(row.storeId, row.event, row.body);
      return { id: row.id, ...outcome };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof PayloadError || (error instanceof ChatwootApiError && !error.retryable);
      if (permanent || row.attempts >= MAX_ATTEMPTS) {
        this.logger.warn(
          { storeId: row.storeId, deliveryId: row.deliveryId, event: row.event, err: error },
          'webhook delivery failed',
        );
        return { id: row.id, state: 'failed', note: message.slice(0, 1000) };
      }
      if (!inRetryJob) {
        await this.jobs.send(PROCESS_QUEUE, { storeId: row.storeId, id: row.id }, { startAfter: 2 * row.attempts });
      }
      return { id: row.id, state: 'pending', note: message.slice(0, 1000) };
    } finally {
      stop();
    }
  }
}
