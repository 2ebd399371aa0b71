import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { OrderStatus } from '../attributes/order-stats';

/** Amounts in integer minor units of `currency`. `customerId` is null once the customer was erased. */
@Check('orders_status_check', `status in ('pending','paid','shipped','delivered','cancelled','refunded')`)
@Index('orders_customer_idx', ['storeId', 'customerId', 'placedAt'])
@Entity('orders')
export class Order {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  orderId: string;

  @Column('text', { nullable: true })
  customerId: string | null;

  @Column('text')
  status: OrderStatus;

  @Column('text')
  currency: string;

  @Column('bigint')
  totalAmount: string;

  @Column('timestamptz')
  placedAt: Date;

  @Column('timestamptz')
  updatedAt: Date;

  @Column('text', { nullable: true })
  discountCode: string | null;

  /** The storefront session (tracker.js) the order was placed in, when the platform passed it on. */
  @Column('text', { nullable: true })
  sessionId: string | null;
}
