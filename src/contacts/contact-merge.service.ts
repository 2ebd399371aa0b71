import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreDirectory } from '../accounts/store-directory.service';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { InvalidRequestError, NotFoundError, UnprocessableError } from '../common/errors/domain-error';
import { ContactSyncService } from './contact-sync.service';
import { ContactLinkRepository } from './contact-link.repository';
import { ContactMergeRepository } from './contact-merge.repository';
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
    private readonly links: ContactLinkRepository,
    private readonly merges: ContactMergeRepository,
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
      const ids = (await this.links.forStore(storeId, m).moveToContact(dto.primaryContactId, dto.duplicateContactId)).sort();
      const audit = await this.merges.forStore(storeId, m).record(dto.primaryContactId, dto.duplicateContactId, ids);
      return { moved: ids, audit };
    });
    for (const customerId of moved) await this.sync.requestSync(storeId, customerId, 'realtime');
    return {
      mergeId: String(audit.id),
      primaryContactId: dto.primaryContactId,
      duplicateContactId: dto.duplicateContactId,
      movedCustomerIds: moved,
      mergedAt: audit.mergedAt.toISOString(),
    };
  }
}
