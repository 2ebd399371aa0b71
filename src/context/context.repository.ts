import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UNCOUNTED_SQL } from '../contacts/attributes/order-stats';
import type { CategoryTotal, LineItem, MonthlySpend } from '../contacts/customer-data.types';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type {
  CartRead,
  ContactContextRead,
  ContextReadLimits,
  ConversationRead,
  CustomerFigures,
  EscalationRead,
  LinkedCustomer,
  OrderRead,
  SessionRead,
} from './context-read.types';

/** Product views of the latest session listed, as the tracking module's journey lists them. */
const VIEWED_PRODUCTS = 50;

/**
 * The agent panel's read model: ONE statement per answer, whatever the customer's order count.
 *
 * This repository deliberately reads across modules' tables in one SQL statement (contacts:
 * customers, contact_links, orders, order_items, order_shipments, carts; webhooks: conversations;
 * tracking: tracking_sessions, tracking_events; context: escalations). Asking each module's read
 * service cost 16 round trips per cold answer; the read is side-effect free and every table is
 * filtered by the store (`$1`), so the module walls hold for writes and for tenancy. The filters
 * repeat the owners' definitions (counted orders: `UNCOUNTED_SQL`, the store currency).
 *
 * Timestamps inside JSON are sent as epoch milliseconds and become `Date` here, so the service
 * works on `Date` until the response mapping.
 */
@Injectable()
export class ContextReadRepository extends StoreScopedRepository<ReturnType<typeof contextReads>> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql) {
    return contextReads(sql);
  }
}

/** Epoch milliseconds of a timestamptz, as a JSON number (the pg driver's Date precision). */
const ms = (column: string) => `floor(extract(epoch from ${column}) * 1000)::float8`;

/** The customer linked to contact `contact`, most recently synced first (a merge can leave several). */
const LINK = (contact: string) => `link as (
  select c.customer_id, c.name, c.email, c.registered_at
  from contact_links l join customers c on c.store_id = l.store_id and c.customer_id = l.customer_id
  where l.store_id = $1 and l.contact_id = ${contact}::int
  order by l.synced_at desc nulls last limit 1
)`;

/** Counted orders (not cancelled/refunded, in the store currency) of the linked customer. */
const COUNTED = (currency: string) => `counted as (
  select o.order_id, o.total_amount, o.placed_at
  from link join orders o on o.store_id = $1 and o.customer_id = link.customer_id
  where o.status not in ${UNCOUNTED_SQL} and o.currency = ${currency}::text
),
totals as (
  select count(*)::int as order_count, coalesce(sum(total_amount), 0)::float8 as total_spent,
         min(placed_at) as first_order_at, max(placed_at) as last_order_at
  from counted
)`;

/** The linked customer's newest orders with their lines and shipments. */
const RECENT_ORDERS = (limit: string) => `recent as (
  select o.order_id, o.status, o.total_amount, o.currency, o.placed_at, o.discount_code
  from link join orders o on o.store_id = $1 and o.customer_id = link.customer_id
  order by o.placed_at desc, o.order_id limit ${limit}::int
),
recent_json as (
  select coalesce(json_agg(json_build_object(
    'orderId', r.order_id, 'status', r.status, 'totalAmount', r.total_amount::float8, 'currency', r.currency,
    'placedAt', ${ms('r.placed_at')}, 'discountCode', r.discount_code,
    'items', (select coalesce(json_agg(json_build_object('productId', i.product_id, 'name', i.name, 'category', i.category,
                                                         'quantity', i.quantity, 'unitPrice', i.unit_price::float8) order by i.line), '[]')
              from order_items i where i.store_id = $1 and i.order_id = r.order_id),
    'shipments', (select coalesce(json_agg(json_build_object('id', s.shipment_id, 'carrier', s.carrier,
                                                             'trackingNumber', s.tracking_number, 'trackingUrl', s.tracking_url,
                                                             'status', s.status, 'shippedAt', ${ms('s.shipped_at')},
                                                             'deliveredAt', ${ms('s.delivered_at')}) order by s.position), '[]')
                  from order_shipments s where s.store_id = $1 and s.order_id = r.order_id)
  ) order by r.placed_at desc, r.order_id), '[]') as orders
  from recent r
)`;

/** Counted spend per month in the store's time zone, the last `months` including this one, zero-filled. */
const MONTHLY = (zone: string, months: string) => `months as (
  select generate_series(date_trunc('month', now() at time zone ${zone}::text) - (${months}::int - 1) * interval '1 month',
                         date_trunc('month', now() at time zone ${zone}::text), interval '1 month') as m
),
monthly_json as (
  select json_agg(json_build_object('month', to_char(x.m, 'YYYY-MM'), 'total', x.total, 'orders', x.orders) order by x.m) as monthly
  from (
    select months.m, coalesce(sum(co.total_amount), 0)::float8 as total, count(co.order_id)::int as orders
    from months left join counted co
      on co.placed_at >= months.m at time zone ${zone}::text and co.placed_at < (months.m + interval '1 month') at time zone ${zone}::text
    group by months.m
  ) x
)`;

interface FiguresRow {
  customerId: string | null;
  name: string;
  email: string;
  registeredAt: Date | null;
  orderCount: number;
  totalSpent: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

interface OrderJson extends Omit<OrderRead, 'placedAt' | 'shipments'> {
  placedAt: number;
  shipments: (Omit<OrderRead['shipments'][number], 'shippedAt' | 'deliveredAt'> & {
    shippedAt: number | null;
    deliveredAt: number | null;
  })[];
}

interface ContextRow extends FiguresRow {
  orders: OrderJson[];
  monthly: MonthlySpend[];
  categories: CategoryTotal[];
  cartItems: LineItem[] | null;
  cartUpdatedAt: Date | null;
  conversations: (Omit<ConversationRead, 'createdAt' | 'resolvedAt'> & { createdAt: number; resolvedAt: number | null })[];
  ratings: number;
  averageRating: number | null;
  escalations: (Omit<EscalationRead, 'createdAt'> & { createdAt: number })[];
  sessionCurrentPage: string | null;
  sessionStartedAt: Date | null;
  sessionLastSeenAt: Date | null;
  sessionPageViews: number | null;
  viewedProducts: string[];
}

const FIGURES_COLUMNS = `link.customer_id as "customerId", link.name, link.email, link.registered_at as "registeredAt",
  totals.order_count as "orderCount", totals.total_spent as "totalSpent",
  totals.first_order_at as "firstOrderAt", totals.last_order_at as "lastOrderAt"`;

function contextReads(sql: StoreSql) {
  return {
    /** The whole context of a contact in one statement; `customer` is null when none is linked. */
    async contact(contactId: number, limits: ContextReadLimits): Promise<ContactContextRead> {
      const row = await sql.one<ContextRow>(
        `with ${LINK('$2')}, ${COUNTED('$4')}, ${RECENT_ORDERS('$5')}, ${MONTHLY('$3', '$6')},
         categories_json as (
           select coalesce(json_agg(json_build_object('category', t.category, 'quantity', t.quantity, 'spend', t.spend)
                                    order by t.quantity desc, t.spend desc, t.category), '[]') as categories
           from (
             select i.category, sum(i.quantity)::int as quantity, sum(i.quantity * i.unit_price)::float8 as spend
             from link join orders o on o.store_id = $1 and o.customer_id = link.customer_id
             join order_items i on i.store_id = o.store_id and i.order_id = o.order_id
             where o.status not in ${UNCOUNTED_SQL}
             group by i.category order by quantity desc, spend desc, i.category limit 50
           ) t
         ),
         conversations_json as (
           select coalesce(json_agg(json_build_object('displayId', v.display_id, 'status', v.status, 'priority', v.priority,
                                                      'labels', v.labels, 'createdAt', ${ms('v.created_at')},
                                                      'resolvedAt', ${ms('v.resolved_at')}, 'csatRating', v.csat_rating)
                                    order by v.created_at desc, v.display_id desc), '[]') as conversations
           from (
             select v.* from link join conversations v on v.store_id = $1 and v.customer_id = link.customer_id
             order by v.created_at desc, v.display_id desc limit $7::int
           ) v
         ),
         satisfaction as (
           select count(v.csat_rating)::int as ratings, avg(v.csat_rating)::float8 as average
           from link join conversations v on v.store_id = $1 and v.customer_id = link.customer_id
         ),
         escalations_json as (
           select coalesce(json_agg(json_build_object('id', e.id, 'conversationId', e.conversation_id, 'reason', e.reason,
                                                      'agentName', e.agent_name, 'state', e.state,
                                                      'createdAt', ${ms('e.created_at')})
                                    order by e.created_at desc, e.id), '[]') as escalations
           from (
             select e.* from escalations e
             where e.store_id = $1 and e.state <> 'failed'
               and (e.contact_id = $2::int or e.customer_id = (select customer_id from link))
             order by e.created_at desc, e.id limit $8::int
           ) e
         ),
         session as (
           select s.session_id, s.current_url, s.first_seen, s.last_seen, s.page_views
           from link join tracking_sessions s on s.store_id = $1 and s.customer_id = link.customer_id
           order by s.last_seen desc limit 1
         ),
         viewed_json as (
           -- The latest product views (as the journey picks them), listed most recent first.
           select coalesce(json_agg(x.product_id order by x.at desc, x.id), '[]') as viewed
           from (
             select e.id, e.at, e.product_id from session s
             join tracking_events e on e.store_id = $1 and e.session_id = s.session_id and e.type = 'product_view'
             order by e.at desc, e.id desc limit $9::int
           ) x
           where x.product_id is not null
         )
         select ${FIGURES_COLUMNS},
                recent_json.orders, monthly_json.monthly, categories_json.categories,
                cart.items as "cartItems", cart.updated_at as "cartUpdatedAt",
                conversations_json.conversations, satisfaction.ratings, satisfaction.average as "averageRating",
                escalations_json.escalations,
                session.current_url as "sessionCurrentPage", session.first_seen as "sessionStartedAt",
                session.last_seen as "sessionLastSeenAt", session.page_views as "sessionPageViews",
                viewed_json.viewed as "viewedProducts"
         from totals
         cross join recent_json cross join monthly_json cross join categories_json cross join conversations_json
         cross join escalations_json cross join viewed_json
         left join link on true
         left join satisfaction on true
         left join session on true
         left join carts cart on cart.store_id = $1 and cart.customer_id = link.customer_id`,
        [
          contactId,
          limits.timezone,
          limits.currency,
          limits.recentOrders,
          limits.months,
          limits.conversations,
          limits.escalations,
          VIEWED_PRODUCTS,
        ],
      );
      if (!row) throw new Error('the context read returns one row');
      const customer = figures(row);
      return {
        customer,
        recentOrders: row.orders.map(toOrder),
        cart: customer && row.cartItems ? { items: row.cartItems.map(toLine), updatedAt: row.cartUpdatedAt! } : null,
        monthlySpend: row.monthly,
        categoryTotals: row.categories,
        conversations: row.conversations.map((c) => ({ ...c, createdAt: new Date(c.createdAt), resolvedAt: date(c.resolvedAt) })),
        satisfaction:
          row.ratings > 0 && row.averageRating !== null
            ? { average: Math.round(row.averageRating * 100) / 100, ratedConversations: row.ratings }
            : null,
        escalations: row.escalations.map((e) => ({ ...e, createdAt: new Date(e.createdAt) })),
        session: sessionOf(row),
      };
    },

    /** The linked customer and its newest orders, or null when none is linked. */
    async orders(contactId: number, limit: number): Promise<{ customerId: string; orders: OrderRead[] } | null> {
      const row = await sql.one<{ customerId: string | null; orders: OrderJson[] }>(
        `with ${LINK('$2')}, ${RECENT_ORDERS('$3')}
         select link.customer_id as "customerId", recent_json.orders from recent_json left join link on true`,
        [contactId, limit],
      );
      if (!row?.customerId) return null;
      return { customerId: row.customerId, orders: row.orders.map(toOrder) };
    },

    /** The linked customer and its cart (null when it has none), or null when none is linked. */
    async cart(contactId: number): Promise<{ customerId: string; cart: CartRead | null } | null> {
      const row = await sql.one<{ customerId: string; items: LineItem[] | null; updatedAt: Date | null }>(
        `with ${LINK('$2')}
         select link.customer_id as "customerId", cart.items, cart.updated_at as "updatedAt"
         from link left join carts cart on cart.store_id = $1 and cart.customer_id = link.customer_id`,
        [contactId],
      );
      if (!row) return null;
      return { customerId: row.customerId, cart: row.items ? { items: row.items.map(toLine), updatedAt: row.updatedAt! } : null };
    },

    /** What insights need: figures, monthly spend and the newest orders, or null when none is linked. */
    async insights(
      contactId: number,
      limits: Pick<ContextReadLimits, 'timezone' | 'currency' | 'months' | 'recentOrders'>,
    ): Promise<{ customer: CustomerFigures; monthlySpend: MonthlySpend[]; recentOrders: OrderRead[] } | null> {
      const row = await sql.one<FiguresRow & { orders: OrderJson[]; monthly: MonthlySpend[] }>(
        `with ${LINK('$2')}, ${COUNTED('$4')}, ${RECENT_ORDERS('$5')}, ${MONTHLY('$3', '$6')}
         select ${FIGURES_COLUMNS}, recent_json.orders, monthly_json.monthly
         from totals cross join recent_json cross join monthly_json left join link on true`,
        [contactId, limits.timezone, limits.currency, limits.recentOrders, limits.months],
      );
      const customer = row && figures(row);
      if (!row || !customer) return null;
      return { customer, monthlySpend: row.monthly, recentOrders: row.orders.map(toOrder) };
    },

    /** The customer linked to a contact, or null. */
    async linkedCustomer(contactId: number): Promise<LinkedCustomer | null> {
      return sql.one<LinkedCustomer>(
        `with ${LINK('$2')}
         select customer_id as "customerId", name, email, registered_at as "registeredAt" from link`,
        [contactId],
      );
    },
  };
}

function figures(row: FiguresRow): CustomerFigures | null {
  if (!row.customerId) return null;
  return {
    customerId: row.customerId,
    name: row.name,
    email: row.email,
    registeredAt: row.registeredAt,
    orderCount: row.orderCount,
    totalSpent: row.totalSpent,
    firstOrderAt: row.firstOrderAt,
    lastOrderAt: row.lastOrderAt,
  };
}

function toOrder(o: OrderJson): OrderRead {
  return {
    ...o,
    placedAt: new Date(o.placedAt),
    items: o.items.map(toLine),
    shipments: o.shipments.map((s) => ({ ...s, shippedAt: date(s.shippedAt), deliveredAt: date(s.deliveredAt) })),
  };
}

function toLine(i: LineItem): LineItem {
  return { ...i, quantity: Number(i.quantity), unitPrice: Number(i.unitPrice) };
}

function date(epochMs: number | null): Date | null {
  return epochMs === null ? null : new Date(epochMs);
}

function sessionOf(row: ContextRow): SessionRead | null {
  if (!row.customerId || !row.sessionStartedAt || !row.sessionLastSeenAt) return null;
  return {
    currentPage: row.sessionCurrentPage,
    startedAt: row.sessionStartedAt,
    lastSeenAt: row.sessionLastSeenAt,
    pageViews: row.sessionPageViews ?? 0,
    productsViewed: row.viewedProducts,
  };
}
