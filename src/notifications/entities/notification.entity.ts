import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type NotificationState = 'pending' | 'delivered' | 'failed' | 'skipped';

/** Outbox row of one signed POST to a store's notificationUrl; the row is the delivery record. */
@Entity('notifications')
export class Notification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  storeId: string;

  @Column('text')
  type: string;

  @Column('jsonb')
  payload: Record<string, unknown>;

  /** Unique per store: the same business fact never notifies twice. */
  @Column('text', { nullable: true })
  dedupeKey: string | null;

  @Column('text')
  state: NotificationState;

  @Column('int')
  attempts: number;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('int', { nullable: true })
  responseStatus: number | null;

  @Column('timestamptz')
  deliverAfter: Date;

  @Column('timestamptz', { nullable: true })
  deliveredAt: Date | null;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;
}
