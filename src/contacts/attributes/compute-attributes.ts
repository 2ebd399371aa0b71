import type { ResolvedStoreSettings } from '../../accounts/store-settings';
import type { ContactAttributes } from '../contact-attributes';
import { cartItemCount, cartProducts, cartValue, type LineItem } from './cart';
import { customerTier } from './customer-tier';
import { isoDate } from './dates';
import { favoriteCategories, type CategoryTotal } from './favorite-categories';
import { fulfilmentStatus, latestTrackingUrl, type ShipmentProgress } from './fulfilment';
import { formatMoney } from './money';
import { averageOrderValue, type OrderStatus } from './order-stats';
import { purchaseFrequency } from './purchase-frequency';
import { supportPriority } from './support-priority';
import type { CustomerFields } from '../customer-data.types';

/**
 * Everything the attributes are computed from, as the set-based query delivers it: order figures
 * are already restricted to counted orders (not cancelled/refunded) in the store's currency.
 */
export interface CustomerBasis extends CustomerFields {
  registeredAt: Date | null;
  orderCount: number;
  totalSpent: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  categories: CategoryTotal[];
  cartItems: LineItem[];
  conversationCount: number;
  /** The most recent order (any status) and its shipments; absent or null without orders. */
  lastOrder?: { status: OrderStatus; shipments: ShipmentProgress[] } | null;
}

export interface StoreFormat {
  currency: string;
  locale: string;
  timezone: string;
  tiers: ResolvedStoreSettings['tiers'];
}

export function computeContactAttributes(basis: CustomerBasis, store: StoreFormat): ContactAttributes {
  const money = (minor: number) => formatMoney(minor, store.currency, store.locale);
  const tier = customerTier(basis.totalSpent, store.tiers);
  return {
    customer_tier: tier,
    registration_date: isoDate(basis.registeredAt, store.timezone),
    preferred_language: preferredLanguage(basis.language, store.locale),
    order_count: basis.orderCount,
    total_spent: money(basis.totalSpent),
    average_order_value: money(averageOrderValue(basis.totalSpent, basis.orderCount)),
    last_order_date: isoDate(basis.lastOrderAt, store.timezone),
    last_order_status: basis.lastOrder ? fulfilmentStatus(basis.lastOrder.status, basis.lastOrder.shipments) : null,
    last_order_tracking_url: basis.lastOrder ? latestTrackingUrl(basis.lastOrder.shipments) : null,
    current_cart_value: money(cartValue(basis.cartItems)),
    current_cart_items: cartItemCount(basis.cartItems),
    cart_products: cartProducts(basis.cartItems),
    favorite_categories: favoriteCategories(basis.categories),
    purchase_frequency: purchaseFrequency(basis.orderCount, basis.firstOrderAt, basis.lastOrderAt),
    marketing_consent: basis.marketingConsent,
    support_priority: supportPriority(tier, basis.totalSpent),
    previous_conversations: basis.conversationCount,
  };
}

/** The customer's own language when the platform knows it, else the store's locale. */
export function preferredLanguage(language: string | null, storeLocale: string): string {
  const own = language?.trim();
  return own ? own : storeLocale;
}
