import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const TRACKING_EVENT_TYPES = [
  'widget_loaded',
  'widget_opened',
  'widget_closed',
  'message_sent',
  'message_received',
  'conversation_started',
  'page_view',
  'product_view',
] as const;

export type TrackingEventType = (typeof TRACKING_EVENT_TYPES)[number];

/** One raw storefront event as tracker.js reported it; purged after TRACKING_RETENTION_DAYS. */
@Check('tracking_events_load_time_ms_check', 'load_time_ms between 0 and 120000')
@Index('tracking_events_store_type_at', ['storeId', 'type', 'at'])
@Index('tracking_events_store_session_at', ['storeId', 'sessionId', 'at'])
@Index('tracking_events_at', ['at'])
@Entity('tracking_events')
export class TrackingEvent {
  /** bigserial: TypeORM hands bigint back as a string. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column('text')
  storeId: string;

  @Column('text')
  sessionId: string;

  @Column('text', { nullable: true })
  customerId: string | null;

  @Column('text')
  type: TrackingEventType;

  /** The browser's clock: when it happened on the page. */
  @Column('timestamptz')
  at: Date;

  @Column('timestamptz', { default: () => 'now()' })
  receivedAt: Date;

  @Column('text', { nullable: true })
  url: string | null;

  @Column('text', { nullable: true })
  productId: string | null;

  @Column('int', { nullable: true })
  loadTimeMs: number | null;
}
