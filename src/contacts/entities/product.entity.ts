import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The store's catalogue, for recommendations. */
@Entity('products')
export class Product {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  productId: string;

  @Column('text')
  name: string;

  @Column('text')
  category: string;

  @Column('bigint')
  price: string;

  @Column('text', { nullable: true })
  url: string | null;

  @Column('text', { nullable: true })
  imageUrl: string | null;

  @Column('boolean')
  inStock: boolean;

  @Column('timestamptz')
  updatedAt: Date;
}
