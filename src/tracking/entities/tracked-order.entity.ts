import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

const bigintAsNumber = { to: (value: number) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

/** What attribution needs to know about an order, copied from `order.changed`. */
@Index('tracked_orders_customer', ['storeId', 'customerId', 'placedAt'])
@Index('tracked_orders_session', ['storeId', 'sessionId', 'placedAt'], { where: 'session_id is not null' })
@Entity('tracked_orders')
export class TrackedOrder {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  orderId: string;

  @Column('text')
  customerId: string;

  @Column('text')
  status: string;

  /** Minor units. */
  @Column('bigint', { transformer: bigintAsNumber })
  totalAmount: number;

  @Column('text')
  currency: string;

  @Column('timestamptz')
  placedAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;

  /** The storefront session the order was placed in (tracker.js `cwb_sid`), if the platform sent it. */
  @Column('text', { nullable: true })
  sessionId: string | null;
}
