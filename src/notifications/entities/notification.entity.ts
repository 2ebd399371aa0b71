import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type NotificationState = 'pending' | 'delivered' | 'failed' | 'skipped';

/** Outbox row of one signed POST to a store's notificationUrl; the row is the delivery record. */
@Check('notifications_state_check', `state in ('pending', 'delivered', 'failed', 'skipped')`)
@Index('notifications_store_dedupe', ['storeId', 'dedupeKey'], { unique: true, where: 'dedupe_key is not null' })
@Index('notifications_store_created', ['storeId', 'createdAt'])
@Entity('notifications')
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  storeId: string;

  @Column('text')
  type: string;

  @Column('jsonb', { default: {} })
  payload: Record<string, unknown>;

  /** Unique per store: the same business fact never notifies twice. */
  @Column('text', { nullable: true })
  dedupeKey: string | null;

  @Column('text', { default: 'pending' })
  state: NotificationState;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('int', { nullable: true })
  responseStatus: number | null;

  @Column('timestamptz', { default: () => 'now()' })
  deliverAfter: Date;

  @Column('timestamptz', { nullable: true })
  deliveredAt: Date | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
