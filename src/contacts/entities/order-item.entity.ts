import { Column, Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { Order } from './order.entity';

@ForeignKey(() => Order, ['storeId', 'orderId'], ['storeId', 'orderId'], {
  name: 'order_items_store_id_order_id_fkey',
  onDelete: 'CASCADE',
})
@Index('order_items_product_idx', ['storeId', 'productId'])
@Entity('order_items')
export class OrderItem {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  orderId: string;

  @PrimaryColumn('int')
  line: number;

  @Column('text')
  productId: string;

  @Column('text')
  name: string;

  @Column('text')
  category: string;

  @Column('int')
  quantity: number;

  @Column('bigint')
  unitPrice: string;
}
