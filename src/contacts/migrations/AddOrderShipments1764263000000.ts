import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shipments of an order (carrier, tracking, fulfilment status), as the platform last sent them
 * with the order. They go with their order (store deletion deletes orders).
 */
export class AddOrderShipments1764263000000 implements MigrationInterface {
  name = 'AddOrderShipments1764263000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table order_shipments (
        store_id text not null,
        order_id text not null,
        shipment_id text not null,
        position int not null,
        carrier text,
        tracking_number text,
        tracking_url text,
        status text not null check (status in ('pending','shipped','in_transit','delivered','returned','failed')),
        shipped_at timestamptz,
        delivered_at timestamptz,
        primary key (store_id, order_id, shipment_id),
        foreign key (store_id, order_id) references orders (store_id, order_id) on delete cascade
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table order_shipments');
  }
}
