import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type SyncRunState = 'running' | 'done' | 'failed';
export type SyncRunTrigger = 'api' | 'schedule' | 'cli';

/**
 * A bulk contact sync of one store. `cursor` is the last customer id done: a restarted worker
 * resumes after it. The lease keeps two batch jobs of one run from working at once.
 */
@Check('sync_runs_trigger_check', `trigger in ('api','schedule','cli')`)
@Check('sync_runs_state_check', `state in ('running','done','failed')`)
@Index('sync_runs_one_running_idx', ['storeId'], { unique: true, where: `state = 'running'` })
@Index('sync_runs_store_idx', ['storeId', 'startedAt'])
@Entity('sync_runs')
export class SyncRun {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  storeId: string;

  @Column('text')
  trigger: SyncRunTrigger;

  @Column('text')
  state: SyncRunState;

  @Column('int', { default: 0 })
  total: number;

  @Column('int', { default: 0 })
  done: number;

  @Column('int', { default: 0 })
  created: number;

  @Column('int', { default: 0 })
  updated: number;

  @Column('int', { default: 0 })
  unchanged: number;

  @Column('int', { default: 0 })
  failed: number;

  @Column('text', { nullable: true })
  cursor: string | null;

  @Column('text', { nullable: true })
  leaseOwner: string | null;

  @Column('timestamptz', { nullable: true })
  leaseUntil: Date | null;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  startedAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
