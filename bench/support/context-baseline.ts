import type { Pool } from 'pg';

/**
 * The cold context request as it was before the one-statement read model (commit a413c0d),
 * replayed statement by statement for the bench baseline only: the contacts, webhooks,
 * tracking and context services' queries with the same waits (the profile first, then the
 * sections in parallel, each store lookup twice as TypeORM's findOne-with-relation issued it).
 * It skips TypeORM's entity mapping, so it flatters the old path a little.
 */
export async function oldContextSequence(pool: Pool, storeId: string, contactId: number): Promise<number> {
  let statements = 0;
  const q = async <T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> => {
    statements++;
    return (await pool.query(sql, params)).rows as T[];
  };
  const store = async () => {
    await q('select distinct s.id from stores s left join chatwoot_accounts a on a.store_id = s.id where s.id = $1 limit 1', [
      storeId,
    ]);
    const [row] = await q<{ currency: string; timezone: string }>(
      'select s.*, a.* from stores s left join chatwoot_accounts a on a.store_id = s.id where s.id = $1 and s.id in ($2)',
      [storeId, storeId],
    );
    return row;
  };
  const [customer] = await q<{ customerId: string }>(
    `select c.customer_id as "customerId", c.email, c.name, c.phone, c.language, c.marketing_consent, c.registered_at,
            c.updated_at, c.conversation_count, l.contact_id
     from customers c left join contact_links l on l.store_id = c.store_id and l.customer_id = c.customer_id
     where c.store_id = $1 and l.contact_id = $2 order by l.synced_at desc nulls last limit 1`,
    [storeId, contactId],
  );
  if (!customer) throw new Error(`no customer for contact ${contactId}`);
  const { currency, timezone } = await store();
  const id = customer.customerId;
  await q(
    `with batch as (select c.* from customers c where c.store_id = $1 and c.customer_id = any($3::text[])),
     counted as (select o.customer_id, o.order_id, o.total_amount, o.placed_at from orders o join batch b
                 on o.store_id = $1 and o.customer_id = b.customer_id where o.status not in ('cancelled', 'refunded') and o.currency = $2),
     totals as (select customer_id, count(*)::int as order_count, sum(total_amount)::bigint as total_spent,
                min(placed_at) as first_order_at, max(placed_at) as last_order_at from counted group by customer_id),
     category_totals as (select co.customer_id, i.category, sum(i.quantity)::int as quantity, sum(i.quantity * i.unit_price)::bigint as spend,
                row_number() over (partition by co.customer_id order by sum(i.quantity) desc, sum(i.quantity * i.unit_price) desc, i.category) as rank
                from counted co join order_items i on i.store_id = $1 and i.order_id = co.order_id group by co.customer_id, i.category),
     categories as (select customer_id, jsonb_agg(jsonb_build_object('category', category, 'quantity', quantity, 'spend', spend) order by rank) as categories
                from category_totals where rank <= 10 group by customer_id)
     select b.customer_id, coalesce(t.order_count, 0) as order_count, coalesce(t.total_spent, 0)::text as total_spent,
            t.first_order_at, t.last_order_at, coalesce(cat.categories, '[]'::jsonb) as categories, coalesce(cart.items, '[]'::jsonb) as cart_items
     from batch b left join totals t on t.customer_id = b.customer_id left join categories cat on cat.customer_id = b.customer_id
     left join carts cart on cart.store_id = $1 and cart.customer_id = b.customer_id order by b.customer_id`,
    [storeId, currency, [id]],
  );
  await Promise.all([
    q(
      `select o.order_id, o.customer_id, o.status, o.total_amount::float8, o.currency, o.placed_at, o.updated_at, o.discount_code,
         coalesce((select jsonb_agg(jsonb_build_object('productId', i.product_id, 'name', i.name, 'category', i.category,
                   'quantity', i.quantity, 'unitPrice', i.unit_price) order by i.line)
                   from order_items i where i.store_id = o.store_id and i.order_id = o.order_id), '[]'::jsonb) as items
       from orders o where o.store_id = $1 and o.customer_id = $2 order by o.placed_at desc, o.order_id limit $3`,
      [storeId, id, 5],
    ),
    (async () => {
      await store();
      await q('select items, updated_at from carts where store_id = $1 and customer_id = $2', [storeId, id]);
    })(),
    (async () => {
      await store();
      await q(
        `with months as (select generate_series(date_trunc('month', now() at time zone $3) - ($4::int - 1) * interval '1 month',
                                date_trunc('month', now() at time zone $3), interval '1 month') as m)
         select to_char(months.m, 'YYYY-MM') as month, coalesce(sum(o.total_amount), 0)::text as total, count(o.order_id)::int as orders
         from months left join orders o on o.store_id = $1 and o.customer_id = $2 and o.status not in ('cancelled', 'refunded')
           and o.currency = $5 and o.placed_at >= months.m at time zone $3 and o.placed_at < (months.m + interval '1 month') at time zone $3
         group by months.m order by months.m`,
        [storeId, id, timezone, 24, currency],
      );
    })(),
    q(
      `select i.category, sum(i.quantity)::int as quantity, sum(i.quantity * i.unit_price)::text as spend
       from orders o join order_items i on i.store_id = o.store_id and i.order_id = o.order_id
       where o.store_id = $1 and o.customer_id = $2 and o.status not in ('cancelled', 'refunded')
       group by i.category order by quantity desc, spend desc, i.category limit 50`,
      [storeId, id],
    ),
    q('select * from conversations where store_id = $1 and customer_id = $2 order by created_at desc limit 10', [storeId, id]),
    q(
      `select count(csat_rating) as ratings, avg(csat_rating) as average,
              (array_agg(csat_rating order by csat_at desc) filter (where csat_rating is not null))[1] as last
       from conversations where store_id = $1 and customer_id = $2`,
      [storeId, id],
    ),
    q(
      `select * from escalations e where e.store_id = $1 and e.state <> 'failed' and (e.contact_id = $2 or e.customer_id = $3)
       order by e.created_at desc limit 10`,
      [storeId, contactId, id],
    ),
    (async () => {
      const [session] = await q<{ session_id: string }>(
        'select * from tracking_sessions where store_id = $1 and customer_id = $2 order by last_seen desc limit 1',
        [storeId, id],
      );
      if (session) {
        await q(
          `(select type, at, url, product_id from tracking_events where store_id = $1 and session_id = $2 and type = 'page_view'
            order by at desc, id desc limit $3)
           union all
           (select type, at, url, product_id from tracking_events where store_id = $1 and session_id = $2 and type = 'product_view'
            order by at desc, id desc limit $3)`,
          [storeId, session.session_id, 50],
        );
      }
    })(),
  ]);
  return statements;
}
