import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isCountedStatus, UNCOUNTED_SQL as UNCOUNTED } from './attributes/order-stats';
import { execute } from '../database/sql';

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
export class ProductPairsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Adds `delta` (+1 or -1) for every pair of the order's current lines. */
  async adjust(m: EntityManager, storeId: string, orderId: string, delta: 1 | -1): Promise<void> {
    // Sorted, so concurrent orders lock shared pair rows in the same order and never deadlock.
    await execute(
      m,
      `insert into product_pairs as pp (store_id, product_id, other_product_id, orders_together)
       select $1, a.product_id, b.product_id, $3
       from (select distinct product_id from order_items where store_id = $1 and order_id = $2) a
       join (select distinct product_id from order_items where store_id = $1 and order_id = $2) b on b.product_id <> a.product_id
       order by a.product_id, b.product_id
       on conflict (store_id, product_id, other_product_id)
       do update set orders_together = pp.orders_together + excluded.orders_together`,
      [storeId, orderId, delta],
    );
    await execute(
      m,
      `insert into product_sales as ps (store_id, product_id, units_sold)
       select $1, product_id, sum(quantity)::int * $3 from order_items where store_id = $1 and order_id = $2
       group by product_id order by product_id
       on conflict (store_id, product_id) do update set units_sold = ps.units_sold + excluded.units_sold`,
      [storeId, orderId, delta],
    );
  }

  /** Recomputes a store's pairs from its orders (after bulk loads that bypass the API). */
  async rebuild(storeId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await execute(m, 'delete from product_pairs where store_id = $1', [storeId]);
      await execute(m, 'delete from product_sales where store_id = $1', [storeId]);
      await execute(
        m,
        `insert into product_sales (store_id, product_id, units_sold)
         select $1, i.product_id, sum(i.quantity)::int
         from order_items i
         join orders o on o.store_id = i.store_id and o.order_id = i.order_id and o.status not in ${UNCOUNTED}
         where i.store_id = $1
         group by i.product_id`,
        [storeId],
      );
      await execute(
        m,
        `insert into product_pairs (store_id, product_id, other_product_id, orders_together)
         select $1, a.product_id, b.product_id, count(distinct a.order_id)::int
         from order_items a
         join order_items b on b.store_id = a.store_id and b.order_id = a.order_id and b.product_id <> a.product_id
         join orders o on o.store_id = a.store_id and o.order_id = a.order_id and o.status not in ${UNCOUNTED}
         where a.store_id = $1
         group by a.product_id, b.product_id`,
        [storeId],
      );
    });
  }
}
