import { Injectable } from '@nestjs/common';
import { StoreDirectory } from '../accounts/store-directory.service';
import type { CustomerTier } from '../accounts/store-settings';
import { computeContactAttributes } from './attributes/compute-attributes';
import { customerTier } from './attributes/customer-tier';
import type { ContactAttributes } from './contact-attributes';
import { storeFormat } from './contact-sync.service';
import { CustomerBasisRepository } from './customer-basis.repository';
import { CustomersRepository } from './customers.repository';
import { OrdersRepository } from './orders.repository';
import { ProductsRepository } from './products.repository';
import type {
  CategoryTotal,
  CoPurchasedProduct,
  CustomerProfile,
  CustomerView,
  OrderSummary,
  ProductFilter,
  ProductView,
} from './customer-data.types';

const clamp = (value: number | undefined, fallback: number, max: number) =>
  Math.max(1, Math.min(max, Math.floor(value ?? fallback) || fallback));

/**
 * Read access to the platform data this module keeps, for other modules (tracking, context,
 * webhooks). Every method takes the store id first, answers in a fixed number of queries and
 * returns bounded lists. Amounts are integer minor units.
 */
@Injectable()
export class CustomerDataService {
  constructor(
    private readonly directory: StoreDirectory,
    private readonly bases: CustomerBasisRepository,
    private readonly customers: CustomersRepository,
    private readonly ordersOf: OrdersRepository,
    private readonly products: ProductsRepository,
  ) {}

  getCustomer(storeId: string, customerId: string): Promise<CustomerView | null> {
    return this.customers.forStore(storeId).get(customerId);
  }

  /** The customer linked to a Chatwoot contact (the most recently synced one if a merge left several). */
  findCustomerByContactId(storeId: string, contactId: number): Promise<CustomerView | null> {
    return this.customers.forStore(storeId).byContactId(contactId);
  }

  /** Customer and counted-order totals of the customer linked to a contact. */
  async getProfileByContactId(storeId: string, contactId: number): Promise<CustomerProfile | null> {
    const customer = await this.findCustomerByContactId(storeId, contactId);
    if (!customer) return null;
    const store = await this.directory.get(storeId);
    const [basis] = await this.bases.forStore(storeId).forCustomers(store.currency, [customer.customerId]);
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
    const [basis] = await this.bases.forStore(storeId).forCustomers(store.currency, [customerId]);
    return basis ? computeContactAttributes(basis, storeFormat(store)) : null;
  }

  async getTier(storeId: string, customerId: string): Promise<CustomerTier | null> {
    const store = await this.directory.get(storeId);
    const row = await this.ordersOf.forStore(storeId).tierBasis(customerId, store.currency);
    if (!row?.exists) return null;
    return customerTier(Number(row.total ?? 0), storeFormat(store).tiers);
  }

  /** Orders placed in [from, to), oldest first; at most `limit` (default and max 1000). */
  ordersForCustomerBetween(storeId: string, customerId: string, from: Date, to: Date, limit = 1000): Promise<OrderSummary[]> {
    return this.ordersOf.forStore(storeId).between(customerId, from, to, clamp(limit, 1000, 1000));
  }

  getOrder(storeId: string, orderId: string): Promise<OrderSummary | null> {
    return this.ordersOf.forStore(storeId).get(orderId);
  }

  hasNonEmptyCart(storeId: string, customerId: string): Promise<boolean> {
    return this.customers.forStore(storeId).hasNonEmptyCart(customerId);
  }

  /** Quantity and spend per category over counted orders, largest quantity first (max 50). */
  categoryTotals(storeId: string, customerId: string): Promise<CategoryTotal[]> {
    return this.ordersOf.forStore(storeId).categoryTotals(customerId);
  }

  listProducts(storeId: string, filter: ProductFilter = {}): Promise<ProductView[]> {
    return this.products.forStore(storeId).list(filter.inStock ?? null, filter.categories ?? null, clamp(filter.limit, 50, 500));
  }

  /** In-stock products of these categories the customer has not bought, best sellers first. */
  productsInCategories(storeId: string, customerId: string, categories: string[], limit = 5): Promise<ProductView[]> {
    if (categories.length === 0) return Promise.resolve([]);
    return this.products.forStore(storeId).inCategoriesNotBought(customerId, categories, clamp(limit, 5, 50));
  }

  /** In-stock products other customers bought together with the customer's own (their latest 50 products). */
  async coPurchasedProducts(storeId: string, customerId: string, limit = 5): Promise<CoPurchasedProduct[]> {
    const rows = await this.products.forStore(storeId).coPurchased(customerId, clamp(limit, 5, 50));
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
    const rows = await this.products.forStore(storeId).boughtWith(productIds.slice(0, 100), clamp(limit, 5, 50));
    return rows.map(({ together, ...product }) => ({ product, together }));
  }
}
