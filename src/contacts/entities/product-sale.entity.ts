import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Units of a product sold in counted orders: popularity without scanning order lines. */
@Entity('product_sales')
export class ProductSale {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  productId: string;

  @Column('int')
  unitsSold: number;
}
