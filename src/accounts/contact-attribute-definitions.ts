import type { CwAttributeDisplayType } from '../chatwoot/chatwoot.types';

export interface ContactAttributeDefinition {
  key: string;
  displayName: string;
  displayType: CwAttributeDisplayType;
  description: string;
  /** Allowed values for `list` attributes. */
  values?: string[];
}

/**
 * Every contact custom attribute the contacts module writes, created in each store's Chatwoot
 * account during provisioning so agents see labelled, typed fields.
 *
 * Money (`total_spent`, `average_order_value`, `current_cart_value`) is sent as a string already
 * formatted in the store's locale and currency ("€ 1.234,56"). Chatwoot's `currency` display type
 * expects a bare number and renders it in the account's default currency, so these are `text`.
 * `platform_customer_url` is deliberately not defined: the dashboard app links to the customer.
 */
export const CONTACT_ATTRIBUTE_DEFINITIONS = [
  {
    key: 'customer_tier',
    displayName: 'Customer tier',
    displayType: 'list',
    values: ['Bronze', 'Silver', 'Gold', 'Platinum'],
    description: 'Loyalty tier from lifetime spend',
  },
  {
    key: 'registration_date',
    displayName: 'Registered on',
    displayType: 'date',
    description: 'Account creation date in the store',
  },
  {
    key: 'preferred_language',
    displayName: 'Preferred language',
    displayType: 'text',
    description: 'Language the customer shops in',
  },
  { key: 'order_count', displayName: 'Orders', displayType: 'number', description: 'Number of orders placed' },
  {
    key: 'total_spent',
    displayName: 'Total spent',
    displayType: 'text',
    description: 'Lifetime spend, formatted in the store currency',
  },
  {
    key: 'average_order_value',
    displayName: 'Average order value',
    displayType: 'text',
    description: 'Average order value, formatted in the store currency',
  },
  { key: 'last_order_date', displayName: 'Last order', displayType: 'date', description: 'Date of the most recent order' },
  {
    key: 'last_order_status',
    displayName: 'Last order status',
    displayType: 'list',
    values: ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded', 'returned'],
    description: 'Fulfilment of the most recent order, from its status and shipments',
  },
  {
    key: 'last_order_tracking_url',
    displayName: 'Last order tracking',
    displayType: 'link',
    description: 'Tracking link of the most recent order (its latest shipment)',
  },
  {
    key: 'current_cart_value',
    displayName: 'Cart value',
    displayType: 'text',
    description: 'Value of the open cart, formatted in the store currency',
  },
  { key: 'current_cart_items', displayName: 'Cart items', displayType: 'number', description: 'Items in the open cart' },
  { key: 'cart_products', displayName: 'Cart products', displayType: 'text', description: 'Products in the open cart' },
  { key: 'favorite_categories', displayName: 'Favourite categories', displayType: 'text', description: 'Most bought categories' },
  {
    key: 'purchase_frequency',
    displayName: 'Purchase frequency',
    displayType: 'text',
    description: 'How often the customer orders',
  },
  { key: 'marketing_consent', displayName: 'Marketing consent', displayType: 'checkbox', description: 'Opted in to marketing' },
  {
    key: 'support_priority',
    displayName: 'Support priority',
    displayType: 'list',
    values: ['low', 'normal', 'high', 'urgent'],
    description: 'Priority for support requests',
  },
  {
    key: 'previous_conversations',
    displayName: 'Previous conversations',
    displayType: 'number',
    description: 'Conversations before the current one',
  },
] as const satisfies readonly ContactAttributeDefinition[];

export type ContactAttributeKey = (typeof CONTACT_ATTRIBUTE_DEFINITIONS)[number]['key'];

export const CONTACT_ATTRIBUTE_KEYS: readonly ContactAttributeKey[] = CONTACT_ATTRIBUTE_DEFINITIONS.map((d) => d.key);
