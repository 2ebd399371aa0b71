import { Injectable, Logger } from '@nestjs/common';
import { StoreDirectory, StoreNotReadyError, type StoreView } from '../accounts/store-directory.service';
import { NotFoundError } from '../common/errors/domain-error';
import { JobPriority, JobQueue } from '../jobs/job-queue.service';
import { ContactSyncService, type SyncResult } from './contact-sync.service';
import { CustomerBasisRepository } from './customer-basis.repository';
import type { SyncRunDto } from './dto/sync-run.dto';
import type { SyncRunTrigger } from './entities/sync-run.entity';
import { SyncRunLeaseRepository, SyncRunRepository, SyncScheduleScanRepository, type RunRow } from './sync-run.repository';
import { nextSyncAt } from './sync-schedule';

export const BATCH_QUEUE = 'contacts.sync-batch';
export const SCAN_QUEUE = 'contacts.schedule-scan';
/** Customers per batch job: one aggregate query computes all their attributes. */
export const BATCH_SIZE = 500;
/** Progress (cursor, counters, links) is persisted after every chunk: a restart redoes at most one. */
export const CHUNK_SIZE = 100;
export const RECOVER_QUEUE = 'contacts.sync-recover';
/**
 * A batch job's hold on its run: short, and renewed by a heartbeat while the job works, so the run
 * of an instance that died (kill -9, OOM) is free again seconds later instead of after a long
 * lease (pg-boss itself only retries such a job after its expireInSeconds).
 */
export const LEASE_SECONDS = 15;
const HEARTBEAT_MS = (LEASE_SECONDS * 1000) / 3;
/** A run between batches (no lease) whose next batch job never started is re-sent after this long. */
const UNLEASED_STALL_SECONDS = LEASE_SECONDS * 2;

/**
 * Bulk sync of a whole store: a run is a row with a cursor; each batch job claims the run (a
 * lease, so two jobs never work one run), syncs the next 500 customers after the cursor in
 * chunks, persists cursor and counters per chunk and chains the next batch. The lease is short
 * and renewed by a heartbeat while the job works: when its instance dies, `recoverOrphanedRuns`
 * (every few seconds, and at start-up) sends a new batch job that takes the run over at the cursor.
 */
@Injectable()
export class SyncRunService {
  private readonly logger = new Logger(SyncRunService.name);

  constructor(
    private readonly runs: SyncRunRepository,
    private readonly leases: SyncRunLeaseRepository,
    private readonly scans: SyncScheduleScanRepository,
    private readonly jobs: JobQueue,
    private readonly directory: StoreDirectory,
    private readonly bases: CustomerBasisRepository,
    private readonly sync: ContactSyncService,
  ) {
    jobs.register(BATCH_QUEUE, (data, job) => this.processBatch(data.runId, job.id), {
      retryLimit: 20,
      retryDelay: 2,
      expireInSeconds: 900,
    });
    jobs.register(SCAN_QUEUE, async () => void (await this.scan()), { retryLimit: 1, retryDelay: 30 });
    jobs.register(RECOVER_QUEUE, async () => void (await this.recoverOrphanedRuns()), { retryLimit: 1, retryDelay: 5 });
    // A newly provisioned account gets its contacts at once, not at the next schedule scan.
    jobs.on('store.provisioned', 'contacts.first-sync', async ({ storeId }) => void (await this.startRun(storeId, 'schedule')));
  }

  /** Starts a run for the store, or returns the one already running. 409 without an active account. */
  async startRun(storeId: string, trigger: SyncRunTrigger): Promise<SyncRunDto> {
    const store = await this.directory.get(storeId);
    if (store.chatwoot.state !== 'active') throw new StoreNotReadyError(storeId, store.chatwoot.state);
    const runs = this.runs.forStore(storeId);
    const created = await runs.start(trigger);
    if (!created) {
      const running = await runs.running();
      if (running) return toDto(running);
      return this.startRun(storeId, trigger);
    }
    await this.sendBatch(created.id);
    return toDto(created);
  }

  async getRun(storeId: string, runId: string): Promise<SyncRunDto> {
    const row = await this.runs.forStore(storeId).get(runId);
    if (!row) throw new NotFoundError(`Sync run ${runId}`, 'SYNC_RUN_NOT_FOUND');
    return toDto(row);
  }

  private sendBatch(runId: string): Promise<string | null> {
    return this.jobs.send(BATCH_QUEUE, { runId }, { priority: JobPriority.bulk });
  }

  /** One batch of a run. Public for the bench and tests; normally called by the batch queue. */
  async processBatch(runId: string, jobId: string): Promise<void> {
    const run = await this.leases.claim(runId, jobId, LEASE_SECONDS);
    // Finished, or another job holds the run: that one chains the next batch.
    if (!run) return;

    const store = await this.directory.find(run.storeId);
    if (!store || store.chatwoot.state !== 'active') {
      await this.finish(runId, 'failed', `store has no active Chatwoot account (${store?.chatwoot.state ?? 'unknown store'})`);
      return;
    }
    const heartbeat = setInterval(() => void this.renewLease(runId, jobId), HEARTBEAT_MS);
    try {
      await this.syncBatch(run, store, jobId);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Keeps this job's lease while it works; a lease it no longer holds is not taken back. */
  private async renewLease(runId: string, jobId: string): Promise<void> {
    await this.leases
      .renew(runId, jobId, LEASE_SECONDS)
      .catch((error: unknown) => this.logger.warn({ err: error, runId }, 'sync run lease not renewed'));
  }

  private async syncBatch(run: RunRow, store: StoreView, jobId: string): Promise<void> {
    const runId = run.id;
    const bases = await this.bases.forStore(run.storeId).page(store.currency, run.cursor, BATCH_SIZE);
    for (let i = 0; i < bases.length; i += CHUNK_SIZE) {
      const chunk = bases.slice(i, i + CHUNK_SIZE);
      let outcome;
      try {
        outcome = await this.sync.syncChunk(store, chunk, 'bulk', runId);
      } catch (error) {
        if (error instanceof StoreNotReadyError) {
          await this.finish(runId, 'failed', error.message);
          return;
        }
        throw error;
      }
      // Keep the lease and let pg-boss retry: the retry resumes at this chunk.
      if (outcome.retryable) throw outcome.retryable;
      const counts = countResults(outcome.results);
      const progressed = await this.leases.progress(
        runId,
        jobId,
        {
          done: chunk.length,
          created: counts.created,
          updated: counts.updated,
          unchanged: counts.unchanged,
          failed: counts.failed,
          cursor: chunk[chunk.length - 1].customerId,
        },
        LEASE_SECONDS,
      );
      // The lease was taken over (this job was presumed dead): the new holder redoes this chunk.
      if (!progressed) {
        this.logger.warn({ runId, jobId }, 'sync run lease lost; leaving the run to its new holder');
        return;
      }
    }
    if (bases.length < BATCH_SIZE) {
      await this.finish(runId, 'done', null);
      return;
    }
    await this.leases.release(runId, jobId);
    await this.sendBatch(runId);
  }

  private async finish(runId: string, state: 'done' | 'failed', error: string | null): Promise<void> {
    await this.leases.finish(runId, state, error);
  }

  /**
   * The periodic tick: starts a run for every store with customers whose schedule is due (the
   * first time a store is seen with an active account counts as due: its initial sync), and
   * re-sends the batch job of runs that stopped making progress.
   */
  async scan(now = new Date()): Promise<{ started: string[] }> {
    const stores = await this.scans.storesWithCustomers();
    const started: string[] = [];
    for (const { storeId, nextRunAt } of stores) {
      if (nextRunAt && nextRunAt > now) continue;
      try {
        const store = await this.directory.find(storeId);
        if (!store || store.chatwoot.state !== 'active') continue;
        const run = await this.startRun(storeId, 'schedule');
        const next = nextSyncAt(store.settings.contactSyncCron, store.timezone, now);
        await this.runs.forStore(storeId).scheduleNext(next, run.id);
        started.push(storeId);
      } catch (error) {
        this.logger.warn({ err: error, storeId }, 'scheduled contact sync could not start');
      }
    }
    await this.recoverOrphanedRuns();
    return { started };
  }

  /**
   * Re-sends the batch job of every run nobody works on: its lease ran out (the instance holding
   * it died) or it sits between batches with no job picking it up. The new job takes the run
   * over at its cursor; if the old job comes back it finds the lease taken and stops.
   */
  async recoverOrphanedRuns(): Promise<string[]> {
    const orphaned = await this.scans.orphanedRuns(UNLEASED_STALL_SECONDS);
    for (const id of orphaned) {
      this.logger.warn({ runId: id }, 'sync run had no live worker; resuming it');
      await this.sendBatch(id);
    }
    return orphaned;
  }
}

function countResults(results: Map<string, SyncResult>): Record<SyncResult, number> {
  const counts: Record<SyncResult, number> = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  for (const result of results.values()) counts[result]++;
  return counts;
}

function toDto(row: RunRow): SyncRunDto {
  return {
    id: row.id,
    storeId: row.storeId,
    state: row.state,
    trigger: row.trigger,
    total: row.total,
    done: row.done,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    failed: row.failed,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    error: row.lastError,
  };
}
