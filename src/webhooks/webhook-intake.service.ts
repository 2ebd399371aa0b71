import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { InvalidRequestError } from '../common/errors/domain-error';
import { JobQueue } from '../jobs/job-queue.service';
import { DeliveryBatcher } from './delivery-batcher';
import { WebhookBacklogService } from './webhook-backlog.service';
import { DeliveryQueueRepository } from './delivery-queue.repository';
import { WebhookMetrics } from './webhook-metrics';
import { WebhookVerifier, type IncomingWebhook } from './webhook-verifier';

export const DRAIN_QUEUE = 'webhooks.drain';
/** At most one drain job per this many ms per instance, however many deliveries arrive. */
const WAKE_INTERVAL_MS = 50;
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface IntakeAck {
  received: true;
  duplicate: boolean;
}

/**
 * The hot path: the delivery is verified, stored whatever the volume (one shared INSERT per event-loop turn) and a
 * worker is woken. Processing happens in the drain job. Transport-free: the intake endpoint
 * reads the HTTP request, this decides.
 */
@Injectable()
export class WebhookIntakeService implements OnModuleDestroy {
  private readonly batcher: DeliveryBatcher;
  private wakeTimer: NodeJS.Timeout | undefined;
  private lastWake = 0;

  constructor(
    private readonly verifier: WebhookVerifier,
    private readonly deliveries: DeliveryQueueRepository,
    private readonly backlog: WebhookBacklogService,
    private readonly jobs: JobQueue,
    private readonly metrics: WebhookMetrics,
  ) {
    this.batcher = new DeliveryBatcher((rows) => this.deliveries.insertMany(rows));
  }

  async accept(delivery: IncomingWebhook): Promise<IntakeAck> {
    const verified = await this.verifier.verify(delivery);
    const body = delivery.body as Record<string, unknown> | null;
    if (!body || typeof body !== 'object' || Array.isArray(body) || typeof body.event !== 'string' || body.event === '') {
      this.metrics.count('malformed');
      throw new InvalidRequestError('The webhook body must be a JSON object with an "event" name', 'MALFORMED_WEBHOOK');
    }
    // No volume limit here: Chatwoot never retries, so a refusal is a lost event. The pace applies
    // to processing (the drain); intake only guards storage against a runaway backlog.
    await this.backlog.admit(verified.storeId);
    const raw = delivery.rawBody;
    const inserted = await this.batcher.add({
      storeId: verified.storeId,
      deliveryId: deliveryIdOf(delivery, verified.timestamp),
      event: body.event.slice(0, 100),
      accountId: verified.accountId,
      signedAt: verified.timestamp,
      body: raw.toString('utf8'),
    });
    this.metrics.count(inserted ? 'accepted' : 'duplicate');
    if (inserted) {
      this.backlog.stored(verified.storeId);
      this.wake();
    }
    return { received: true, duplicate: !inserted };
  }

  /** Trailing-edge throttle: every stored delivery is followed by a drain job sent after it. */
  wake(): void {
    if (this.wakeTimer) return;
    const wait = Math.max(0, this.lastWake + WAKE_INTERVAL_MS - Date.now());
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.lastWake = Date.now();
      void this.jobs.send(DRAIN_QUEUE, {}).catch(() => undefined);
    }, wait);
  }

  onModuleDestroy(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
  }
}

/** X-Chatwoot-Delivery, or (pre-v4.11 Chatwoot sends none) a hash of the signed bytes so a resend still dedupes. */
function deliveryIdOf(delivery: IncomingWebhook, timestamp: number): string {
  const value = delivery.headers['x-chatwoot-delivery'];
  const id = Array.isArray(value) ? value[0] : value;
  if (id && DELIVERY_ID.test(id)) return id;
  if (id) throw new InvalidRequestError('X-Chatwoot-Delivery is not a valid delivery id', 'MALFORMED_WEBHOOK');
  return `sha256:${createHash('sha256').update(String(timestamp)).update('.').update(delivery.rawBody).digest('hex')}`;
}
