import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { StoreDirectory, type StoreView } from '../../accounts/store-directory.service';
import { InvalidationBus } from '../../common/cache/invalidation-bus';
import { JobQueue } from '../../jobs/job-queue.service';
import { TtlCache } from '../context-cache';

/**
 * Which store a credential or account belongs to, remembered briefly so a cached context answer
 * costs no SQL at all. Only hits are kept (a new store is usable at once); a rotated context
 * token or changed settings take effect within {@link STORE_LOOKUP_TTL_MS}.
 */
export const STORE_LOOKUP_TTL_MS = 10_000;

@Injectable()
export class StoreLookup {
  private readonly cache = new TtlCache<StoreView>({ ttlMs: STORE_LOOKUP_TTL_MS, maxEntries: 10_000 });

  constructor(
    private readonly stores: StoreDirectory,
    jobs: JobQueue,
    bus: InvalidationBus,
  ) {
    bus.on('context.stores', () => this.cache.clear());
    // A deleted store's context token must stop working on every instance, not in 10 s.
    jobs.on('store.deleted', 'context.forget-store', () => bus.emit('context.stores', ''));
  }

  async byContextToken(token: string): Promise<StoreView | null> {
    const key = `token:${createHash('sha256').update(token).digest('hex')}`;
    return this.cache.get(key) ?? this.remember(key, await this.stores.findByContextToken(token));
  }

  async byAccountId(accountId: number): Promise<StoreView | null> {
    const key = `account:${accountId}`;
    return this.cache.get(key) ?? this.remember(key, await this.stores.findByChatwootAccountId(accountId));
  }

  private remember(key: string, store: StoreView | null): StoreView | null {
    if (store) this.cache.set(key, store);
    return store;
  }
}
