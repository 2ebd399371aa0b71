import pLimit from 'p-limit';
import { AppConfig } from '../../src/config/app-config';
import { PayloadError } from '../../src/webhooks/chatwoot-payload';
import { DeliveryQueueRepository, type DeliveryOutcome } from '../../src/webhooks/delivery-queue.repository';
import { WebhookEventHandlers } from '../../src/webhooks/webhook-event-handlers';

interface AppLike {
  get<T>(token: abstract new (...args: any[]) => T): T;
}

/**
 * The drain as it was before the set-based path: claims batches of 100 like the worker and
 * settles every row on its own through WebhookEventHandlers (one ConversationApplier
 * transaction per delivery), `parallel` rows at a time (the old worker ran 8 loops). Kept so the
 * bench can measure both paths on the same backlog and the equivalence test can compare their
 * results; `parallel: 1` applies deliveries strictly in delivery order. A failure marks its row
 * failed (bad payload) or pending, without the retry job.
 */
export async function drainPerDelivery(app: AppLike, parallel = 8): Promise<number> {
  const deliveries = app.get(DeliveryQueueRepository);
  const handlers = app.get(WebhookEventHandlers);
  const config = app.get(AppConfig);
  let total = 0;
  for (;;) {
    const { rows: batch } = await deliveries.claim(100, config.WEBHOOK_RATE_PER_MINUTE);
    if (batch.length === 0) return total;
    const limit = pLimit(parallel);
    const outcomes = await Promise.all(
      batch.map((row) =>
        limit(async (): Promise<DeliveryOutcome> => {
          try {
            return { id: row.id, ...(await handlers.handle(row.storeId, row.event, row.body)) };
          } catch (error) {
            const note = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
            return { id: row.id, state: error instanceof PayloadError ? 'failed' : 'pending', note };
          }
        }),
      ),
    );
    await deliveries.finish(outcomes);
    total += batch.length;
  }
}
