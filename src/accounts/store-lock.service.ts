import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ExponentialBackoff, handleType, retry } from 'cockatiel';
import type { Counter } from 'prom-client';
import { ConflictError } from '../common/errors/domain-error';
import { MetricsService } from '../observability/metrics.service';
import { StoreLeaseRepository } from './store-lease.repository';

/** What the operation is told about its lease while it runs. */
export interface HeldStoreLock {
  /** Aborted once a heartbeat finds the lease taken over: the operation no longer has the store to itself. */
  readonly signal: AbortSignal;
}

export interface StoreLockOptions {
  /** How long to wait for a busy store before STORE_BUSY. */
  waitMs?: number;
  /** How long a lease lasts without a heartbeat (a crashed holder frees the store after this). */
  ttlMs?: number;
}

const DEFAULT_WAIT_MS = 60_000;
const DEFAULT_TTL_MS = 30_000;

/** The store was busy on this attempt; retried with backoff until the wait runs out. */
class LeaseBusy extends Error {}

/**
 * One writer per store's Chatwoot account across every instance: provisioning, propagation,
 * rotation, repair and deletion read-modify-write the same link row and the same Chatwoot
 * objects, with Chatwoot HTTP calls in between.
 *
 * The store is held by a lease row (`store_leases`), not by a connection: claiming it is one
 * short transaction under `pg_advisory_xact_lock`, so no pool connection is kept while the
 * operation talks to Chatwoot. A heartbeat extends the lease while the operation runs; a holder
 * that crashed stops holding the store once its lease expires (`ttlMs`).
 */
@Injectable()
export class StoreLock {
  private readonly logger = new Logger(StoreLock.name);
  private readonly lost: Counter<'operation'>;

  constructor(
    private readonly leases: StoreLeaseRepository,
    metrics: MetricsService,
  ) {
    this.lost = metrics.counter(
      'store_lock_leases_lost_total',
      'Store operations whose lease was taken over while they ran (heartbeat missed past the TTL)',
      ['operation'],
    );
  }

  async withStoreLock<T>(
    storeId: string,
    operation: string,
    fn: (held: HeldStoreLock) => Promise<T>,
    { waitMs = DEFAULT_WAIT_MS, ttlMs = DEFAULT_TTL_MS }: StoreLockOptions = {},
  ): Promise<T> {
    const lease = this.leases.forStore(storeId);
    const holder = randomUUID();
    const deadline = Date.now() + waitMs;
    const waiting = retry(handleType(LeaseBusy), {
      maxAttempts: Number.POSITIVE_INFINITY,
      backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1_000 }),
    });
    await waiting.execute(async () => {
      if (await lease.claim(holder, operation, ttlMs)) return;
      if (Date.now() >= deadline) {
        throw new ConflictError(`Store ${storeId} is busy with another Chatwoot operation; try again shortly`, 'STORE_BUSY');
      }
      throw new LeaseBusy();
    });

    const aborter = new AbortController();
    let beating: Promise<void> = Promise.resolve();
    const heartbeat = setInterval(
      () => {
        beating = beating.then(async () => {
          if (aborter.signal.aborted) return;
          try {
            if (await lease.extend(holder, ttlMs)) return;
            aborter.abort(new ConflictError(`Store ${storeId} lease was lost during ${operation}`, 'STORE_LEASE_LOST'));
            this.lost.inc({ operation });
            this.logger.warn({ msg: 'store lease lost while the operation ran', storeId, operation });
          } catch (err) {
            this.logger.warn({ msg: 'store lease heartbeat failed', storeId, operation, error: (err as Error).message });
          }
        });
      },
      Math.max(Math.floor(ttlMs / 3), 10),
    );
    heartbeat.unref();
    try {
      return await fn({ signal: aborter.signal });
    } finally {
      clearInterval(heartbeat);
      await beating;
      await lease.release(holder).catch((err: Error) => {
        this.logger.warn({ msg: 'store lease release failed; it expires by itself', storeId, operation, error: err.message });
      });
    }
  }
}
