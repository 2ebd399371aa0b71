import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { InvalidRequestError, NotFoundError, UnprocessableError } from '../common/errors/domain-error';
import { ContactSyncService } from './contact-sync.service';
import { execute, rowsOf } from '../database/sql';
import type { MergeContactsDto, MergeResultDto } from './dto/merge-contacts.dto';

/**
 * Merges two Chatwoot contacts of a store (Chatwoot keeps the primary, deletes the duplicate) and
 * moves our links to the primary, keeping an audit record. Moved links forget what was pushed to
 * the duplicate, so the next sync writes every attribute to the primary.
 */
@Injectable()
export class ContactMergeService {
  constructor(
    private readonly db: DataSource,
    private readonly directory: StoreDirectory,
    private readonly sync: ContactSyncService,
  ) {}

  async merge(storeId: string, dto: MergeContactsDto): Promise<MergeResultDto> {
    if (dto.primaryContactId === dto.duplicateContactId) {
      throw new InvalidRequestError('primaryContactId and duplicateContactId must differ', 'SAME_CONTACT');
    }
    const api = await this.directory.chatwootFor(storeId, 'realtime');
    try {
      await api.mergeContacts(dto.primaryContactId, dto.duplicateContactId);
    } catch (error) {
      if (error instanceof ChatwootApiError && error.isNotFound) throw new NotFoundError('Contact', 'CONTACT_NOT_FOUND');
      if (error instanceof ChatwootApiError && error.isValidation) {
        throw new UnprocessableError(`Chatwoot refused the merge: ${error.chatwootMessage}`, 'MERGE_REJECTED');
      }
      throw error;
    }
    const { moved, audit } = await this.db.transaction(async (m) => {
      const movedRows = await rowsOf<{ customer_id: string }>(
        m,
        `update contact_links set contact_id = $2, last_pushed_attributes = '{}', last_pushed_identity = '{}',
           last_pushed_hash = null, synced_run_id = null, synced_result = null
         where store_id = $1 and contact_id = $3
         returning customer_id`,
        [storeId, dto.primaryContactId, dto.duplicateContactId],
      );
      const ids = movedRows.map((r) => r.customer_id).sort();
      const { rows } = await execute<{ id: string; merged_at: Date }>(
        m,
        `insert into contact_merges (store_id, primary_contact_id, duplicate_contact_id, customer_ids)
         values ($1, $2, $3, $4::text[]) returning id, merged_at`,
        [storeId, dto.primaryContactId, dto.duplicateContactId, ids],
      );
      return { moved: ids, audit: rows[0] };
    });
    for (const customerId of moved) await this.sync.requestSync(storeId, customerId, 'realtime');
    return {
      mergeId: String(audit.id),
      primaryContactId: dto.primaryContactId,
      duplicateContactId: dto.duplicateContactId,
      movedCustomerIds: moved,
      mergedAt: audit.merged_at.toISOString(),
    };
  }
}
