import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isEchoOf } from './attributes/attribute-diff';
import { ContactLinkRepository } from './contact-link.repository';
import { ContactSyncService, type SyncLane } from './contact-sync.service';
import { execute, rowsOf } from '../database/sql';

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
    private readonly db: DataSource,
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
    let customerId: string | null = null;
    if (identifier) {
      const [row] = await rowsOf<{ customer_id: string }>(
        this.db,
        'select customer_id from customers where store_id = $1 and customer_id = $2',
        [storeId, identifier],
      );
      customerId = row?.customer_id ?? null;
    }
    if (!customerId && email) {
      const [row] = await rowsOf<{ customer_id: string }>(
        this.db,
        'select customer_id from customers where store_id = $1 and lower(email) = $2 order by updated_at desc limit 1',
        [storeId, email],
      );
      customerId = row?.customer_id ?? null;
    }
    if (!customerId) return null;
    if (await this.links.link(storeId, customerId, contactId)) await this.sync.requestSync(storeId, customerId, 'realtime');
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
    const links = await this.links.byContact(storeId, contactId);
    return links.some((link) => isEchoOf(link.lastPushedAttributes, customAttributes));
  }

  /** One more conversation for `previous_conversations`; queues a sync. No-op for an unknown customer. */
  async noteConversation(storeId: string, customerId: string): Promise<void> {
    const { affected } = await execute(
      this.db,
      'update customers set conversation_count = conversation_count + 1 where store_id = $1 and customer_id = $2',
      [storeId, customerId],
    );
    if (affected > 0) await this.sync.requestSync(storeId, customerId, 'realtime');
  }
}
