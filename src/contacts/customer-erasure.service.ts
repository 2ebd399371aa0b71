import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { NotFoundError } from '../common/errors/domain-error';
import { JobQueue } from '../jobs/job-queue.service';
import { execute, rowsOf } from '../database/sql';
import type { ErasureStatusDto } from './dto/erasure-status.dto';

export const ERASE_QUEUE = 'contacts.erase';
const MAX_ERASE_ATTEMPTS = 6;
/** Lets a sync already in flight for this customer finish first, so it cannot recreate the contact after we delete it. */
const ERASE_DELAY_SECONDS = 2;

interface EraseJob {
  storeId: string;
  customerId: string;
}

interface ErasureRow {
  store_id: string;
  customer_id: string;
  state: 'pending' | 'done' | 'failed';
  contact_ids: number[];
  attempts: number;
  last_error: string | null;
  requested_at: Date;
  finished_at: Date | null;
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
  ) {
    jobs.register<EraseJob>(ERASE_QUEUE, (data) => this.erase(data), {
      retryLimit: MAX_ERASE_ATTEMPTS - 1,
      retryDelay: 2,
    });
    jobs.on('store.deleted', 'contacts.store-deleted', ({ storeId }) => this.deleteStore(storeId));
  }

  async requestErasure(storeId: string, customerId: string): Promise<ErasureStatusDto> {
    await this.directory.get(storeId);
    await this.db.transaction(async (m) => {
      const links = await rowsOf<{ contact_id: number }>(
        m,
        'delete from contact_links where store_id = $1 and customer_id = $2 returning contact_id',
        [storeId, customerId],
      );
      await execute(
        m,
        `insert into customer_erasures as e (store_id, customer_id, state, contact_ids, attempts, requested_at)
         values ($1, $2, 'pending', $3::int[], 0, now())
         on conflict (store_id, customer_id) do update set state = 'pending', attempts = 0, last_error = null,
           requested_at = now(), finished_at = null,
           contact_ids = array(select distinct unnest(e.contact_ids || excluded.contact_ids))`,
        [storeId, customerId, links.map((l) => l.contact_id)],
      );
      await execute(m, 'delete from customers where store_id = $1 and customer_id = $2', [storeId, customerId]);
      await execute(m, 'delete from carts where store_id = $1 and customer_id = $2', [storeId, customerId]);
      await execute(m, 'update orders set customer_id = null where store_id = $1 and customer_id = $2', [storeId, customerId]);
    });
    await this.jobs.send<EraseJob>(ERASE_QUEUE, { storeId, customerId }, { startAfter: ERASE_DELAY_SECONDS });
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
      requestedAt: row.requested_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
      error: row.last_error,
    };
  }

  private async find(storeId: string, customerId: string): Promise<ErasureRow | undefined> {
    const [row] = await rowsOf<ErasureRow>(this.db, 'select * from customer_erasures where store_id = $1 and customer_id = $2', [
      storeId,
      customerId,
    ]);
    return row;
  }

  private async erase({ storeId, customerId }: EraseJob): Promise<void> {
    const row = await this.find(storeId, customerId);
    if (!row || row.state !== 'pending') return;
    try {
      await this.deleteInChatwoot(storeId, customerId, row.contact_ids);
    } catch (error) {
      const attempts = row.attempts + 1;
      const message = error instanceof Error ? error.message : String(error);
      const final = attempts >= MAX_ERASE_ATTEMPTS || (error instanceof ChatwootApiError && !error.retryable);
      await execute(
        this.db,
        `update customer_erasures set attempts = $3, last_error = $4, state = $5, finished_at = case when $5 = 'failed' then now() end
         where store_id = $1 and customer_id = $2`,
        [storeId, customerId, attempts, message.slice(0, 500), final ? 'failed' : 'pending'],
      );
      if (final) {
        this.logger.error({ err: error, storeId }, 'erasure of a Chatwoot contact failed for good');
        return;
      }
      throw error;
    }
    await this.db.transaction(async (m) => {
      // A link a racing sync wrote after the request is removed too.
      await execute(m, 'delete from contact_links where store_id = $1 and customer_id = $2', [storeId, customerId]);
      await execute(
        m,
        `update customer_erasures set state = 'done', finished_at = now(), last_error = null where store_id = $1 and customer_id = $2`,
        [storeId, customerId],
      );
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
    await this.db.transaction(async (m) => {
      for (const table of [
        'order_items',
        'orders',
        'carts',
        'customers',
        'products',
        'product_pairs',
        'product_sales',
        'contact_links',
        'contact_merges',
        'customer_erasures',
        'sync_runs',
        'contact_sync_schedules',
      ]) {
        await execute(m, `delete from ${table} where store_id = $1`, [storeId]);
      }
    });
  }
}
