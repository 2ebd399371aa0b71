import { Column, Entity, PrimaryColumn } from 'typeorm';

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
