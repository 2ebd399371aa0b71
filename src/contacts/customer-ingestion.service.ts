import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { UnprocessableError } from '../common/errors/domain-error';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import { ContactSyncService } from './contact-sync.service';
import { CustomersRepository } from './customers.repository';
import { OrderShipmentsRepository } from './order-shipments.repository';
import { OrdersRepository } from './orders.repository';
import { countsTowardsPairs, ProductPairsRepository } from './product-pairs.repository';
import { ProductsRepository } from './products.repository';
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
    private readonly customers: CustomersRepository,
    private readonly orders: OrdersRepository,
    private readonly products: ProductsRepository,
    private readonly shipments: OrderShipmentsRepository,
    metrics: MetricsService,
  ) {
    this.shipmentsWritten = metrics.counter('order_shipments_written_total', 'Shipments stored with an applied order upsert');
  }

  private readonly shipmentsWritten;

  async upsertCustomer(storeId: string, customerId: string, dto: UpsertCustomerDto): Promise<IngestResultDto> {
    await this.directory.get(storeId);
    const applied = await this.customers.forStore(storeId).upsert({
      customerId,
      email: dto.email.trim(),
      name: dto.name.trim(),
      phone: dto.phone?.trim() || null,
      language: dto.language?.trim() || null,
      marketingConsent: dto.marketingConsent,
      registeredAt: new Date(dto.registeredAt),
      updatedAt: new Date(dto.updatedAt),
    });
    if (!applied) return this.ignored(await this.customers.forStore(storeId).storedVersion(customerId), dto.updatedAt);
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
      const orders = this.orders.forStore(storeId, m);
      const before = await orders.lockStatus(orderId);
      const upserted = await orders.upsert({
        orderId,
        customerId: dto.customerId,
        status: dto.status,
        currency: dto.currency.toUpperCase(),
        totalAmount: dto.totalAmount,
        placedAt: new Date(dto.placedAt),
        updatedAt: new Date(dto.updatedAt),
        discountCode: dto.discountCode ?? null,
        sessionId: dto.sessionId ?? null,
      });
      if (!upserted) return false;
      sessionId = upserted.sessionId;
      // The row lock taken by the upsert serialises concurrent versions of this order's items.
      const pairs = this.pairs.forStore(storeId, m);
      if (countsTowardsPairs(before)) await pairs.adjust(orderId, -1);
      await orders.replaceItems(orderId, dto.items.map(lineItem));
      if (countsTowardsPairs(dto.status)) await pairs.adjust(orderId, 1);
      if (dto.shipments) await this.shipments.forStore(storeId, m).replace(orderId, dto.shipments);
      return true;
    });
    if (!applied) return this.ignored(await this.orders.forStore(storeId).storedVersion(orderId), dto.updatedAt);
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
    const applied = await this.customers.forStore(storeId).upsertCart(customerId, items, new Date(dto.updatedAt));
    if (!applied) return this.ignored(await this.customers.forStore(storeId).storedCartVersion(customerId), dto.updatedAt);
    await this.jobs.publish('cart.changed', { storeId, customerId });
    await this.sync.requestSync(storeId, customerId, 'realtime');
    return { applied: true };
  }

  async upsertProduct(storeId: string, productId: string, dto: UpsertProductDto): Promise<IngestResultDto> {
    await this.directory.get(storeId);
    const applied = await this.products.forStore(storeId).upsert({
      productId,
      name: dto.name.trim(),
      category: dto.category.trim(),
      price: dto.price,
      url: dto.url ?? null,
      imageUrl: dto.imageUrl ?? null,
      inStock: dto.inStock,
      updatedAt: dto.updatedAt ? new Date(dto.updatedAt) : null,
    });
    if (!applied) return this.ignored(await this.products.forStore(storeId).storedVersion(productId), dto.updatedAt ?? null);
    return { applied: true };
  }

  /**
   * The answer to a write the database ignored because the stored version is as new or newer:
   * says which version is stored (`stored`, read after the write), so the platform can tell a
   * replay from a clock problem.
   */
  private ignored(stored: Date | null, updatedAt: string | null): IngestResultDto {
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
