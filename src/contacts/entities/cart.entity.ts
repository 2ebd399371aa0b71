import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LineItem } from '../attributes/cart';

/** The customer's current cart, replaced as a whole on every update. */
@Entity('carts')
export class Cart {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  customerId: string;

  @Column('jsonb', { default: [] })
  items: LineItem[];

  @Column('timestamptz')
  updatedAt: Date;
}
