import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** How many counted orders held both products (kept for both orders of the pair). */
@Index('product_pairs_rank_idx', ['storeId', 'productId', 'ordersTogether'])
@Entity('product_pairs')
export class ProductPair {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  productId: string;

  @PrimaryColumn('text')
  otherProductId: string;

  @Column('int')
  ordersTogether: number;
}
