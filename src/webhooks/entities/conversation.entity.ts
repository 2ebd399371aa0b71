import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Our record of a Chatwoot conversation and its service metrics (display id per store). */
@Check('conversations_csat_rating_check', 'csat_rating between 1 and 5')
@Index('conversations_store_customer', ['storeId', 'customerId', 'createdAt'])
@Index('conversations_store_created', ['storeId', 'createdAt'])
@Index('conversations_store_resolved', ['storeId', 'resolvedAt'], { where: 'resolved_at is not null' })
@Entity('conversations')
export class Conversation {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('int')
  displayId: number;

  @Column('int', { nullable: true })
  accountId: number | null;

  @Column('int', { nullable: true })
  contactId: number | null;

  /** The platform customer id (the contact's `identifier`) when linked. */
  @Column('text', { nullable: true })
  customerId: string | null;

  @Column('text', { nullable: true })
  customerTier: string | null;

  @Column('int', { nullable: true })
  inboxId: number | null;

  @Column('text')
  status: string;

  @Column('text', { nullable: true })
  priority: string | null;

  @Column('int', { nullable: true })
  assigneeId: number | null;

  @Column('int', { nullable: true })
  teamId: number | null;

  @Column('jsonb', { default: [] })
  labels: string[];

  /** Chatwoot's creation time. */
  @Column('timestamptz')
  createdAt: Date;

  /** Chatwoot's `updated_at` (unix float) of the newest snapshot applied: older events never overwrite. */
  @Column('double precision', { default: 0 })
  lastEventAt: number;

  @Column('timestamptz', { nullable: true })
  lastActivityAt: Date | null;

  @Column('timestamptz', { nullable: true })
  firstResponseAt: Date | null;

  @Column('int', { nullable: true })
  firstResponseSeconds: number | null;

  @Column('timestamptz', { nullable: true })
  resolvedAt: Date | null;

  @Column('int', { nullable: true })
  resolutionSeconds: number | null;

  @Column('int', { default: 0 })
  reopenCount: number;

  @Column('int', { default: 0 })
  incomingCount: number;

  @Column('int', { default: 0 })
  outgoingCount: number;

  @Column('smallint', { nullable: true })
  csatRating: number | null;

  @Column('text', { nullable: true })
  csatFeedback: string | null;

  @Column('timestamptz', { nullable: true })
  csatAt: Date | null;

  /** Set once auto-assignment rules ran, so they run once. */
  @Column('timestamptz', { nullable: true })
  routedAt: Date | null;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
