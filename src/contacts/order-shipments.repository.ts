import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { UpsertShipmentDto } from './dto/upsert-shipment.dto';

/** The shipments of orders (table `order_shipments`), written with their order. */
@Injectable()
export class OrderShipmentsRepository extends StoreScopedRepository<ReturnType<typeof shipmentsOf>> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql) {
    return shipmentsOf(sql);
  }
}

function shipmentsOf(sql: StoreSql) {
  return {
    /** Replaces the order's shipments with `shipments`, kept in the given order. Run in the order's transaction. */
    async replace(orderId: string, shipments: UpsertShipmentDto[]): Promise<void> {
      await sql.execute('delete from order_shipments where store_id = $1 and order_id = $2', [orderId]);
      if (shipments.length === 0) return;
      await sql.execute(
        `insert into order_shipments (store_id, order_id, shipment_id, position, carrier, tracking_number, tracking_url,
                                      status, shipped_at, delivered_at)
         select $1, $2, t.shipment_id, t.position, t.carrier, t.tracking_number, t.tracking_url, t.status, t.shipped_at, t.delivered_at
         from unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::timestamptz[])
           as t(shipment_id, position, carrier, tracking_number, tracking_url, status, shipped_at, delivered_at)`,
        [
          orderId,
          shipments.map((s) => s.id),
          shipments.map((_, i) => i + 1),
          shipments.map((s) => s.carrier?.trim() || null),
          shipments.map((s) => s.trackingNumber?.trim() || null),
          shipments.map((s) => s.trackingUrl ?? null),
          shipments.map((s) => s.status),
          shipments.map((s) => (s.shippedAt ? new Date(s.shippedAt) : null)),
          shipments.map((s) => (s.deliveredAt ? new Date(s.deliveredAt) : null)),
        ],
      );
    },
  };
}
