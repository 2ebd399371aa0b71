import { Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A visitor opened the chat widget (`webwidget_triggered`). */
@Unique('widget_events_store_id_delivery_id_key', ['storeId', 'deliveryId'])
@Index('widget_events_store_customer', ['storeId', 'customerId', 'occurredAt'])
@Entity('widget_events')
export class WidgetEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('text')
  storeId: string;

  @Column('text')
  deliveryId: string;

  @Column('int', { nullable: true })
  contactId: number | null;

  @Column('text', { nullable: true })
  customerId: string | null;

  @Column('text', { nullable: true })
  sourceId: string | null;

  @Column('int', { nullable: true })
  displayId: number | null;

  @Column('text', { nullable: true })
  referer: string | null;

  @Column('jsonb', { nullable: true })
  browser: Record<string, unknown> | null;

  @Column('timestamptz')
  occurredAt: Date;
}
