import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isCountedStatus, UNCOUNTED_SQL as UNCOUNTED } from './attributes/order-stats';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';

/** True when an order in this status counts towards "bought together". */
export function countsTowardsPairs(status: string | null | undefined): boolean {
  return !!status && isCountedStatus(status);
}

/**
 * The `product_pairs` and `product_sales` counts. An order adds one to every ordered pair of its
 * distinct products, and its quantities to units sold, while it counts (not cancelled or
 * refunded), and takes them back when it stops counting or its lines change; callers do both
 * inside the order's own transaction.
 */
@Injectable()
export class ProductPairsRepository extends StoreScopedRepository<ProductPairs> {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): ProductPairs {
    return new ProductPairs(sql, this.db);
  }
}

/** One store's counts. Writes of an order run in the order's transaction (`forStore(storeId, tx)`). */
export class ProductPairs {
  constructor(
    private readonly sql: StoreSql,
    private readonly db: DataSource,
  ) {}

  /** Adds `delta` (+1 or -1) for every pair of the order's current lines. */
  async adjust(orderId: string, delta: 1 | -1): Promise<void> {
    // Sorted, so concurrent orders lock shared pair rows in the same order and never deadlock.
    await this.sql.execute(
      `insert into product_pairs as pp (store_id, product_id, other_product_id, orders_together)
       select $1, a.product_id, b.product_id, $3
       from (select distinct product_id from order_items where store_id = $1 and order_id = $2) a
       join (select distinct product_id from order_items where store_id = $1 and order_id = $2) b on b.product_id <> a.product_id
       order by a.product_id, b.product_id
       on conflict (store_id, product_id, other_product_id)
       do update set orders_together = pp.orders_together + excluded.orders_together`,
      [orderId, delta],
    );
    await this.sql.execute(
      `insert into product_sales as ps (store_id, product_id, units_sold)
       select $1, product_id, sum(quantity)::int * $3 from order_items where store_id = $1 and order_id = $2
       group by product_id order by product_id
       on conflict (store_id, product_id) do update set units_sold = ps.units_sold + excluded.units_sold`,
      [orderId, delta],
    );
  }

  /** Recomputes the store's pairs from its orders (after bulk loads that bypass the API), in its own transaction. */
  async rebuild(): Promise<void> {
    await this.db.transaction(async (tx) => {
      const sql = this.sql.within(tx);
      await sql.execute('delete from product_pairs where store_id = $1');
      await sql.execute('delete from product_sales where store_id = $1');
      await sql.execute(
        `insert into product_sales (store_id, product_id, units_sold)
         select $1, i.product_id, sum(i.quantity)::int
         from order_items i
         join orders o on o.store_id = i.store_id and o.order_id = i.order_id and o.status not in ${UNCOUNTED}
         where i.store_id = $1
         group by i.product_id`,
      );
      await sql.execute(
        `insert into product_pairs (store_id, product_id, other_product_id, orders_together)
         select $1, a.product_id, b.product_id, count(distinct a.order_id)::int
         from order_items a
         join order_items b on b.store_id = a.store_id and b.order_id = a.order_id and b.product_id <> a.product_id
         join orders o on o.store_id = a.store_id and o.order_id = a.order_id and o.status not in ${UNCOUNTED}
         where a.store_id = $1
         group by a.product_id, b.product_id`,
      );
    });
  }
}
