import { Check, Column, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { Order } from './order.entity';

export const SHIPMENT_STATUSES = ['pending', 'shipped', 'in_transit', 'delivered', 'returned', 'failed'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/** A shipment of an order; `position` keeps the platform's order of the list. */
@ForeignKey(() => Order, ['storeId', 'orderId'], ['storeId', 'orderId'], {
  name: 'order_shipments_store_id_order_id_fkey',
  onDelete: 'CASCADE',
})
@Check('order_shipments_status_check', `status in ('pending','shipped','in_transit','delivered','returned','failed')`)
@Entity('order_shipments')
export class OrderShipment {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  orderId: string;

  @PrimaryColumn('text')
  shipmentId: string;

  @Column('int')
  position: number;

  @Column('text', { nullable: true })
  carrier: string | null;

  @Column('text', { nullable: true })
  trackingNumber: string | null;

  @Column('text', { nullable: true })
  trackingUrl: string | null;

  @Column('text')
  status: ShipmentStatus;

  @Column('timestamptz', { nullable: true })
  shippedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  deliveredAt: Date | null;
}
