import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute, rowsOf } from '../database/sql';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { SyncRunState, SyncRunTrigger } from './entities/sync-run.entity';

export interface RunRow {
  id: string;
  storeId: string;
  trigger: SyncRunTrigger;
  state: SyncRunState;
  total: number;
  done: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  cursor: string | null;
  lastError: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface RunProgress {
  done: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  cursor: string;
}

const RUN = `id, store_id as "storeId", trigger, state, total, done, created, updated, unchanged, failed, cursor,
  last_error as "lastError", started_at as "startedAt", finished_at as "finishedAt"`;

/** The bulk sync runs and periodic schedule of a store (`sync_runs`, `contact_sync_schedules`). */
@Injectable()
export class SyncRunRepository extends StoreScopedRepository<SyncRuns> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): SyncRuns {
    return new SyncRuns(sql);
  }
}

export class SyncRuns {
  constructor(private readonly sql: StoreSql) {}

  /** A new running run counting the store's customers; null when one is already running. */
  start(trigger: SyncRunTrigger): Promise<RunRow | null> {
    return this.sql.one<RunRow>(
      `insert into sync_runs (store_id, trigger, state, total)
       select $1, $2, 'running', (select count(*) from customers where store_id = $1)
       on conflict (store_id) where state = 'running' do nothing
       returning ${RUN}`,
      [trigger],
    );
  }

  running(): Promise<RunRow | null> {
    return this.sql.one<RunRow>(`select ${RUN} from sync_runs where store_id = $1 and state = 'running'`);
  }

  get(runId: string): Promise<RunRow | null> {
    return this.sql.one<RunRow>(`select ${RUN} from sync_runs where store_id = $1 and id = $2`, [runId]);
  }

  async scheduleNext(nextRunAt: Date, lastRunId: string): Promise<void> {
    await this.sql.execute(
      `insert into contact_sync_schedules (store_id, next_run_at, last_run_id) values ($1, $2, $3)
       on conflict (store_id) do update set next_run_at = excluded.next_run_at, last_run_id = excluded.last_run_id`,
      [nextRunAt, lastRunId],
    );
  }
}

/**
 * The lease of a batch job on a run, addressed by run id across stores: a batch job knows only
 * the run it was sent for (run ids are unique), the store comes from the claimed row.
 */
@Injectable()
export class SyncRunLeaseRepository {
  constructor(private readonly db: DataSource) {}

  /** Takes the run for `jobId` unless it finished or another live job holds it. */
  async claim(runId: string, jobId: string, leaseSeconds: number): Promise<RunRow | null> {
    const [run] = await rowsOf<RunRow>(
      this.db,
      `update sync_runs set lease_owner = $2, lease_until = now() + make_interval(secs => $3), updated_at = now()
       where id = $1 and state = 'running' and (lease_owner is null or lease_owner = $2 or lease_until < now())
       returning ${RUN}`,
      [runId, jobId, leaseSeconds],
    );
    return run ?? null;
  }

  /** Keeps this job's lease; a lease it no longer holds is not taken back. */
  async renew(runId: string, jobId: string, leaseSeconds: number): Promise<void> {
    await execute(
      this.db,
      `update sync_runs set lease_until = now() + make_interval(secs => $3) where id = $1 and lease_owner = $2 and state = 'running'`,
      [runId, jobId, leaseSeconds],
    );
  }

  /** Adds a chunk's counts and moves the cursor; false when the lease was taken over meanwhile. */
  async progress(runId: string, jobId: string, p: RunProgress, leaseSeconds: number): Promise<boolean> {
    const { affected } = await execute(
      this.db,
      `update sync_runs set done = done + $3, created = created + $4, updated = updated + $5, unchanged = unchanged + $6,
         failed = failed + $7, cursor = $8, lease_until = now() + make_interval(secs => $9), updated_at = now()
       where id = $1 and lease_owner = $2`,
      [runId, jobId, p.done, p.created, p.updated, p.unchanged, p.failed, p.cursor, leaseSeconds],
    );
    return affected > 0;
  }

  async release(runId: string, jobId: string): Promise<void> {
    await execute(this.db, 'update sync_runs set lease_owner = null, lease_until = null where id = $1 and lease_owner = $2', [
      runId,
      jobId,
    ]);
  }

  async finish(runId: string, state: 'done' | 'failed', error: string | null): Promise<void> {
    await execute(
      this.db,
      `update sync_runs set state = $2, last_error = $3, finished_at = now(), updated_at = now(), lease_owner = null,
         lease_until = null, total = greatest(total, done)
       where id = $1 and state = 'running'`,
      [runId, state, error],
    );
  }
}

/** The periodic scans over every store: which stores are due, which runs lost their worker. */
@Injectable()
export class SyncScheduleScanRepository {
  constructor(private readonly db: DataSource) {}

  /** Every store with customers and its next scheduled run (null: never scheduled). */
  async storesWithCustomers(): Promise<{ storeId: string; nextRunAt: Date | null }[]> {
    // Distinct store ids by skip scan over the primary key: cheap however many customers there are.
    return rowsOf<{ storeId: string; nextRunAt: Date | null }>(
      this.db,
      `with recursive ids as (
         (select store_id from customers order by store_id limit 1)
         union all
         select (select c.store_id from customers c where c.store_id > ids.store_id order by c.store_id limit 1)
         from ids where ids.store_id is not null
       )
       select ids.store_id as "storeId", s.next_run_at as "nextRunAt"
       from ids left join contact_sync_schedules s on s.store_id = ids.store_id
       where ids.store_id is not null`,
    );
  }

  /** Running runs nobody works on: lease ran out, or between batches for longer than `stallSeconds`. */
  async orphanedRuns(stallSeconds: number): Promise<string[]> {
    const rows = await rowsOf<{ id: string }>(
      this.db,
      `select id from sync_runs
        where state = 'running'
          and ((lease_owner is not null and lease_until < now())
            or (lease_owner is null and updated_at < now() - make_interval(secs => $1)))
        limit 100`,
      [stallSeconds],
    );
    return rows.map((r) => r.id);
  }
}
