import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A visitor opened the chat widget (`webwidget_triggered`). */
@Entity('widget_events')
export class WidgetEvent {
  @PrimaryColumn('bigint')
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
