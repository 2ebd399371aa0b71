import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import type { CustomerTier } from '../accounts/store-settings';
import { cartValue } from './attributes/cart';
import { computeContactAttributes } from './attributes/compute-attributes';
import { customerTier } from './attributes/customer-tier';
import { UNCOUNTED_SQL as UNCOUNTED } from './attributes/order-stats';
import type { ContactAttributes } from './contact-attributes';
import { storeFormat } from './contact-sync.service';
import { rowsOf } from '../database/sql';
import { CustomerBasisRepository } from './customer-basis.repository';
import type {
  CartSnapshot,
  CategoryTotal,
  CoPurchasedProduct,
  CustomerProfile,
  CustomerView,
  LineItem,
  MonthlySpend,
  OrderSummary,
  ProductFilter,
  ProductView,
} from './customer-data.types';

const clamp = (value: number | undefined, fallback: number, max: number) =>
  Math.max(1, Math.min(max, Math.floor(value ?? fallback) || fallback));

const CUSTOMER_SELECT = `select c.customer_id as "customerId", c.email, c.name, c.phone, c.language,
  c.marketing_consent as "marketingConsent", c.registered_at as "registeredAt", c.updated_at as "updatedAt",
  c.conversation_count as "conversationCount", l.contact_id as "contactId"
  from customers c left join contact_links l on l.store_id = c.store_id and l.customer_id = c.customer_id`;

const ORDER_SELECT = `select o.order_id as "orderId", o.customer_id as "customerId", o.status, o.total_amount::float8 as "totalAmount",
  o.currency, o.placed_at as "placedAt", o.updated_at as "updatedAt", o.discount_code as "discountCode",
  coalesce((select jsonb_agg(jsonb_build_object('productId', i.product_id, 'name', i.name, 'category', i.category,
                                                'quantity', i.quantity, 'unitPrice', i.unit_price) order by i.line)
            from order_items i where i.store_id = o.store_id and i.order_id = o.order_id), '[]'::jsonb) as items
  from orders o`;

const PRODUCT_COLUMNS = `p.product_id as "productId", p.name, p.category, p.price::float8 as price, p.url, p.image_url as "imageUrl",
  p.in_stock as "inStock"`;

/**
 * Read access to the platform data this module keeps, for other modules (tracking, context,
 * webhooks). Every method takes the store id first, answers in a fixed number of queries and
 * returns bounded lists. Amounts are integer minor units.
 */
@Injectable()
export class CustomerDataService {
  constructor(
    private readonly db: DataSource,
    private readonly directory: StoreDirectory,
    private readonly bases: CustomerBasisRepository,
  ) {}

  async getCustomer(storeId: string, customerId: string): Promise<CustomerView | null> {
    const [row] = await rowsOf<CustomerView>(this.db, `${CUSTOMER_SELECT} where c.store_id = $1 and c.customer_id = $2`, [
      storeId,
      customerId,
    ]);
    return row ?? null;
  }

  /** The customer linked to a Chatwoot contact (the most recently synced one if a merge left several). */
  async findCustomerByContactId(storeId: string, contactId: number): Promise<CustomerView | null> {
    const [row] = await rowsOf<CustomerView>(
      this.db,
      `${CUSTOMER_SELECT} where c.store_id = $1 and l.contact_id = $2 order by l.synced_at desc nulls last limit 1`,
      [storeId, contactId],
    );
    return row ?? null;
  }

  /** Customer and counted-order totals of the customer linked to a contact. */
  async getProfileByContactId(storeId: string, contactId: number): Promise<CustomerProfile | null> {
    const customer = await this.findCustomerByContactId(storeId, contactId);
    if (!customer) return null;
    const store = await this.directory.get(storeId);
    const [basis] = await this.bases.forCustomers(storeId, store.currency, [customer.customerId]);
    if (!basis) return null;
    return {
      customerId: customer.customerId,
      contactId,
      name: customer.name,
      email: customer.email,
      registeredAt: customer.registeredAt,
      totalSpent: basis.totalSpent,
      orderCount: basis.orderCount,
      currency: store.currency,
      firstOrderAt: basis.firstOrderAt,
      lastOrderAt: basis.lastOrderAt,
    };
  }

  /** The attributes we sync to Chatwoot, computed now (tier, money formatted for the store...). */
  async getAttributes(storeId: string, customerId: string): Promise<ContactAttributes | null> {
    const store = await this.directory.get(storeId);
    const [basis] = await this.bases.forCustomers(storeId, store.currency, [customerId]);
    return basis ? computeContactAttributes(basis, storeFormat(store)) : null;
  }

  async getTier(storeId: string, customerId: string): Promise<CustomerTier | null> {
    const store = await this.directory.get(storeId);
    const [row] = await rowsOf<{ total: string | null; exists: boolean }>(
      this.db,
      `select exists (select 1 from customers where store_id = $1 and customer_id = $2) as exists,
              (select sum(total_amount) from orders where store_id = $1 and customer_id = $2
                 and status not in ${UNCOUNTED} and currency = $3)::text as total`,
      [storeId, customerId, store.currency],
    );
    if (!row?.exists) return null;
    return customerTier(Number(row.total ?? 0), storeFormat(store).tiers);
  }

  /** Newest first; `limit` default 10, at most 100. */
  recentOrders(storeId: string, customerId: string, limit = 10): Promise<OrderSummary[]> {
    return this.orders(
      `${ORDER_SELECT} where o.store_id = $1 and o.customer_id = $2 order by o.placed_at desc, o.order_id limit $3`,
      [storeId, customerId, clamp(limit, 10, 100)],
    );
  }

  /** Orders placed in [from, to), oldest first; at most `limit` (default and max 1000). */
  ordersForCustomerBetween(storeId: string, customerId: string, from: Date, to: Date, limit = 1000): Promise<OrderSummary[]> {
    return this.orders(
      `${ORDER_SELECT} where o.store_id = $1 and o.customer_id = $2 and o.placed_at >= $3 and o.placed_at < $4
       order by o.placed_at, o.order_id limit $5`,
      [storeId, customerId, from, to, clamp(limit, 1000, 1000)],
    );
  }

  async getOrder(storeId: string, orderId: string): Promise<OrderSummary | null> {
    const [order] = await this.orders(`${ORDER_SELECT} where o.store_id = $1 and o.order_id = $2`, [storeId, orderId]);
    return order ?? null;
  }

  async getCart(storeId: string, customerId: string): Promise<CartSnapshot | null> {
    const store = await this.directory.get(storeId);
    const [row] = await rowsOf<{ items: LineItem[]; updated_at: Date }>(
      this.db,
      'select items, updated_at from carts where store_id = $1 and customer_id = $2',
      [storeId, customerId],
    );
    if (!row) return null;
    return { items: row.items, total: cartValue(row.items), currency: store.currency, updatedAt: row.updated_at };
  }

  async hasNonEmptyCart(storeId: string, customerId: string): Promise<boolean> {
    const [row] = await rowsOf<{ yes: boolean }>(
      this.db,
      `select exists (select 1 from carts where store_id = $1 and customer_id = $2 and jsonb_array_length(items) > 0) as yes`,
      [storeId, customerId],
    );
    return row?.yes ?? false;
  }

  /** Counted spend per month in the store's time zone, oldest first, the last `months` (max 60) including this one. */
  async monthlySpend(storeId: string, customerId: string, months = 12): Promise<MonthlySpend[]> {
    const store = await this.directory.get(storeId);
    const rows = await rowsOf<{ month: string; total: string; orders: number }>(
      this.db,
      `with months as (
         select generate_series(date_trunc('month', now() at time zone $3) - ($4::int - 1) * interval '1 month',
                                date_trunc('month', now() at time zone $3), interval '1 month') as m
       )
       select to_char(months.m, 'YYYY-MM') as month, coalesce(sum(o.total_amount), 0)::text as total, count(o.order_id)::int as orders
       from months left join orders o
         on o.store_id = $1 and o.customer_id = $2 and o.status not in ${UNCOUNTED} and o.currency = $5
        and o.placed_at >= months.m at time zone $3 and o.placed_at < (months.m + interval '1 month') at time zone $3
       group by months.m order by months.m`,
      [storeId, customerId, safeZone(store.timezone), clamp(months, 12, 60), store.currency],
    );
    return rows.map((r) => ({ month: r.month, total: Number(r.total), orders: r.orders }));
  }

  /** Quantity and spend per category over counted orders, largest quantity first (max 50). */
  async categoryTotals(storeId: string, customerId: string): Promise<CategoryTotal[]> {
    const rows = await rowsOf<{ category: string; quantity: number; spend: string }>(
      this.db,
      `select i.category, sum(i.quantity)::int as quantity, sum(i.quantity * i.unit_price)::text as spend
       from orders o join order_items i on i.store_id = o.store_id and i.order_id = o.order_id
       where o.store_id = $1 and o.customer_id = $2 and o.status not in ${UNCOUNTED}
       group by i.category order by quantity desc, spend desc, i.category limit 50`,
      [storeId, customerId],
    );
    return rows.map((r) => ({ category: r.category, quantity: r.quantity, spend: Number(r.spend) }));
  }

  async listProducts(storeId: string, filter: ProductFilter = {}): Promise<ProductView[]> {
    return rowsOf<ProductView>(
      this.db,
      `select ${PRODUCT_COLUMNS} from products p
       where p.store_id = $1 and ($2::boolean is null or p.in_stock = $2) and ($3::text[] is null or p.category = any($3))
       order by p.product_id limit $4`,
      [storeId, filter.inStock ?? null, filter.categories ?? null, clamp(filter.limit, 50, 500)],
    );
  }

  /** In-stock products of these categories the customer has not bought, best sellers first. */
  productsInCategories(storeId: string, customerId: string, categories: string[], limit = 5): Promise<ProductView[]> {
    if (categories.length === 0) return Promise.resolve([]);
    return rowsOf<ProductView>(
      this.db,
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
      [storeId, customerId, categories, clamp(limit, 5, 50)],
    );
  }

  /** In-stock products other customers bought together with the customer's own (their latest 50 products). */
  async coPurchasedProducts(storeId: string, customerId: string, limit = 5): Promise<CoPurchasedProduct[]> {
    const rows = await rowsOf<ProductView & { together: number; withId: string | null; withName: string | null }>(
      this.db,
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
      [storeId, customerId, clamp(limit, 5, 50)],
    );
    return rows.map(({ together, withId, withName, ...product }) => ({
      product,
      together,
      boughtWith: withId ? { productId: withId, name: withName ?? withId } : null,
    }));
  }

  /** Products most often in the same orders as any of `productIds` (excluding those), in stock only. */
  async productsBoughtWith(
    storeId: string,
    productIds: string[],
    limit = 5,
  ): Promise<{ product: ProductView; together: number }[]> {
    if (productIds.length === 0) return [];
    const rows = await rowsOf<ProductView & { together: number }>(
      this.db,
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
      [storeId, productIds.slice(0, 100), clamp(limit, 5, 50)],
    );
    return rows.map(({ together, ...product }) => ({ product, together }));
  }

  private async orders(sql: string, params: unknown[]): Promise<OrderSummary[]> {
    const rows = await rowsOf<OrderSummary>(this.db, sql, params);
    return rows.map((o) => ({
      ...o,
      items: o.items.map((i) => ({ ...i, quantity: Number(i.quantity), unitPrice: Number(i.unitPrice) })),
    }));
  }
}

function safeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}
