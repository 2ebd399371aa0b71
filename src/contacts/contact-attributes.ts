import { CONTACT_ATTRIBUTE_KEYS, type ContactAttributeKey } from '../accounts/contact-attribute-definitions';

/**
 * The Chatwoot contact custom attributes this module writes. Their definitions (created in each
 * account at provisioning) belong to accounts; the keys come from there so the two cannot drift.
 */
export { CONTACT_ATTRIBUTE_KEYS, type ContactAttributeKey };

/** Attributes that describe the cart: a cart change can only alter these. */
export const CART_ATTRIBUTE_KEYS: readonly ContactAttributeKey[] = ['current_cart_value', 'current_cart_items', 'cart_products'];

export type AttributeValue = string | number | boolean | null;

export type ContactAttributes = Record<ContactAttributeKey, AttributeValue>;
