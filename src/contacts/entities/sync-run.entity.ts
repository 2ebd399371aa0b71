import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SyncRunState = 'running' | 'done' | 'failed';
export type SyncRunTrigger = 'api' | 'schedule' | 'cli';

/**
 * A bulk contact sync of one store. `cursor` is the last customer id done: a restarted worker
 * resumes after it. The lease keeps two batch jobs of one run from working at once.
 */
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

  @Column('int')
  total: number;

  @Column('int')
  done: number;

  @Column('int')
  created: number;

  @Column('int')
  updated: number;

  @Column('int')
  unchanged: number;

  @Column('int')
  failed: number;

  @Column('text', { nullable: true })
  cursor: string | null;

  @Column('text', { nullable: true })
  leaseOwner: string | null;

  @Column('timestamptz', { nullable: true })
  leaseUntil: Date | null;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('timestamptz')
  startedAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;

  @Column('timestamptz')
  updatedAt: Date;
}
