import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { NotFoundError } from '../common/errors/domain-error';
import { JobQueue } from '../jobs/job-queue.service';
import { ContactLinkRepository } from './contact-link.repository';
import { ContactsStoreDataRepository } from './contacts-store-data.repository';
import { CustomerErasureRepository, type ErasureRow } from './customer-erasure.repository';
import { CustomersRepository } from './customers.repository';
import { OrdersRepository } from './orders.repository';
import type { ErasureStatusDto } from './dto/erasure-status.dto';

export const ERASE_QUEUE = 'contacts.erase';
const MAX_ERASE_ATTEMPTS = 6;
/** Lets a sync already in flight for this customer finish first, so it cannot recreate the contact after we delete it. */
const ERASE_DELAY_SECONDS = 2;

interface EraseJob {
  storeId: string;
  customerId: string;
}

/** Chatwoot account states in which there is no account left (or none yet) holding the contact. */
const NO_ACCOUNT_STATES = new Set(['pending', 'deleting', 'deleted']);

/**
 * GDPR erasure. Locally, in one transaction: the customer row, cart and contact link go, and the
 * customer's orders stay as anonymous order totals (customer_id set to NULL) so store revenue
 * figures keep adding up. The Chatwoot contact is deleted by a retried job; the erasure record
 * (ids only) tells the platform when that finished.
 */
@Injectable()
export class CustomerErasureService {
  private readonly logger = new Logger(CustomerErasureService.name);

  constructor(
    private readonly db: DataSource,
    private readonly directory: StoreDirectory,
    private readonly jobs: JobQueue,
    private readonly erasures: CustomerErasureRepository,
    private readonly links: ContactLinkRepository,
    private readonly customers: CustomersRepository,
    private readonly orders: OrdersRepository,
    private readonly storeData: ContactsStoreDataRepository,
  ) {
    jobs.register(ERASE_QUEUE, (data) => this.erase(data), {
      retryLimit: MAX_ERASE_ATTEMPTS - 1,
      retryDelay: 2,
    });
    jobs.on('store.deleted', 'contacts.store-deleted', ({ storeId }) => this.deleteStore(storeId));
  }

  async requestErasure(storeId: string, customerId: string): Promise<ErasureStatusDto> {
    await this.directory.get(storeId);
    await this.db.transaction(async (m) => {
      const contactIds = await this.links.forStore(storeId, m).unlink(customerId);
      await this.erasures.forStore(storeId, m).request(customerId, contactIds);
      await this.customers.forStore(storeId, m).erase(customerId);
      await this.orders.forStore(storeId, m).anonymize(customerId);
    });
    await this.jobs.send(ERASE_QUEUE, { storeId, customerId }, { startAfter: ERASE_DELAY_SECONDS });
    await this.jobs.publish('customer.erased', { storeId, customerId });
    return this.status(storeId, customerId);
  }

  async status(storeId: string, customerId: string): Promise<ErasureStatusDto> {
    const row = await this.find(storeId, customerId);
    if (!row) throw new NotFoundError(`Erasure of customer ${customerId}`, 'ERASURE_NOT_FOUND');
    return {
      storeId,
      customerId,
      state: row.state,
      requestedAt: row.requestedAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
      error: row.lastError,
    };
  }

  private find(storeId: string, customerId: string): Promise<ErasureRow | null> {
    return this.erasures.forStore(storeId).find(customerId);
  }

  private async erase({ storeId, customerId }: EraseJob): Promise<void> {
    const row = await this.find(storeId, customerId);
    if (!row || row.state !== 'pending') return;
    try {
      await this.deleteInChatwoot(storeId, customerId, row.contactIds);
    } catch (error) {
      const attempts = row.attempts + 1;
      const message = error instanceof Error ? error.message : String(error);
      const final = attempts >= MAX_ERASE_ATTEMPTS || (error instanceof ChatwootApiError && !error.retryable);
      await this.erasures
        .forStore(storeId)
        .recordFailure(customerId, attempts, message.slice(0, 500), final ? 'failed' : 'pending');
      if (final) {
        this.logger.error({ err: error, storeId }, 'erasure of a Chatwoot contact failed for good');
        return;
      }
      throw error;
    }
    await this.db.transaction(async (m) => {
      // A link a racing sync wrote after the request is removed too.
      await this.links.forStore(storeId, m).unlink(customerId);
      await this.erasures.forStore(storeId, m).markDone(customerId);
    });
  }

  private async deleteInChatwoot(storeId: string, customerId: string, linkedIds: number[]): Promise<void> {
    const store = await this.directory.find(storeId);
    if (!store || NO_ACCOUNT_STATES.has(store.chatwoot.state)) return;
    const api = await this.directory.chatwootFor(storeId, 'realtime');
    const ids = new Set(linkedIds);
    // Contacts carrying the customer id that were never linked (widget identify, a lost race).
    const found = await api.filterContacts([{ attribute_key: 'identifier', filter_operator: 'equal_to', values: [customerId] }]);
    for (const contact of found.payload) if (contact.identifier === customerId) ids.add(contact.id);
    for (const id of ids) {
      try {
        await api.deleteContact(id);
      } catch (error) {
        if (!(error instanceof ChatwootApiError && error.isNotFound)) throw error;
      }
    }
  }

  /** `store.deleted`: every row of the store goes; its Chatwoot account is deleted by accounts. */
  private async deleteStore(storeId: string): Promise<void> {
    await this.db.transaction((m) => this.storeData.forStore(storeId, m).deleteAll());
  }
}
