import type { LineItem } from './attributes/cart';
import type { CategoryTotal } from './attributes/favorite-categories';
import type { OrderStatus } from './attributes/order-stats';

export type { CategoryTotal, LineItem };

/** A customer's own fields, as the platform sends them (already trimmed). */
export interface CustomerFields {
  customerId: string;
  email: string;
  name: string;
  phone: string | null;
  language: string | null;
  marketingConsent: boolean;
}

/** A customer's own fields and what we know of them. */
export interface CustomerView extends CustomerFields {
  registeredAt: Date | null;
  updatedAt: Date;
  conversationCount: number;
  /** The linked Chatwoot contact, if any. */
  contactId: number | null;
}

/** Customer plus counted-order figures (cancelled/refunded and other currencies excluded). Minor units. */
export interface CustomerProfile {
  customerId: string;
  contactId: number;
  name: string;
  email: string;
  registeredAt: Date | null;
  totalSpent: number;
  orderCount: number;
  currency: string;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
}

export interface OrderSummary {
  orderId: string;
  /** null once the customer was erased. */
  customerId: string | null;
  status: OrderStatus;
  totalAmount: number;
  currency: string;
  placedAt: Date;
  updatedAt: Date;
  discountCode: string | null;
  items: LineItem[];
}

export interface MonthlySpend {
  /** `YYYY-MM` in the store's time zone. */
  month: string;
  total: number;
  orders: number;
}

export interface ProductView {
  productId: string;
  name: string;
  category: string;
  /** Minor units of the store currency. */
  price: number;
  url: string | null;
  imageUrl: string | null;
  inStock: boolean;
}

export interface CoPurchasedProduct {
  product: ProductView;
  /** Orders of other customers holding this product together with one the customer bought. */
  together: number;
  /** The customer's own product it was bought with most often. */
  boughtWith: { productId: string; name: string } | null;
}

export interface ProductFilter {
  inStock?: boolean;
  categories?: string[];
  /** Default 50, at most 500. */
  limit?: number;
}
