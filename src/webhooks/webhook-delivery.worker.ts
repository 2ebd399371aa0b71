import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import pLimit from 'p-limit';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { isChatwootEvent } from '../chatwoot/webhook-events';
import { AppConfig } from '../config/app-config';
import { enqueueTick } from '../jobs/cron-enqueuer';
import { JobQueue } from '../jobs/job-queue.service';
import { PayloadError } from './chatwoot-payload';
import { ConversationBatchApplier, type BatchDelivery } from './conversation-batch-applier.service';
import type { DeliveryContext } from './delivery-context';
import {
  DELIVERY_LEASE_SECONDS,
  DeliveryQueueRepository,
  type ClaimedDelivery,
  type DeliveryOutcome,
} from './delivery-queue.repository';
import { WebhookEventHandlers, type ConversationChange } from './webhook-event-handlers';
import { DRAIN_QUEUE } from './webhook-intake.service';
import { WebhookMetrics } from './webhook-metrics';

export const PROCESS_QUEUE = 'webhooks.process';
const CLAIM_BATCH = 100;
const PARALLEL = 8;
const MAX_ATTEMPTS = 5;

/**
 * Turns stored deliveries into state: claims, settles and retries; what a delivery means is the
 * event handlers' business. The drain job claims pending rows in batches (SKIP LOCKED, so any
 * number of workers share them). A batch's conversation and message deliveries are applied
 * together, set-based (ConversationBatchApplier); every other delivery, and a batch whose set
 * transaction fails, is settled one delivery at a time (WebhookEventHandlers). A failing row is
 * handed to `webhooks.process`, where pg-boss retries it with backoff, and is marked failed
 * (replayable) after MAX_ATTEMPTS.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private pacedWake: NodeJS.Timeout | undefined;

  constructor(
    private readonly deliveries: DeliveryQueueRepository,
    private readonly handlers: WebhookEventHandlers,
    private readonly batchApplier: ConversationBatchApplier,
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
      // Short leases renewed while working: a crashed instance's claims are taken over within seconds.
      const ids = batch.map((row) => row.id);
      const heartbeat = setInterval(
        () => void this.deliveries.renew(ids).catch(() => undefined),
        (DELIVERY_LEASE_SECONDS * 1000) / 3,
      );
      let outcomes: DeliveryOutcome[];
      try {
        outcomes = await this.settleBatch(batch);
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

  /**
   * A claimed batch → its outcomes; never throws. Conversation and message deliveries of stores
   * that exist go through the set-based path together; the rest (and a batch the set path could
   * not commit) are settled one by one, PARALLEL conversations at a time, each conversation's
   * deliveries in delivery order.
   */
  private async settleBatch(batch: ClaimedDelivery[]): Promise<DeliveryOutcome[]> {
    const limit = pLimit(PARALLEL);
    const single: ClaimedDelivery[] = [];
    const parsed: { row: ClaimedDelivery; change: ConversationChange }[] = [];
    for (const row of batch) {
      const change = this.handlers.conversationChange(row.event, row.body);
      if (change) parsed.push({ row, change });
      else single.push(row);
    }
    // The store is looked up once per store of the batch; a store that is gone is left to the per-delivery path.
    const contexts = new Map<string, DeliveryContext>();
    for (const storeId of new Set(parsed.map((p) => p.row.storeId)))
      contexts.set(storeId, await this.handlers.contextFor(storeId));
    const rows: ClaimedDelivery[] = [];
    const deliveries: BatchDelivery[] = [];
    for (const { row, change } of parsed) {
      const ctx = contexts.get(row.storeId)!;
      if (!ctx.store) {
        single.push(row);
        continue;
      }
      rows.push(row);
      deliveries.push({ ctx, event: row.event, ...change });
    }
    const outcomes: DeliveryOutcome[] = [];
    if (rows.length > 0) {
      const started = process.hrtime.bigint();
      try {
        await this.batchApplier.applyMany(deliveries);
        this.metrics.drainBatches.inc({ path: 'set' });
        outcomes.push(...rows.map((row) => ({ id: row.id, state: 'processed' as const, note: null })));
        // Each delivery's share of its batch's time.
        const share = Number(process.hrtime.bigint() - started) / 1e9 / rows.length;
        for (const row of rows) this.metrics.processing.observe({ event: row.event }, share);
      } catch (error) {
        // Nothing committed (state and effects are one transaction): each delivery is settled on its own, so a bad one fails alone.
        this.logger.warn({ deliveries: rows.length, err: error }, 'set-based drain of a batch failed; settling it one by one');
        this.metrics.drainBatches.inc({ path: 'fallback' });
        single.push(...rows);
      }
    }
    // One conversation's deliveries in delivery order, as the set path folds them; conversations in parallel.
    const conversationOf = new Map(parsed.map(({ row, change }) => [row, `${row.storeId}\u0000${change.snapshot.displayId}`]));
    const lanes = new Map<string, ClaimedDelivery[]>();
    for (const row of single) {
      const lane = conversationOf.get(row) ?? row.id;
      lanes.set(lane, [...(lanes.get(lane) ?? []), row]);
    }
    const settled = await Promise.all(
      [...lanes.values()].map((lane) =>
        limit(async () => {
          const laneOutcomes: DeliveryOutcome[] = [];
          for (const row of lane) laneOutcomes.push(await this.settle(row));
          return laneOutcomes;
        }),
      ),
    );
    outcomes.push(...settled.flat());
    return outcomes;
  }

  /** One delivery → its outcome; never throws (a failure becomes a retry or a failed row). */
  private async settle(row: ClaimedDelivery, inRetryJob = false): Promise<DeliveryOutcome> {
    const stop = this.metrics.processing.startTimer({ event: isChatwootEvent(row.event) ? row.event : 'unknown' });
    try {
      const outcome = await this.handlers.handle(row.storeId, row.event, row.body);
      return { id: row.id, ...outcome };
    } catch (error) {
      return await this.failure(row, error, inRetryJob);
    } finally {
      stop();
    }
  }

  /** A delivery that failed: failed for good (bad payload, permanent error, out of attempts) or retried later. */
  private async failure(row: ClaimedDelivery, error: unknown, inRetryJob: boolean): Promise<DeliveryOutcome> {
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
  }
}
