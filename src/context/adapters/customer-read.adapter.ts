import { Injectable } from '@nestjs/common';
import { CustomerDataService } from '../../contacts/customer-data.service';
import {
  CustomerReadPort,
  type CartSnapshot,
  type CategoryTotal,
  type CoPurchasedProduct,
  type CustomerProfile,
  type MonthlySpend,
  type OrderSummary,
  type ProductView,
} from '../ports/customer-read.port';

/** The port over the contacts module's exported read service (set-based, bounded queries). */
@Injectable()
export class CustomerReadAdapter extends CustomerReadPort {
  constructor(private readonly data: CustomerDataService) {
    super();
  }

  findByContactId(storeId: string, contactId: number): Promise<CustomerProfile | null> {
    return this.data.getProfileByContactId(storeId, contactId);
  }

  async recentOrders(storeId: string, customerId: string, limit: number): Promise<OrderSummary[]> {
    const orders = await this.data.recentOrders(storeId, customerId, limit);
    return orders.map((o) => ({
      orderId: o.orderId,
      status: o.status,
      totalAmount: o.totalAmount,
      currency: o.currency,
      placedAt: new Date(o.placedAt),
      discountCode: o.discountCode,
      items: o.items,
    }));
  }

  cart(storeId: string, customerId: string): Promise<CartSnapshot | null> {
    return this.data.getCart(storeId, customerId);
  }

  monthlySpend(storeId: string, customerId: string, months: number): Promise<MonthlySpend[]> {
    return this.data.monthlySpend(storeId, customerId, months);
  }

  categoryTotals(storeId: string, customerId: string): Promise<CategoryTotal[]> {
    return this.data.categoryTotals(storeId, customerId);
  }

  productsInCategories(storeId: string, customerId: string, categories: string[], limit: number): Promise<ProductView[]> {
    return this.data.productsInCategories(storeId, customerId, categories, limit);
  }

  coPurchasedProducts(storeId: string, customerId: string, limit: number): Promise<CoPurchasedProduct[]> {
    return this.data.coPurchasedProducts(storeId, customerId, limit);
  }
}
