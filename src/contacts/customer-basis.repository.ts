import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { LineItem } from './attributes/cart';
import { UNCOUNTED_SQL, type OrderStatus } from './attributes/order-stats';
import type { ShipmentStatus } from './entities/order-shipment.entity';
import type { CustomerBasis } from './attributes/compute-attributes';
import type { CategoryTotal } from './attributes/favorite-categories';

/** Categories kept per customer before the top 3 are picked: bounds the row size. */
const CATEGORY_ROWS = 10;

interface BasisRow {
  customer_id: string;
  email: string;
  name: string;
  phone: string | null;
  language: string | null;
  marketing_consent: boolean;
  registered_at: Date | null;
  conversation_count: number;
  order_count: number;
  total_spent: string;
  first_order_at: Date | null;
  last_order_at: Date | null;
  categories: CategoryTotal[];
  cart_items: LineItem[];
  last_order: {
    status: OrderStatus;
    shipments: { status: ShipmentStatus; trackingUrl: string | null; shippedAt: number | null }[];
  } | null;
}

/**
 * Computes the attribute basis of many customers in ONE aggregate query: order figures,
 * category totals and cart per customer, joined on the batch. Used for a single customer
 * (real-time sync) and for a page of 500 (bulk run) alike, so both share one definition.
 */
@Injectable()
export class CustomerBasisRepository extends StoreScopedRepository<CustomerBases> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): CustomerBases {
    return new CustomerBases(sql);
  }
}

/** The attribute bases of one store's customers. */
export class CustomerBases {
  constructor(private readonly sql: StoreSql) {}

  /** Up to `limit` customers after `afterCustomerId` in customer-id order (keyset pagination). */
  page(currency: string, afterCustomerId: string | null, limit: number): Promise<CustomerBasis[]> {
    return this.load(currency, `c.store_id = $1 and ($3::text is null or c.customer_id > $3) order by c.customer_id limit $4`, [
      afterCustomerId,
      limit,
    ]);
  }

  forCustomers(currency: string, customerIds: string[]): Promise<CustomerBasis[]> {
    if (customerIds.length === 0) return Promise.resolve([]);
    return this.load(currency, `c.store_id = $1 and c.customer_id = any($3::text[])`, [customerIds]);
  }

  private async load(currency: string, batchFilter: string, params: unknown[]): Promise<CustomerBasis[]> {
    const rows = await this.sql.rows<BasisRow>(
      `with batch as (
         select c.* from customers c where ${batchFilter}
       ),
       counted as (
         select o.customer_id, o.order_id, o.total_amount, o.placed_at
         from orders o join batch b on o.store_id = $1 and o.customer_id = b.customer_id
         where o.status not in ${UNCOUNTED_SQL} and o.currency = $2
       ),
       totals as (
         select customer_id, count(*)::int as order_count, sum(total_amount)::bigint as total_spent,
                min(placed_at) as first_order_at, max(placed_at) as last_order_at
         from counted group by customer_id
       ),
       category_totals as (
         select co.customer_id, i.category, sum(i.quantity)::int as quantity, sum(i.quantity * i.unit_price)::bigint as spend,
                row_number() over (partition by co.customer_id
                                   order by sum(i.quantity) desc, sum(i.quantity * i.unit_price) desc, i.category) as rank
         from counted co join order_items i on i.store_id = $1 and i.order_id = co.order_id
         group by co.customer_id, i.category
       ),
       latest as (
         -- The most recent order of any status: its fulfilment becomes last_order_status / _tracking_url.
         select distinct on (o.customer_id) o.customer_id, o.order_id, o.status
         from orders o join batch b on o.store_id = $1 and o.customer_id = b.customer_id
         order by o.customer_id, o.placed_at desc, o.order_id
       ),
       latest_orders as (
         select l.customer_id,
                jsonb_build_object('status', l.status, 'shipments', coalesce(
                  (select jsonb_agg(jsonb_build_object('status', s.status, 'trackingUrl', s.tracking_url,
                                                       'shippedAt', floor(extract(epoch from s.shipped_at) * 1000)::float8)
                                    order by s.position)
                   from order_shipments s where s.store_id = $1 and s.order_id = l.order_id), '[]'::jsonb)) as last_order
         from latest l
       ),
       categories as (
         select customer_id,
                jsonb_agg(jsonb_build_object('category', category, 'quantity', quantity, 'spend', spend) order by rank) as categories
         from category_totals where rank <= ${CATEGORY_ROWS} group by customer_id
       )
       select b.customer_id, b.email, b.name, b.phone, b.language, b.marketing_consent, b.registered_at, b.conversation_count,
              coalesce(t.order_count, 0) as order_count, coalesce(t.total_spent, 0)::text as total_spent,
              t.first_order_at, t.last_order_at,
              coalesce(cat.categories, '[]'::jsonb) as categories, coalesce(cart.items, '[]'::jsonb) as cart_items,
              lo.last_order
       from batch b
       left join latest_orders lo on lo.customer_id = b.customer_id
       left join totals t on t.customer_id = b.customer_id
       left join categories cat on cat.customer_id = b.customer_id
       left join carts cart on cart.store_id = $1 and cart.customer_id = b.customer_id
       order by b.customer_id`,
      [currency, ...params],
    );
    return rows.map(toBasis);
  }
}

function toBasis(row: BasisRow): CustomerBasis {
  return {
    customerId: row.customer_id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    language: row.language,
    marketingConsent: row.marketing_consent,
    registeredAt: row.registered_at,
    orderCount: Number(row.order_count),
    totalSpent: Number(row.total_spent),
    firstOrderAt: row.first_order_at,
    lastOrderAt: row.last_order_at,
    categories: row.categories.map((c) => ({ category: c.category, quantity: Number(c.quantity), spend: Number(c.spend) })),
    cartItems: row.cart_items.map((i) => ({ ...i, quantity: Number(i.quantity), unitPrice: Number(i.unitPrice) })),
    conversationCount: Number(row.conversation_count),
    lastOrder: row.last_order && {
      status: row.last_order.status,
      shipments: row.last_order.shipments.map((s) => ({
        status: s.status,
        trackingUrl: s.trackingUrl,
        shippedAt: s.shippedAt === null ? null : new Date(s.shippedAt),
      })),
    },
  };
}
