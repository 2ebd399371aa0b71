import { Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../observability/metrics.service';

export type IntakeResult = 'accepted' | 'duplicate' | 'bad_signature' | 'stale' | 'unknown_store' | 'malformed' | 'backlog_full';

/** The module's instruments, created once and shared by the guard, intake and workers. */
@Injectable()
export class WebhookMetrics {
  readonly deliveries: Counter<'result'>;
  readonly processing: Histogram<'event'>;
  readonly conversations: Counter<'event'>;
  /** Drain batches by how their conversation deliveries were applied: `set` (one transaction) or `fallback` (one by one). */
  readonly drainBatches: Counter<'path'>;
  /** Reconciliation list requests to Chatwoot, by mode: one per `updated_within` run, pages of a first full scan. */
  readonly reconcileRequests: Counter<'mode'>;

  constructor(metrics: MetricsService) {
    this.deliveries = metrics.counter('webhook_deliveries_total', 'Chatwoot webhook deliveries by intake result', ['result']);
    this.processing = metrics.histogram('webhook_processing_duration_seconds', 'Time to process one stored delivery', ['event']);
    this.conversations = metrics.counter('conversations_processed_total', 'Conversation-bearing webhook events applied', [
      'event',
    ]);
    this.drainBatches = metrics.counter(
      'webhook_drain_batches_total',
      'Claimed batches whose conversation deliveries were applied set-based (path=set) or, after that failed, one by one (path=fallback)',
      ['path'],
    );
    this.reconcileRequests = metrics.counter(
      'webhook_reconcile_requests_total',
      'Conversation list requests made by reconciliation (mode: updated_within or full_scan)',
      ['mode'],
    );
  }

  count(result: IntakeResult): void {
    this.deliveries.inc({ result });
  }
}
