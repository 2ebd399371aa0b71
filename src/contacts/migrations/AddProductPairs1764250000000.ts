import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Bought together" counts per product pair and units sold per product, kept up to date as
 * orders arrive, so a recommendation reads a few index rows instead of scanning every order
 * line of the store.
 */
export class AddProductPairs1764250000000 implements MigrationInterface {
  name = 'AddProductPairs1764250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table product_pairs (
        store_id text not null,
        product_id text not null,
        other_product_id text not null,
        orders_together int not null,
        primary key (store_id, product_id, other_product_id)
      )`);
    await q.query('create index product_pairs_rank_idx on product_pairs (store_id, product_id, orders_together desc)');
    // Units sold per product (counted orders), kept the same way: popularity without a scan.
    await q.query(`
      create table product_sales (
        store_id text not null,
        product_id text not null,
        units_sold int not null,
        primary key (store_id, product_id)
      )`);
    await q.query(`
      insert into product_sales (store_id, product_id, units_sold)
      select i.store_id, i.product_id, sum(i.quantity)::int
      from order_items i
      join orders o on o.store_id = i.store_id and o.order_id = i.order_id and o.status not in ('cancelled', 'refunded')
      group by i.store_id, i.product_id`);
    // Back-fill from the orders already stored (counted statuses only).
    await q.query(`
      insert into product_pairs (store_id, product_id, other_product_id, orders_together)
      select a.store_id, a.product_id, b.product_id, count(distinct a.order_id)::int
      from order_items a
      join order_items b on b.store_id = a.store_id and b.order_id = a.order_id and b.product_id <> a.product_id
      join orders o on o.store_id = a.store_id and o.order_id = a.order_id and o.status not in ('cancelled', 'refunded')
      group by a.store_id, a.product_id, b.product_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table product_sales');
    await q.query('drop table product_pairs');
  }
}
