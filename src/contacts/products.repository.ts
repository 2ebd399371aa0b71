import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import { UNCOUNTED_SQL as UNCOUNTED } from './attributes/order-stats';
import type { ProductView } from './customer-data.types';

export interface ProductWrite extends ProductView {
  /** null: now (the platform sent no version). */
  updatedAt: Date | null;
}

const PRODUCT_COLUMNS = `p.product_id as "productId", p.name, p.category, p.price::float8 as price, p.url, p.image_url as "imageUrl",
  p.in_stock as "inStock"`;

/**
 * The store's catalogue (`products`) and the recommendations read from it with the counts
 * {@link ProductPairsRepository} keeps.
 */
@Injectable()
export class ProductsRepository extends StoreScopedRepository<Products> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): Products {
    return new Products(sql);
  }
}

export class Products {
  constructor(private readonly sql: StoreSql) {}

  async upsert(p: ProductWrite): Promise<boolean> {
    const { rows } = await this.sql.execute(
      `insert into products as p (store_id, product_id, name, category, price, url, image_url, in_stock, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::timestamptz, clock_timestamp()))
       on conflict (store_id, product_id) do update set
         name = excluded.name, category = excluded.category, price = excluded.price, url = excluded.url,
         image_url = excluded.image_url, in_stock = excluded.in_stock, updated_at = excluded.updated_at
       where excluded.updated_at > p.updated_at
       returning product_id`,
      [p.productId, p.name, p.category, p.price, p.url, p.imageUrl, p.inStock, p.updatedAt],
    );
    return rows.length > 0;
  }

  async storedVersion(productId: string): Promise<Date | null> {
    const row = await this.sql.one<{ updatedAt: Date }>(
      'select updated_at as "updatedAt" from products where store_id = $1 and product_id = $2',
      [productId],
    );
    return row?.updatedAt ?? null;
  }

  list(inStock: boolean | null, categories: string[] | null, limit: number): Promise<ProductView[]> {
    return this.sql.rows<ProductView>(
      `select ${PRODUCT_COLUMNS} from products p
       where p.store_id = $1 and ($2::boolean is null or p.in_stock = $2) and ($3::text[] is null or p.category = any($3))
       order by p.product_id limit $4`,
      [inStock, categories, limit],
    );
  }

  /** In-stock products of these categories the customer has not bought, best sellers first. */
  inCategoriesNotBought(customerId: string, categories: string[], limit: number): Promise<ProductView[]> {
    return this.sql.rows<ProductView>(
      `with bought as (
         select distinct i.product_id from orders o join order_items i on i.store_id = o.store_id and i.order_id = o.order_id
         where o.store_id = $1 and o.customer_id = $2
       )
       select ${PRODUCT_COLUMNS}
       from products p
       left join product_sales s on s.store_id = p.store_id and s.product_id = p.product_id
       where p.store_id = $1 and p.in_stock and p.category = any($3::text[])
         and p.product_id not in (select product_id from bought)
       order by coalesce(s.units_sold, 0) desc, p.product_id limit $4`,
      [customerId, categories, limit],
    );
  }

  /** In-stock products other customers bought together with the customer's own (their latest 50 products). */
  coPurchased(
    customerId: string,
    limit: number,
  ): Promise<(ProductView & { together: number; withId: string | null; withName: string | null })[]> {
    return this.sql.rows<ProductView & { together: number; withId: string | null; withName: string | null }>(
      `with mine as (
         select i.product_id from orders o join order_items i on i.store_id = o.store_id and i.order_id = o.order_id
         where o.store_id = $1 and o.customer_id = $2 and o.status not in ${UNCOUNTED}
         group by i.product_id order by max(o.placed_at) desc limit 50
       ),
       together as (
         select pp.other_product_id as product_id, sum(pp.orders_together)::int as together,
                (array_agg(pp.product_id order by pp.orders_together desc, pp.product_id))[1] as with_id
         from product_pairs pp
         where pp.store_id = $1 and pp.product_id in (select product_id from mine) and pp.orders_together > 0
           and pp.other_product_id not in (select product_id from mine)
         group by pp.other_product_id
       )
       select ${PRODUCT_COLUMNS}, t.together, t.with_id as "withId", w.name as "withName"
       from together t
       join products p on p.store_id = $1 and p.product_id = t.product_id and p.in_stock
       left join products w on w.store_id = $1 and w.product_id = t.with_id
       order by t.together desc, p.product_id limit $3`,
      [customerId, limit],
    );
  }

  /** Products most often in the same orders as any of `productIds` (excluding those), in stock only. */
  boughtWith(productIds: string[], limit: number): Promise<(ProductView & { together: number })[]> {
    return this.sql.rows<ProductView & { together: number }>(
      `with together as (
         select pp.other_product_id as product_id, sum(pp.orders_together)::int as together
         from product_pairs pp
         where pp.store_id = $1 and pp.product_id = any($2::text[]) and pp.other_product_id <> all($2::text[])
           and pp.orders_together > 0
         group by pp.other_product_id
       )
       select ${PRODUCT_COLUMNS}, t.together
       from together t join products p on p.store_id = $1 and p.product_id = t.product_id and p.in_stock
       order by t.together desc, p.product_id limit $3`,
      [productIds, limit],
    );
  }
}
