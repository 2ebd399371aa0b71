import { Injectable } from '@nestjs/common';
import { ContactLinkService } from './contact-link.service';
import type { SyncLane } from './contact-sync.service';
import { CustomerDataService } from './customer-data.service';
import { CustomerDirectoryRepository } from './customer-directory.repository';

/** A Chatwoot contact as a webhook shows it: enough to find its platform customer. */
export interface ChatwootContact {
  contactId: number | null;
  /** Chatwoot's `identifier`: we set it to the platform customer id. */
  identifier: string | null;
  email: string | null;
  customAttributes: Record<string, unknown>;
}

/** A contact's customer (null for an unknown visitor) and tier (null when unknown). */
export interface ContactCustomer {
  customerId: string | null;
  tier: string | null;
}

/**
 * What the webhooks module asks of contacts, in its own terms. Where contacts does not know a
 * customer (not yet ingested from the platform), the contact's `identifier` is taken as the
 * customer id and `custom_attributes.customer_tier` as the tier (what the contacts sync writes),
 * so a conversation is attributed and routed the moment it opens.
 */
@Injectable()
export class CustomerDirectoryService {
  constructor(
    private readonly links: ContactLinkService,
    private readonly customers: CustomerDataService,
    private readonly directory: CustomerDirectoryRepository,
  ) {}

  /** Links a Chatwoot contact to its platform customer; the customer id, or null for an unknown visitor. */
  async linkContact(storeId: string, contact: ChatwootContact): Promise<string | null> {
    if (contact.contactId === null) return contact.identifier;
    const linked = await this.links.linkContact(storeId, contact.contactId, {
      identifier: contact.identifier,
      email: contact.email,
    });
    return linked ?? contact.identifier;
  }

  /** Customer tier (Bronze/Silver/Gold/Platinum), or null when unknown. */
  async tierOf(storeId: string, customerId: string | null, contact: ChatwootContact): Promise<string | null> {
    const tier = customerId ? await this.customers.getTier(storeId, customerId) : null;
    return tier ?? payloadTier(contact);
  }

  /**
   * {@link linkContact} then {@link tierOf} for every contact of a webhook batch, answered in the
   * order given: one look-up statement for all of them, one upsert for the links found, and the
   * tier computed once per distinct known customer. Where one customer is matched by several
   * contacts, the last one given is linked (one contact at a time, it would be linked last).
   */
  async resolveMany(storeId: string, contacts: readonly ChatwootContact[]): Promise<ContactCustomer[]> {
    const ids = new Set<string>();
    const emails = new Set<string>();
    for (const contact of contacts) {
      if (contact.identifier) ids.add(contact.identifier);
      if (contact.contactId === null) continue;
      const { identifier, email } = normalized(contact);
      if (identifier) ids.add(identifier);
      if (email) emails.add(email);
    }
    const repo = this.directory.forStore(storeId);
    const matches = await repo.match([...ids], [...emails]);
    const known = new Set(matches.existing);
    const toLink = new Map<string, number>();
    const customerIds = contacts.map((contact) => {
      if (contact.contactId === null) return contact.identifier;
      const { identifier, email } = normalized(contact);
      const matched =
        (identifier && matches.existing.has(identifier) ? identifier : null) ?? (email ? matches.byEmail.get(email) : undefined);
      if (!matched) return contact.identifier;
      known.add(matched);
      toLink.delete(matched);
      toLink.set(matched, contact.contactId);
      return matched;
    });
    const moved = await repo.linkMany([...toLink].map(([customerId, contactId]) => ({ customerId, contactId })));
    for (const customerId of moved) await this.links.requestSync(storeId, customerId, 'realtime');
    // getTier of a customer contacts does not know is null: only known customers are asked.
    const tiers = new Map<string, string | null>();
    for (const customerId of new Set(customerIds)) {
      if (customerId && known.has(customerId)) tiers.set(customerId, await this.customers.getTier(storeId, customerId));
    }
    return contacts.map((contact, i) => {
      const customerId = customerIds[i] ?? null;
      return { customerId, tier: (customerId ? tiers.get(customerId) : null) ?? payloadTier(contact) };
    });
  }

  /** A `contact_updated` that only reflects attributes we wrote ourselves. */
  isEcho(storeId: string, contactId: number, customAttributes: Record<string, unknown>): Promise<boolean> {
    return this.links.isEcho(storeId, contactId, customAttributes);
  }

  requestSync(storeId: string, customerId: string, lane: SyncLane): Promise<void> {
    return this.links.requestSync(storeId, customerId, lane);
  }

  noteConversation(storeId: string, customerId: string): Promise<void> {
    return this.links.noteConversation(storeId, customerId);
  }

  hasNonEmptyCart(storeId: string, customerId: string): Promise<boolean> {
    return this.customers.hasNonEmptyCart(storeId, customerId);
  }
}

/** How ContactLinkService matches: identifier trimmed, email trimmed and lower-cased. */
function normalized(contact: ChatwootContact): { identifier: string | null; email: string | null } {
  return { identifier: contact.identifier?.trim() || null, email: contact.email?.trim().toLowerCase() || null };
}

function payloadTier(contact: ChatwootContact): string | null {
  const tier = contact.customAttributes.customer_tier;
  return typeof tier === 'string' && tier !== '' ? tier : null;
}
