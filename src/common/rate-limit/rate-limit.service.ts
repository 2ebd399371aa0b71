import { Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../errors/domain-error';
import { RedisService } from '../redis/redis.service';

/** Thrown by `pace` when its wait was aborted (shutdown): the work was not done and can be retried. */
export class PaceAbortedError extends Error {
  constructor() {
    super('wait for the rate limit was aborted');
    this.name = 'PaceAbortedError';
  }
}

/** Thrown by `pace` when the turn is further away than the caller would wait (`maxWaitMs`). */
export class PaceDeferredError extends Error {
  constructor(readonly waitMs: number) {
    super(`rate limit: next turn in ${waitMs} ms`);
    this.name = 'PaceDeferredError';
  }
}

/**
 * Fixed-window limits keyed by whatever a caller names (store, IP, account). O(1) per hit,
 * unlike a sliding log, so it is safe on hot paths such as webhook intake. In process by
 * default; with REDIS_URL the counters are shared by every instance, and while Redis is
 * unreachable each instance counts on its own (the insurance limiter) rather than failing.
 */
@Injectable()
export class RateLimitService {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(private readonly redis: RedisService) {}

  /**
   * Counts `points` hits for `key` in `bucket`; throws 429 RATE_LIMITED (with the seconds until
   * the window ends, for `Retry-After`) above `limit` per `windowSeconds`.
   */
  async consume(bucket: string, key: string, limit: number, windowSeconds = 60, what = 'requests', points = 1): Promise<void> {
    const wait = await this.tryConsume(bucket, key, limit, windowSeconds, points);
    if (wait === 0) return;
    const seconds = Math.max(1, Math.ceil(wait / 1000));
    throw new TooManyRequestsError(
      `Too many ${what}: at most ${limit} per ${windowSeconds} s; retry in ${seconds} s`,
      'RATE_LIMITED',
      seconds,
    );
  }

  /**
   * Waits until one hit for `key` fits in `limit` per `windowSeconds`, then counts it: a pace for
   * outgoing work rather than a refusal. Shared across instances with REDIS_URL like `consume`.
   * Returns the milliseconds waited (`onWait` runs once when it has to wait); rejects with
   * PaceAbortedError when `signal` aborts, and with PaceDeferredError when the turn is more than
   * `maxWaitMs` away (the caller re-queues the work instead of holding a worker).
   */
  async pace(
    bucket: string,
    key: string,
    limit: number,
    windowSeconds: number,
    options: { signal?: AbortSignal; onWait?: () => void; maxWaitMs?: number } = {},
  ): Promise<number> {
    const { signal } = options;
    let waited = 0;
    for (;;) {
      if (signal?.aborted) throw new PaceAbortedError();
      const wait = await this.tryConsume(bucket, key, limit, windowSeconds, 1);
      if (wait === 0) return waited;
      if (waited === 0) options.onWait?.();
      if (options.maxWaitMs !== undefined && wait > options.maxWaitMs) throw new PaceDeferredError(wait);
      // A refused hit still counts in this window; the window's end resets it, so a retry then is fair.
      await abortableSleep(wait + 5, signal);
      waited += wait + 5;
    }
  }

  /** 0 when the hits were counted within the limit, else the milliseconds until the window ends. */
  private async tryConsume(bucket: string, key: string, limit: number, windowSeconds: number, points: number): Promise<number> {
    const id = `${bucket}:${limit}:${windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = this.create(id, limit, windowSeconds);
      this.limiters.set(id, limiter);
    }
    // rate-limiter-flexible switches to the insurance limiter by itself; count it so /metrics shows it.
    if (this.redis.enabled && !this.redis.ready) this.redis.fellBack('rate_limit');
    try {
      await limiter.consume(key, points);
      return 0;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
      throw error;
    }
  }

  private create(id: string, points: number, duration: number): RateLimiterAbstract {
    const memory = new RateLimiterMemory({ keyPrefix: id, points, duration });
    if (!this.redis.client) return memory;
    return new RateLimiterRedis({
      storeClient: this.redis.client,
      keyPrefix: `bridge:rl:${id}`,
      points,
      duration,
      insuranceLimiter: memory,
    });
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new PaceAbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
