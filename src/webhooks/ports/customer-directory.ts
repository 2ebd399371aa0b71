import { Injectable } from '@nestjs/common';
import type { ContactRef } from '../chatwoot-payload';

export type SyncLane = 'realtime' | 'bulk';

/**
 * Everything the webhooks module needs from the contacts module, in one place, so the
 * dependency is a single small seam: swap the binding in webhooks.module.ts, nothing else.
 */
export abstract class CustomerDirectory {
  /** Links a Chatwoot contact to its platform customer; the customer id, or null for an unknown visitor. */
  abstract linkContact(storeId: string, contact: ContactRef): Promise<string | null>;
  /** A `contact_updated` that only reflects attributes we wrote ourselves. */
  abstract isEcho(storeId: string, contactId: number, customAttributes: Record<string, unknown>): Promise<boolean>;
  abstract requestSync(storeId: string, customerId: string, lane: SyncLane): Promise<void>;
  abstract noteConversation(storeId: string, customerId: string): Promise<void>;
  /** Customer tier (Bronze/Silver/Gold/Platinum), or null when unknown. */
  abstract tierOf(storeId: string, customerId: string | null, contact: ContactRef): Promise<string | null>;
  abstract hasNonEmptyCart(storeId: string, customerId: string): Promise<boolean>;
}

/**
 * Stand-in until the contacts module exports its services: the contact's `identifier` is the
 * platform customer id and `custom_attributes.customer_tier` its tier (what the contacts sync writes).
 */
@Injectable()
export class PayloadCustomerDirectory extends CustomerDirectory {
  linkContact(_storeId: string, contact: ContactRef): Promise<string | null> {
    return Promise.resolve(contact.identifier);
  }

  isEcho(): Promise<boolean> {
    return Promise.resolve(false);
  }

  requestSync(): Promise<void> {
    return Promise.resolve();
  }

  noteConversation(): Promise<void> {
    return Promise.resolve();
  }

  tierOf(_storeId: string, _customerId: string | null, contact: ContactRef): Promise<string | null> {
    const tier = contact.customAttributes.customer_tier;
    return Promise.resolve(typeof tier === 'string' && tier !== '' ? tier : null);
  }

  hasNonEmptyCart(): Promise<boolean> {
    return Promise.resolve(false);
  }
}
