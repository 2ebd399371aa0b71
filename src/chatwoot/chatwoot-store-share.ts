import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Semaphore } from 'redis-semaphore';
import { RedisService } from '../common/redis/redis.service';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';
import { BudgetClosedError, type ChatwootLane } from './chatwoot-fleet-budget';

/** How long a call waits for its store's slot in the fleet before it goes ahead on this instance's share alone. */
const SLOT_WAIT_MS = 5 * 60_000;
/** How often a waiting call asks again: real-time calls ask more often, so they tend to get a freed slot first. */
const RETRY_MS: Record<ChatwootLane, number> = { realtime: 10, bulk: 40 };

/** A slot of one store's semaphore that the holder can keep alive (the library's own refresh timer would throw on a Redis error). */
class StoreSlot extends Semaphore {
  extend(): Promise<boolean> {
    return this._refresh();
  }
}

type Fallback = 'redis_unready' | 'redis_error' | 'wait_exceeded';

/**
 * The per-store fair share (CHATWOOT_STORE_CONCURRENCY calls in flight per store) held for the
 * whole fleet when REDIS_URL is set: one Redis semaphore per store (redis-semaphore: a sorted set
 * of holders with expiry, taken and released by Lua scripts). A slot expires `slotTtlMs` after
 * its last refresh, so a crashed instance gives its slots back by itself.
 *
 * It sits inside each instance's own Bottleneck group (which keeps the lanes' order and already
 * caps the store at CHATWOOT_STORE_CONCURRENCY per process), so without Redis nothing changes.
 * Redis is a helper, never a dependency: unreachable or failing, a call goes ahead on the
 * per-process share (counted in `redis_errors_total` and here), never fails for it.
 */
@Injectable()
export class ChatwootStoreShare implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ChatwootStoreShare');
  private readonly prefix: string;
  private readonly limit: number;
  private readonly slotTtlMs: number;
  private readonly closing = new AbortController();
  private readonly fallbacks;
  private readonly lost;

  constructor(
    config: AppConfig,
    private readonly redis: RedisService,
    metrics: MetricsService,
  ) {
    this.limit = config.CHATWOOT_STORE_CONCURRENCY;
    this.slotTtlMs = Math.max(10_000, 2 * config.CHATWOOT_TIMEOUT_MS);
    this.prefix = `bridge:chatwoot-store:${new URL(config.CHATWOOT_URL).host}:`;
    this.fallbacks = metrics.counter(
      'chatwoot_store_share_fallbacks_total',
      'Chatwoot calls that went ahead on the per-process store share instead of the fleet one, by reason',
      ['reason'],
    );
    this.lost = metrics.counter(
      'chatwoot_store_share_slots_lost_total',
      'Fleet store slots that expired while their call ran (refresh missed)',
    );
  }

  /** True when REDIS_URL is set; the share is then the fleet's whenever Redis answers. */
  get enabled(): boolean {
    return this.redis.client !== null;
  }

  /** The first calls would otherwise find Redis still connecting and go ahead unshared. */
  async onModuleInit(): Promise<void> {
    const client = this.redis.client;
    if (!client || client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, 2_000);
      function done() {
        clearTimeout(timer);
        client!.off('ready', done);
        resolve();
      }
      client.once('ready', done);
    });
  }

  onModuleDestroy(): void {
    this.closing.abort();
  }

  /** Runs `fn` holding one of the store's fleet slots (or on the per-process share when Redis cannot give one). */
  async run<T>(storeId: string | undefined, lane: ChatwootLane, fn: () => Promise<T>): Promise<T> {
    if (!storeId || !this.redis.client) return fn();
    const slot = await this.acquire(storeId, lane);
    if (!slot) return fn();
    const refresh = setInterval(
      () => {
        slot.extend().then(
          (held) => {
            if (held) return;
            clearInterval(refresh);
            this.lost.inc();
            this.logger.warn({ storeId }, 'fleet store slot expired while its Chatwoot call ran');
          },
          () => this.redis.fellBack('chatwoot_store_share'),
        );
      },
      Math.floor(this.slotTtlMs / 3),
    );
    refresh.unref();
    try {
      return await fn();
    } finally {
      clearInterval(refresh);
      // A slot not given back expires after slotTtlMs.
      void slot.release().catch(() => this.redis.fellBack('chatwoot_store_share'));
    }
  }

  private async acquire(storeId: string, lane: ChatwootLane): Promise<StoreSlot | null> {
    if (!this.redis.ready) return this.fallBack('redis_unready');
    const slot = new StoreSlot(this.redis.client!, this.prefix + storeId, this.limit, {
      lockTimeout: this.slotTtlMs,
      acquireTimeout: SLOT_WAIT_MS,
      retryInterval: RETRY_MS[lane],
      refreshInterval: 0,
    });
    try {
      if (await slot.tryAcquire(this.closing.signal)) return slot;
      this.logger.warn({ storeId, waitedMs: SLOT_WAIT_MS }, 'no fleet store slot freed in time; going ahead on this instance');
      return this.fallBack('wait_exceeded');
    } catch {
      if (this.closing.signal.aborted) throw new BudgetClosedError();
      return this.fallBack('redis_error');
    }
  }

  private fallBack(reason: Fallback): null {
    this.fallbacks.inc({ reason });
    if (reason !== 'wait_exceeded') this.redis.fellBack('chatwoot_store_share');
    return null;
  }
}
