import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { UnprocessableError } from '../common/errors/domain-error';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import { ContactSyncService } from './contact-sync.service';
import { execute } from '../database/sql';
import { OrderShipmentsRepository } from './order-shipments.repository';
import { countsTowardsPairs, ProductPairsRepository } from './product-pairs.repository';
import type { IngestResultDto } from './dto/ingest-result.dto';
import type { LineItemDto } from './dto/line-item.dto';
import type { UpsertCartDto } from './dto/upsert-cart.dto';
import type { UpsertCustomerDto } from './dto/upsert-customer.dto';
import type { UpsertOrderDto } from './dto/upsert-order.dto';
import type { UpsertProductDto } from './dto/upsert-product.dto';

/**
 * The platform's writes. Every record carries `updatedAt` and the database decides, in the
 * upsert itself, whether it is newer than what is stored: replays and out-of-order deliveries
 * are harmless. Events and syncs follow only an applied write, after it committed.
 */
@Injectable()
export class CustomerIngestionService {
  constructor(
    private readonly db: DataSource,
    private readonly directory: StoreDirectory,
    private readonly jobs: JobQueue,
    private readonly sync: ContactSyncService,
    private readonly pairs: ProductPairsRepository,
    private readonly shipments: OrderShipmentsRepository,
    metrics: MetricsService,
  ) {
    this.shipmentsWritten = metrics.counter('order_shipments_written_total', 'Shipments stored with an applied order upsert');
  }

  private readonly shipmentsWritten;

  async upsertCustomer(storeId: string, customerId: string, dto: UpsertCustomerDto): Promise<IngestResultDto> {
    await this.directory.get(storeId);
    const { rows } = await execute(
      this.db,
      `insert into customers as c (store_id, customer_id, email, name, phone, language, marketing_consent, registered_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (store_id, customer_id) do update set
         email = excluded.email, name = excluded.name, phone = excluded.phone, language = excluded.language,
         marketing_consent = excluded.marketing_consent, registered_at = excluded.registered_at, updated_at = excluded.updated_at
       where excluded.updated_at > c.updated_at
       returning customer_id`,
      [
        storeId,
        customerId,
        dto.email.trim(),
        dto.name.trim(),
        dto.phone?.trim() || null,
        dto.language?.trim() || null,
        dto.marketingConsent,
        new Date(dto.registeredAt),
        new Date(dto.updatedAt),
      ],
    );
    if (rows.length === 0) return this.ignored('customers', 'customer_id', storeId, customerId, dto.updatedAt);
    await this.jobs.publish('customer.changed', { storeId, customerId });
    await this.sync.requestSync(storeId, customerId, 'realtime');
    return { applied: true };
  }

  async upsertOrder(storeId: string, orderId: string, dto: UpsertOrderDto): Promise<IngestResultDto> {
    const store = await this.directory.get(storeId);
    // Totals, tiers and attributes count the store's currency only: an order in another would
    // be stored and silently left out of every figure.
    if (dto.currency.toUpperCase() !== store.currency) {
      throw new UnprocessableError(
        `Order currency ${dto.currency.toUpperCase()} is not the store's currency ${store.currency}; ` +
          `send amounts in ${store.currency} (or change the store's currency first)`,
        'CURRENCY_MISMATCH',
      );
    }
    let sessionId: string | null = null;
    const applied = await this.db.transaction(async (m) => {
      const { rows: before } = await execute<{ status: string }>(
        m,
        'select status from orders where store_id = $1 and order_id = $2 for update',
        [storeId, orderId],
      );
      const { rows } = await execute(
        m,
        `insert into orders as o (store_id, order_id, customer_id, status, currency, total_amount, placed_at, updated_at, discount_code, session_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (store_id, order_id) do update set
           customer_id = excluded.customer_id, status = excluded.status, currency = excluded.currency,
           total_amount = excluded.total_amount, placed_at = excluded.placed_at, updated_at = excluded.updated_at,
           discount_code = excluded.discount_code, session_id = coalesce(excluded.session_id, o.session_id)
         where excluded.updated_at > o.updated_at
         returning order_id, session_id`,
        [
          storeId,
          orderId,
          dto.customerId,
          dto.status,
          dto.currency.toUpperCase(),
          dto.totalAmount,
          new Date(dto.placedAt),
          new Date(dto.updatedAt),
          dto.discountCode ?? null,
          dto.sessionId ?? null,
        ],
      );
      if (rows.length === 0) return false;
      sessionId = (rows[0] as { session_id: string | null }).session_id;
      // The row lock taken by the upsert serialises concurrent versions of this order's items.
      if (countsTowardsPairs(before[0]?.status)) await this.pairs.adjust(m, storeId, orderId, -1);
      await execute(m, 'delete from order_items where store_id = $1 and order_id = $2', [storeId, orderId]);
      await insertItems(m, storeId, orderId, dto.items);
      if (countsTowardsPairs(dto.status)) await this.pairs.adjust(m, storeId, orderId, 1);
      if (dto.shipments) await this.shipments.forStore(storeId, m).replace(orderId, dto.shipments);
      return true;
    });
    if (!applied) return this.ignored('orders', 'order_id', storeId, orderId, dto.updatedAt);
    if (dto.shipments) this.shipmentsWritten.inc(dto.shipments.length);
    await this.jobs.publish('order.changed', {
      storeId,
      orderId,
      customerId: dto.customerId,
      status: dto.status,
      totalAmount: dto.totalAmount,
      currency: dto.currency.toUpperCase(),
      placedAt: new Date(dto.placedAt).toISOString(),
      discountCode: dto.discountCode ?? null,
      sessionId,
    });
    await this.sync.requestSync(storeId, dto.customerId, 'realtime');
    return { applied: true };
  }

  async upsertCart(storeId: string, customerId: string, dto: UpsertCartDto): Promise<IngestResultDto> {
    await this.directory.get(storeId);
    const items = dto.items.map(lineItem);
    const { rows } = await execute(
      this.db,
      `insert into carts as c (store_id, customer_id, items, updated_at) values ($1, $2, $3::jsonb, $4)
       on conflict (store_id, customer_id) do update set items = excluded.items, updated_at = excluded.updated_at
       where excluded.updated_at > c.updated_at
       returning customer_id`,
      [storeId, customerId, JSON.stringify(items), new Date(dto.updatedAt)],
    );
    if (rows.length === 0) return this.ignored('carts', 'customer_id', storeId, customerId, dto.updatedAt);
    await this.jobs.publish('cart.changed', { storeId, customerId });
    await this.sync.requestSync(storeId, customerId, 'realtime');
    return { applied: true };
  }

  async upsertProduct(storeId: string, productId: string, dto: UpsertProductDto): Promise<IngestResultDto> {
    await this.directory.get(storeId);
    const { rows } = await execute(
      this.db,
      `insert into products as p (store_id, product_id, name, category, price, url, image_url, in_stock, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::timestamptz, clock_timestamp()))
       on conflict (store_id, product_id) do update set
         name = excluded.name, category = excluded.category, price = excluded.price, url = excluded.url,
         image_url = excluded.image_url, in_stock = excluded.in_stock, updated_at = excluded.updated_at
       where excluded.updated_at > p.updated_at
       returning product_id`,
      [
        storeId,
        productId,
        dto.name.trim(),
        dto.category.trim(),
        dto.price,
        dto.url ?? null,
        dto.imageUrl ?? null,
        dto.inStock,
        dto.updatedAt ? new Date(dto.updatedAt) : null,
      ],
    );
    if (rows.length === 0) return this.ignored('products', 'product_id', storeId, productId, dto.updatedAt ?? null);
    return { applied: true };
  }

  /**
   * The answer to a write the database ignored because the stored version is as new or newer:
   * says which version is stored, so the platform can tell a replay from a clock problem.
   */
  private async ignored(
    table: 'customers' | 'orders' | 'carts' | 'products',
    key: 'customer_id' | 'order_id' | 'product_id',
    storeId: string,
    id: string,
    updatedAt: string | null,
  ): Promise<IngestResultDto> {
    const { rows } = await execute<{ updated_at: Date }>(
      this.db,
      `select updated_at from ${table} where store_id = $1 and ${key} = $2`,
      [storeId, id],
    );
    const stored = rows[0]?.updated_at;
    const incoming = updatedAt ? new Date(updatedAt).toISOString() : 'now';
    const reason = stored
      ? `Ignored as stale: the stored version has updatedAt ${stored.toISOString()}, and this update's ${incoming} is not newer`
      : `Ignored as stale: a newer version was stored concurrently`;
    return { applied: false, reason };
  }
}

function lineItem(item: LineItemDto) {
  return {
    productId: item.productId,
    name: item.name.trim(),
    category: item.category.trim(),
    quantity: item.quantity,
    unitPrice: item.unitPrice,
  };
}

async function insertItems(
  m: Parameters<typeof execute>[0],
  storeId: string,
  orderId: string,
  items: LineItemDto[],
): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map(lineItem);
  await execute(
    m,
    `insert into order_items (store_id, order_id, line, product_id, name, category, quantity, unit_price)
     select $1, $2, t.line, t.product_id, t.name, t.category, t.quantity, t.unit_price
     from unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[])
       as t(line, product_id, name, category, quantity, unit_price)`,
    [
      storeId,
      orderId,
      rows.map((_, i) => i + 1),
      rows.map((r) => r.productId),
      rows.map((r) => r.name),
      rows.map((r) => r.category),
      rows.map((r) => r.quantity),
      rows.map((r) => r.unitPrice),
    ],
  );
}
