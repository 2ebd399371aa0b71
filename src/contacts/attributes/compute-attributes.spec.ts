import { describe, expect, it } from 'vitest';
import { CONTACT_ATTRIBUTE_KEYS } from '../contact-attributes';
import { computeContactAttributes, preferredLanguage, type CustomerBasis } from './compute-attributes';

const store = { currency: 'EUR', locale: 'en', timezone: 'UTC', tiers: { silver: 20_000, gold: 50_000, platinum: 100_000 } };

const empty: CustomerBasis = {
  customerId: 'c1',
  email: 'a@example.test',
  name: 'Ann',
  phone: null,
  language: null,
  marketingConsent: false,
  registeredAt: new Date('2023-06-01T10:00:00Z'),
  orderCount: 0,
  totalSpent: 0,
  firstOrderAt: null,
  lastOrderAt: null,
  categories: [],
  cartItems: [],
  conversationCount: 0,
};

describe('computeContactAttributes', () => {
  it('gives every key a value for a customer without orders or cart', () => {
    const attrs = computeContactAttributes(empty, store);
    expect(Object.keys(attrs).sort()).toEqual([...CONTACT_ATTRIBUTE_KEYS].sort());
    expect(attrs).toMatchObject({
      customer_tier: 'Bronze',
      registration_date: '2023-06-01',
      preferred_language: 'en',
      order_count: 0,
      total_spent: '€0.00',
      average_order_value: '€0.00',
      last_order_date: null,
      current_cart_value: '€0.00',
      current_cart_items: 0,
      cart_products: '',
      favorite_categories: '',
      purchase_frequency: 'none',
      marketing_consent: false,
      support_priority: 'low',
      previous_conversations: 0,
    });
  });

  it('derives tier, money and dates from the basis in the store currency', () => {
    const attrs = computeContactAttributes(
      {
        ...empty,
        language: 'nl-NL',
        marketingConsent: true,
        orderCount: 3,
        totalSpent: 60_000,
        firstOrderAt: new Date('2024-01-01T00:00:00Z'),
        lastOrderAt: new Date('2024-01-21T00:00:00Z'),
        categories: [{ category: 'tea', quantity: 4, spend: 2000 }],
        cartItems: [{ productId: 'p', name: 'Pot', category: 'tea', quantity: 2, unitPrice: 1500 }],
        conversationCount: 2,
      },
      { ...store, currency: 'USD', locale: 'en-US' },
    );
    expect(attrs).toMatchObject({
      customer_tier: 'Gold',
      preferred_language: 'nl-NL',
      order_count: 3,
      total_spent: '$600.00',
      average_order_value: '$200.00',
      last_order_date: '2024-01-21',
      current_cart_value: '$30.00',
      current_cart_items: 2,
      cart_products: 'Pot',
      favorite_categories: 'tea',
      purchase_frequency: 'every ~10 days',
      marketing_consent: true,
      support_priority: 'high',
      previous_conversations: 2,
    });
  });

  it('falls back to the store locale for a blank language', () => {
    expect(preferredLanguage('  ', 'de')).toBe('de');
    expect(preferredLanguage(null, 'fr')).toBe('fr');
  });
});
