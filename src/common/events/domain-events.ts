/**
 * Durable events between modules (pg-boss publish/subscribe): a module announces what changed
 * and any module may subscribe with a queue of its own, so no module imports another's
 * internals and nothing is lost when a subscriber is down.
 */
export interface DomainEvents {
  /** contacts: a customer's own fields changed (not orders or cart). */
  'customer.changed': { storeId: string; customerId: string };
  /** contacts: a customer was erased (GDPR); every module removes that customer's personal data. */
  'customer.erased': { storeId: string; customerId: string };
  /** contacts: an order was created or changed. Amounts in minor units. */
  'order.changed': {
    storeId: string;
    orderId: string;
    customerId: string;
    status: string;
    totalAmount: number;
    currency: string;
    placedAt: string;
    discountCode?: string | null;
    /** The storefront session (tracker.js) the order was placed in, if the platform passed it on. */
    sessionId?: string | null;
  };
  /** contacts: a customer's cart changed. */
  'cart.changed': { storeId: string; customerId: string };
  /** webhooks: a conversation was created or its state changed. `customerId` when the contact is linked. */
  'conversation.changed': {
    storeId: string;
    displayId: number;
    contactId: number | null;
    customerId: string | null;
    status: string;
    createdAt: string;
    assigneeId: number | null;
    sessionId?: string | null;
  };
  /** accounts: the store's Chatwoot account is ready for the first time (contacts starts its first sync). */
  'store.provisioned': { storeId: string; accountId: number };
  /** accounts: the store is being deleted; every module drops the store's rows. */
  'store.deleted': { storeId: string };
}

export type DomainEventName = keyof DomainEvents;
