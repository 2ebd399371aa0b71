import { Injectable } from '@nestjs/common';
import { isEchoOf } from './attributes/attribute-diff';
import { ContactLinkRepository } from './contact-link.repository';
import { ContactSyncService, type SyncLane } from './contact-sync.service';
import { CustomersRepository } from './customers.repository';

export interface ContactMatch {
  /** The contact's Chatwoot `identifier` (we set it to the platform customer id). */
  identifier?: string | null;
  email?: string | null;
}

/**
 * What the webhooks module needs from contacts: link a contact Chatwoot created (widget
 * identify) to its customer, recognise our own echoes, ask for a sync, count conversations.
 */
@Injectable()
export class ContactLinkService {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly links: ContactLinkRepository,
    private readonly sync: ContactSyncService,
  ) {}

  /**
   * Links `contactId` to the customer whose id equals the identifier, else whose email matches
   * (case-insensitive). Returns the customer id, or null when no customer matches. A new or
   * changed link queues a real-time sync.
   */
  async linkContact(storeId: string, contactId: number, match: ContactMatch): Promise<string | null> {
    const identifier = match.identifier?.trim() || null;
    const email = match.email?.trim().toLowerCase() || null;
    const customers = this.customers.forStore(storeId);
    let customerId: string | null = identifier && (await customers.exists(identifier)) ? identifier : null;
    if (!customerId && email) customerId = await customers.idByEmail(email);
    if (!customerId) return null;
    if (await this.links.forStore(storeId).link(customerId, contactId))
      await this.sync.requestSync(storeId, customerId, 'realtime');
    return customerId;
  }
  /** Queues a sync of one customer (debounced per store+customer; real-time lane overtakes bulk). */
  requestSync(storeId: string, customerId: string, lane: SyncLane = 'realtime'): Promise<void> {
    return this.sync.requestSync(storeId, customerId, lane);
  }

  /**
   * True when a `contact_updated` payload's custom attributes hold, for every key we own,
   * exactly what we last pushed to that contact: our own write coming back.
   */
  async isEcho(
    storeId: string,
    contactId: number,
    customAttributes: Record<string, unknown> | null | undefined,
  ): Promise<boolean> {
    const links = await this.links.forStore(storeId).byContact(contactId);
    return links.some((link) => isEchoOf(link.lastPushedAttributes, customAttributes));
  }

  /** One more conversation for `previous_conversations`; queues a sync. No-op for an unknown customer. */
  async noteConversation(storeId: string, customerId: string): Promise<void> {
    const counted = await this.customers.forStore(storeId).countConversation(customerId);
    if (counted) await this.sync.requestSync(storeId, customerId, 'realtime');
  }
}
