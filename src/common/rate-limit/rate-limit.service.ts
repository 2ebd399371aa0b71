import { Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../errors/domain-error';
import { RedisService } from '../redis/redis.service';

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

  /** Counts one hit for `key` in `bucket`; throws 429 RATE_LIMITED above `limit` per `windowSeconds`. */
  async consume(bucket: string, key: string, limit: number, windowSeconds = 60, what = 'requests'): Promise<void> {
    const id = `${bucket}:${limit}:${windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = this.create(id, limit, windowSeconds);
      this.limiters.set(id, limiter);
    }
    // rate-limiter-flexible switches to the insurance limiter by itself; count it so /metrics shows it.
    if (this.redis.enabled && !this.redis.ready) this.redis.fellBack('rate_limit');
    try {
      await limiter.consume(key, 1);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        const seconds = Math.ceil(error.msBeforeNext / 1000);
        throw new TooManyRequestsError(`Too many ${what}: at most ${limit} per ${windowSeconds} s; retry in ${seconds} s`);
      }
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
