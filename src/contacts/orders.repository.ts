import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { LineItem } from './attributes/cart';
import { UNCOUNTED_SQL as UNCOUNTED } from './attributes/order-stats';
import type { CategoryTotal, OrderSummary } from './customer-data.types';

/** An order as the platform sent it (currency already upper-cased). */
export interface OrderWrite {
  orderId: string;
  customerId: string;
  status: string;
  currency: string;
  totalAmount: number;
  placedAt: Date;
  updatedAt: Date;
  discountCode: string | null;
  sessionId: string | null;
}

const ORDER_SELECT = `select o.order_id as "orderId", o.customer_id as "customerId", o.status, o.total_amount::float8 as "totalAmount",
  o.currency, o.placed_at as "placedAt", o.updated_at as "updatedAt", o.discount_code as "discountCode",
  coalesce((select jsonb_agg(jsonb_build_object('productId', i.product_id, 'name', i.name, 'category', i.category,
                                                'quantity', i.quantity, 'unitPrice', i.unit_price) order by i.line)
            from order_items i where i.store_id = o.store_id and i.order_id = o.order_id), '[]'::jsonb) as items
  from orders o`;

/** The platform's orders and their lines (`orders`, `order_items`). Amounts in minor units. */
@Injectable()
export class OrdersRepository extends StoreScopedRepository<Orders> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): Orders {
    return new Orders(sql);
  }
}

export class Orders {
  constructor(private readonly sql: StoreSql) {}

  /** The stored status, locking the order row until the transaction ends (null: a new order). */
  async lockStatus(orderId: string): Promise<string | null> {
    const row = await this.sql.one<{ status: string }>(
      'select status from orders where store_id = $1 and order_id = $2 for update',
      [orderId],
    );
    return row?.status ?? null;
  }

  /**
   * Applies the write when it is newer than the stored version. Returns null when it was not,
   * else the order's session (the stored one when this write carries none).
   */
  async upsert(o: OrderWrite): Promise<{ sessionId: string | null } | null> {
    return this.sql.one<{ sessionId: string | null }>(
      `insert into orders as o (store_id, order_id, customer_id, status, currency, total_amount, placed_at, updated_at, discount_code, session_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (store_id, order_id) do update set
         customer_id = excluded.customer_id, status = excluded.status, currency = excluded.currency,
         total_amount = excluded.total_amount, placed_at = excluded.placed_at, updated_at = excluded.updated_at,
         discount_code = excluded.discount_code, session_id = coalesce(excluded.session_id, o.session_id)
       where excluded.updated_at > o.updated_at
       returning order_id, session_id as "sessionId"`,
      [o.orderId, o.customerId, o.status, o.currency, o.totalAmount, o.placedAt, o.updatedAt, o.discountCode, o.sessionId],
    );
  }

  /** Replaces the order's lines with `items`, numbered from 1 in their order. */
  async replaceItems(orderId: string, items: LineItem[]): Promise<void> {
    await this.sql.execute('delete from order_items where store_id = $1 and order_id = $2', [orderId]);
    if (items.length === 0) return;
    await this.sql.execute(
      `insert into order_items (store_id, order_id, line, product_id, name, category, quantity, unit_price)
       select $1, $2, t.line, t.product_id, t.name, t.category, t.quantity, t.unit_price
       from unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[])
         as t(line, product_id, name, category, quantity, unit_price)`,
      [
        orderId,
        items.map((_, i) => i + 1),
        items.map((r) => r.productId),
        items.map((r) => r.name),
        items.map((r) => r.category),
        items.map((r) => r.quantity),
        items.map((r) => r.unitPrice),
      ],
    );
  }

  async storedVersion(orderId: string): Promise<Date | null> {
    const row = await this.sql.one<{ updatedAt: Date }>(
      'select updated_at as "updatedAt" from orders where store_id = $1 and order_id = $2',
      [orderId],
    );
    return row?.updatedAt ?? null;
  }

  /** Erasure: the customer's orders stay as anonymous totals. */
  async anonymize(customerId: string): Promise<void> {
    await this.sql.execute('update orders set customer_id = null where store_id = $1 and customer_id = $2', [customerId]);
  }

  /** Placed in [from, to), oldest first. */
  between(customerId: string, from: Date, to: Date, limit: number): Promise<OrderSummary[]> {
    return this.summaries(
      `${ORDER_SELECT} where o.store_id = $1 and o.customer_id = $2 and o.placed_at >= $3 and o.placed_at < $4
       order by o.placed_at, o.order_id limit $5`,
      [customerId, from, to, limit],
    );
  }

  async get(orderId: string): Promise<OrderSummary | null> {
    const [order] = await this.summaries(`${ORDER_SELECT} where o.store_id = $1 and o.order_id = $2`, [orderId]);
    return order ?? null;
  }

  /** Whether the customer exists, and the sum of their counted orders in `currency` (null: none). */
  tierBasis(customerId: string, currency: string): Promise<{ total: string | null; exists: boolean } | null> {
    return this.sql.one<{ total: string | null; exists: boolean }>(
      `select exists (select 1 from customers where store_id = $1 and customer_id = $2) as exists,
              (select sum(total_amount) from orders where store_id = $1 and customer_id = $2
                 and status not in ${UNCOUNTED} and currency = $3)::text as total`,
      [customerId, currency],
    );
  }

  /** Quantity and spend per category over counted orders, largest quantity first (max 50). */
  async categoryTotals(customerId: string): Promise<CategoryTotal[]> {
    const rows = await this.sql.rows<{ category: string; quantity: number; spend: string }>(
      `select i.category, sum(i.quantity)::int as quantity, sum(i.quantity * i.unit_price)::text as spend
       from orders o join order_items i on i.store_id = o.store_id and i.order_id = o.order_id
       where o.store_id = $1 and o.customer_id = $2 and o.status not in ${UNCOUNTED}
       group by i.category order by quantity desc, spend desc, i.category limit 50`,
      [customerId],
    );
    return rows.map((r) => ({ category: r.category, quantity: r.quantity, spend: Number(r.spend) }));
  }

  private async summaries(sql: string, params: unknown[]): Promise<OrderSummary[]> {
    const rows = await this.sql.rows<OrderSummary>(sql, params);
    return rows.map((o) => ({
      ...o,
      items: o.items.map((i) => ({ ...i, quantity: Number(i.quantity), unitPrice: Number(i.unitPrice) })),
    }));
  }
}
