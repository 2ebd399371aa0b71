import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Gauge } from 'prom-client';
import { StoreStatusParts } from '../accounts/store-status-parts';
import { isDatabaseUnavailable, ServiceUnavailableError } from '../common/errors/service-unavailable';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';
import { DeliveryQueueRepository } from './delivery-queue.repository';
import { WebhookMetrics } from './webhook-metrics';

/** How old the per-store counts may be before intake reads them again. */
const REFRESH_MS = 1000;
/** /metrics is kept current even when no delivery arrives. */
const BACKGROUND_REFRESH_MS = 5000;

export interface StoreBacklog {
  /** Stored deliveries not processed yet (pending or being processed). */
  deliveries: number;
  limit: number;
  /** deliveries / limit: alert when it nears 1, intake refuses at 1. */
  ratio: number;
}

/**
 * Intake stores every verified delivery whatever the volume (Chatwoot never retries a refusal);
 * what it guards is storage: a store whose unprocessed backlog reaches WEBHOOK_BACKLOG_LIMIT
 * (far above anything the processing pace lets build up normally) gets 503 until it shrinks.
 * The per-store counts are read at most once a second and counted forward in between, so the
 * hot path costs a map lookup.
 */
@Injectable()
export class WebhookBacklogService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(WebhookBacklogService.name);
  private counts = new Map<string, number>();
  private readAt = 0;
  private reading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly ratio: Gauge<'store_id'>;
  private readonly maxRatio: Gauge;
  private readonly total: Gauge;

  constructor(
    private readonly deliveries: DeliveryQueueRepository,
    private readonly config: AppConfig,
    private readonly webhookMetrics: WebhookMetrics,
    private readonly statusParts: StoreStatusParts,
    metrics: MetricsService,
  ) {
    this.ratio = metrics.gauge(
      'webhook_backlog_ratio',
      'Unprocessed webhook deliveries of a store over WEBHOOK_BACKLOG_LIMIT (stores with a backlog only); intake refuses at 1',
      ['store_id'],
    );
    this.maxRatio = metrics.gauge('webhook_backlog_max_ratio', 'The largest webhook_backlog_ratio of any store: alert above 0.8');
    this.total = metrics.gauge('webhook_backlog_deliveries', 'Unprocessed webhook deliveries, all stores');
  }

  onModuleInit(): void {
    this.statusParts.provideWebhookIntake(async (storeId) => {
      const backlog = await this.of(storeId);
      return {
        backlog: backlog.deliveries,
        backlogLimit: backlog.limit,
        backlogRatio: backlog.ratio,
        processingPerMinute: this.config.WEBHOOK_RATE_PER_MINUTE,
      };
    });
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), BACKGROUND_REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Throws 503 WEBHOOK_BACKLOG_FULL when the store's backlog is at its ceiling. */
  async admit(storeId: string): Promise<void> {
    if (Date.now() - this.readAt > REFRESH_MS) {
      const reading = this.refresh();
      // Only the very first read is waited for; after that the hot path uses the last counts.
      if (this.readAt === 0) await reading;
      else reading.catch(() => undefined);
    }
    if ((this.counts.get(storeId) ?? 0) >= this.config.WEBHOOK_BACKLOG_LIMIT) {
      this.webhookMetrics.count('backlog_full');
      throw new ServiceUnavailableError(
        `Store ${storeId} has ${this.config.WEBHOOK_BACKLOG_LIMIT} webhook deliveries waiting to be processed; try again later`,
        'WEBHOOK_BACKLOG_FULL',
        30,
      );
    }
  }

  /** Counts a delivery just stored, until the next read includes it. */
  stored(storeId: string): void {
    this.counts.set(storeId, (this.counts.get(storeId) ?? 0) + 1);
  }

  /** The store's backlog, read now (store status). */
  async of(storeId: string): Promise<StoreBacklog> {
    const deliveries = await this.deliveries.backlogOf(storeId);
    const limit = this.config.WEBHOOK_BACKLOG_LIMIT;
    return { deliveries, limit, ratio: round(deliveries / limit) };
  }

  private refresh(): Promise<void> {
    this.reading ??= this.deliveries
      .backlogByStore()
      .then((counts) => {
        this.counts = counts;
        this.readAt = Date.now();
        this.report(counts);
      })
      .catch((error: unknown) => {
        // While the database is away intake answers 503 anyway; one line per failed read would flood the log.
        if (!isDatabaseUnavailable(error)) this.logger.warn({ err: error }, 'webhook backlog could not be read');
        throw error;
      })
      .finally(() => {
        this.reading = undefined;
      });
    return this.reading;
  }

  private report(counts: Map<string, number>): void {
    const limit = this.config.WEBHOOK_BACKLOG_LIMIT;
    this.ratio.reset();
    let max = 0;
    let total = 0;
    for (const [storeId, n] of counts) {
      this.ratio.set({ store_id: storeId }, round(n / limit));
      max = Math.max(max, n / limit);
      total += n;
    }
    this.maxRatio.set(round(max));
    this.total.set(total);
  }
}

function round(ratio: number): number {
  return Math.round(ratio * 10_000) / 10_000;
}
