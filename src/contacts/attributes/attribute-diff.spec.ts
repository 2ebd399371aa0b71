import { describe, expect, it } from 'vitest';
import type { ContactAttributes } from '../contact-attributes';
import { diffAttributes, isEchoOf } from './attribute-diff';

const attrs: ContactAttributes = {
  customer_tier: 'Bronze',
  registration_date: '2024-01-01',
  preferred_language: 'en',
  order_count: 1,
  total_spent: '€10.00',
  average_order_value: '€10.00',
  last_order_date: '2024-02-01',
  last_order_status: 'delivered',
  last_order_tracking_url: null,
  current_cart_value: '€0.00',
  current_cart_items: 0,
  cart_products: '',
  favorite_categories: 'tea',
  purchase_frequency: 'first order',
  marketing_consent: false,
  support_priority: 'normal',
  previous_conversations: 0,
};

describe('diffAttributes', () => {
  it('returns everything when nothing was pushed yet', () => {
    expect(diffAttributes(null, attrs)).toEqual(attrs);
    expect(diffAttributes({}, attrs)).toEqual(attrs);
  });

  it('returns nothing for identical values and only the changed keys otherwise', () => {
    expect(diffAttributes({ ...attrs }, attrs)).toEqual({});
    const next = { ...attrs, current_cart_items: 2, cart_products: 'Pot', current_cart_value: '€30.00' };
    expect(diffAttributes(attrs, next)).toEqual({ current_cart_items: 2, cart_products: 'Pot', current_cart_value: '€30.00' });
  });

  it('treats a changed type as a change and null like missing', () => {
    expect(diffAttributes({ ...attrs, order_count: '1' }, attrs)).toEqual({ order_count: 1 });
    expect(diffAttributes({ ...attrs, last_order_date: undefined }, { ...attrs, last_order_date: null })).toEqual({});
  });
});

describe('isEchoOf', () => {
  it('recognises a payload carrying exactly what we pushed, whatever else it holds', () => {
    expect(isEchoOf(attrs, { ...attrs, agent_note: 'vip' })).toBe(true);
  });

  it('is not an echo when one of our keys differs or is missing', () => {
    expect(isEchoOf(attrs, { ...attrs, customer_tier: 'Gold' })).toBe(false);
    const { customer_tier: _omit, ...rest } = attrs;
    expect(isEchoOf(attrs, rest)).toBe(false);
  });

  it('is not an echo when we never pushed anything', () => {
    expect(isEchoOf(null, attrs)).toBe(false);
    expect(isEchoOf({}, attrs)).toBe(false);
  });
});
