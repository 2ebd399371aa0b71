import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A storefront visit (tracker.js rolls the id over after 30 minutes of inactivity). */
@Index('tracking_sessions_customer', ['storeId', 'customerId', 'lastSeen'], { where: 'customer_id is not null' })
@Index('tracking_sessions_last_seen', ['lastSeen'])
@Entity('tracking_sessions')
export class TrackingSession {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  sessionId: string;

  /** Set when the page tells us who the visitor is, now or later in the session. */
  @Column('text', { nullable: true })
  customerId: string | null;

  @Column('timestamptz')
  firstSeen: Date;

  @Column('timestamptz')
  lastSeen: Date;

  @Column('text', { nullable: true })
  currentUrl: string | null;

  /** When {@link currentUrl} was viewed, so a late batch cannot move the visitor back in time. */
  @Column('timestamptz', { nullable: true })
  currentUrlAt: Date | null;

  @Column('int', { default: 0 })
  pageViews: number;

  @Column('int', { default: 0 })
  productViews: number;
}
