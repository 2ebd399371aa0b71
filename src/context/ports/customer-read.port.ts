/** What the context panel needs to know about a platform customer (amounts in minor units). */
export interface CustomerProfile {
  customerId: string;
  contactId: number;
  name: string;
  email: string;
  registeredAt: Date | null;
  /** Counted orders only (cancelled and refunded excluded). */
  totalSpent: number;
  orderCount: number;
  currency: string;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

export interface OrderLine {
  productId: string;
  name: string;
  category: string;
  quantity: number;
  unitPrice: number;
}

export interface OrderSummary {
  orderId: string;
  status: string;
  totalAmount: number;
  currency: string;
  placedAt: Date;
  discountCode: string | null;
  items: OrderLine[];
}

export interface CartLine {
  productId: string;
  name: string;
  quantity: number;
  unitPrice: number;
}

export interface CartSnapshot {
  items: CartLine[];
  total: number;
  currency: string;
  updatedAt: Date | null;
}

export interface MonthlySpend {
  /** `YYYY-MM` in the store's time zone. */
  month: string;
  total: number;
  orders: number;
}

export interface CategoryTotal {
  category: string;
  quantity: number;
  spend: number;
}

export interface ProductView {
  productId: string;
  name: string;
  category: string;
  price: number;
  url: string | null;
  imageUrl: string | null;
  inStock: boolean;
}

export interface CoPurchasedProduct {
  product: ProductView;
  /** Orders of other customers that hold this product together with one the customer bought. */
  together: number;
  /** The customer's own product it was bought with most often. */
  boughtWith: { productId: string; name: string } | null;
}

/**
 * The contacts module as this module sees it. Implemented by an adapter over the contacts
 * module's exported service; every method is set-based and bounded, so a context answer costs a
 * fixed number of round trips whatever the customer's order count.
 */
export abstract class CustomerReadPort {
  /** The customer linked to a Chatwoot contact in this store, or null when none is linked. */
  abstract findByContactId(storeId: string, contactId: number): Promise<CustomerProfile | null>;
  /** Newest first. */
  abstract recentOrders(storeId: string, customerId: string, limit: number): Promise<OrderSummary[]>;
  abstract cart(storeId: string, customerId: string): Promise<CartSnapshot | null>;
  /** Counted spend per month, oldest first, for the last `months` months. */
  abstract monthlySpend(storeId: string, customerId: string, months: number): Promise<MonthlySpend[]>;
  abstract categoryTotals(storeId: string, customerId: string): Promise<CategoryTotal[]>;
  /** In-stock products of these categories the customer has not bought, best sellers first. */
  abstract productsInCategories(storeId: string, customerId: string, categories: string[], limit: number): Promise<ProductView[]>;
  /** In-stock products often bought together with the customer's, excluding the customer's own. */
  abstract coPurchasedProducts(storeId: string, customerId: string, limit: number): Promise<CoPurchasedProduct[]>;
}
