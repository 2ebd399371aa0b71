import { Injectable } from '@nestjs/common';
import { ContactLinkService } from '../../contacts/contact-link.service';
import { CustomerDataService } from '../../contacts/customer-data.service';
import type { ContactRef } from '../chatwoot-payload';
import { CustomerDirectory, PayloadCustomerDirectory, type SyncLane } from './customer-directory';

/**
 * The contacts module behind the port. Where contacts does not know a customer (not yet
 * ingested from the platform), the payload's identifier and customer_tier still apply, so a
 * conversation is attributed and routed the moment it opens.
 */
@Injectable()
export class ContactsCustomerDirectory extends CustomerDirectory {
  private readonly fallback = new PayloadCustomerDirectory();

  constructor(
    private readonly links: ContactLinkService,
    private readonly customers: CustomerDataService,
  ) {
    super();
  }

  async linkContact(storeId: string, contact: ContactRef): Promise<string | null> {
    if (contact.contactId === null) return this.fallback.linkContact(storeId, contact);
    const linked = await this.links.linkContact(storeId, contact.contactId, {
      identifier: contact.identifier,
      email: contact.email,
    });
    return linked ?? (await this.fallback.linkContact(storeId, contact));
  }

  isEcho(storeId: string, contactId: number, customAttributes: Record<string, unknown>): Promise<boolean> {
    return this.links.isEcho(storeId, contactId, customAttributes);
  }

  requestSync(storeId: string, customerId: string, lane: SyncLane): Promise<void> {
    return this.links.requestSync(storeId, customerId, lane);
  }

  noteConversation(storeId: string, customerId: string): Promise<void> {
    return this.links.noteConversation(storeId, customerId);
  }

  async tierOf(storeId: string, customerId: string | null, contact: ContactRef): Promise<string | null> {
    const tier = customerId ? await this.customers.getTier(storeId, customerId) : null;
    return tier ?? (await this.fallback.tierOf(storeId, customerId, contact));
  }

  hasNonEmptyCart(storeId: string, customerId: string): Promise<boolean> {
    return this.customers.hasNonEmptyCart(storeId, customerId);
  }
}
