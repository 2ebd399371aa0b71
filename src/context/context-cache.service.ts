import { Injectable, Logger } from '@nestjs/common';
import { InvalidationBus } from '../common/cache/invalidation-bus';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import { TtlCache } from './context-cache';

/** Answers stay this long at most; invalidation by event usually drops them much sooner. */
export const CONTEXT_TTL_MS = 30_000;
/** "Not linked" answers expire fast: the contacts module may link the contact any moment. */
export const UNLINKED_TTL_MS = 5_000;

export const contactTag = (storeId: string, contactId: number) => `contact:${storeId}:${contactId}`;
export const customerTag = (storeId: string, customerId: string) => `customer:${storeId}:${customerId}`;
export const storeTag = (storeId: string) => `store:${storeId}`;

const INVALIDATE_TAG = 'context.tag';

/**
 * The context panel's in-process cache, dropped per customer when the contacts, webhooks or
 * this module announce a change. An event reaches one instance; the drop goes to every instance
 * through the InvalidationBus (Redis pub/sub with REDIS_URL; without it the TTL bounds how
 * stale another instance can be).
 */
@Injectable()
export class ContextCacheService {
  private readonly logger = new Logger(ContextCacheService.name);
  readonly cache = new TtlCache<unknown>({ ttlMs: CONTEXT_TTL_MS, maxEntries: 20_000 });
  private readonly lookups;

  constructor(
    jobs: JobQueue,
    metrics: MetricsService,
    private readonly bus: InvalidationBus,
  ) {
    bus.on(INVALIDATE_TAG, (tag) => {
      const dropped = this.cache.invalidateTag(tag);
      if (dropped > 0) this.logger.debug({ tag, dropped }, 'context cache invalidated');
    });
    this.lookups = metrics.counter('context_cache_lookups_total', 'Context cache lookups by outcome', ['outcome']);
    const definition = { retryLimit: 3, retryDelay: 1, concurrency: 2, batchSize: 20 };
    jobs.on(
      'order.changed',
      'context.invalidate-order',
      async (e) => this.invalidateCustomer(e.storeId, e.customerId),
      definition,
    );
    jobs.on('cart.changed', 'context.invalidate-cart', async (e) => this.invalidateCustomer(e.storeId, e.customerId), definition);
    jobs.on(
      'customer.changed',
      'context.invalidate-customer',
      async (e) => this.invalidateCustomer(e.storeId, e.customerId),
      definition,
    );
    jobs.on(
      'customer.erased',
      'context.invalidate-erasure',
      async (e) => this.invalidateCustomer(e.storeId, e.customerId),
      definition,
    );
    jobs.on(
      'conversation.changed',
      'context.invalidate-conversation',
      async (e) => {
        await this.invalidateCustomer(e.storeId, e.customerId);
        if (e.contactId != null) await this.invalidateContact(e.storeId, e.contactId);
      },
      definition,
    );
    jobs.on('store.deleted', 'context.invalidate-store', (e) => this.bus.emit(INVALIDATE_TAG, storeTag(e.storeId)), definition);
  }

  get<T>(key: string): T | undefined {
    const value = this.cache.get(key) as T | undefined;
    this.lookups.inc({ outcome: value === undefined ? 'miss' : 'hit' });
    return value;
  }

  /** Drops the customer's answers here at once and on every other instance. */
  async invalidateCustomer(storeId: string, customerId: string | null | undefined): Promise<void> {
    if (customerId) await this.bus.emit(INVALIDATE_TAG, customerTag(storeId, customerId));
  }

  async invalidateContact(storeId: string, contactId: number): Promise<void> {
    await this.bus.emit(INVALIDATE_TAG, contactTag(storeId, contactId));
  }

  clear(): void {
    this.cache.clear();
  }
}
