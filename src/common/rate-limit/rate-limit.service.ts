import { Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../errors/domain-error';

/**
 * Fixed-window limits keyed by whatever a caller names (store, IP, account). O(1) per hit,
 * unlike a sliding log, so it is safe on hot paths such as webhook intake.
 * Limits are per instance; with REDIS_URL set a shared store would be the next step.
 */
@Injectable()
export class RateLimitService {
  private readonly limiters = new Map<string, RateLimiterMemory>();

  /** Counts one hit for `key` in `bucket`; throws 429 RATE_LIMITED above `limit` per `windowSeconds`. */
  async consume(bucket: string, key: string, limit: number, windowSeconds = 60, what = 'requests'): Promise<void> {
    const id = `${bucket}:${limit}:${windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterMemory({ keyPrefix: id, points: limit, duration: windowSeconds });
      this.limiters.set(id, limiter);
    }
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
}
