import { Injectable } from '@nestjs/common';
import { JobQueue } from '../jobs/job-queue.service';
import { DiscountCodeRepository } from './discount-code.repository';
import { EscalationRepository } from './escalation.repository';

/** This module's part of erasure and store deletion. */
@Injectable()
export class ContextRetentionService {
  constructor(
    private readonly codes: DiscountCodeRepository,
    private readonly escalations: EscalationRepository,
    jobs: JobQueue,
  ) {
    jobs.on('customer.erased', 'context.customer-erased', ({ storeId, customerId }) => this.eraseCustomer(storeId, customerId));
    jobs.on('store.deleted', 'context.store-deleted', ({ storeId }) => this.deleteStore(storeId));
  }

  /**
   * Escalation reasons are free text about the person: deleted. Discount codes stay (the shop may
   * still honour one) but lose who they were for.
   */
  async eraseCustomer(storeId: string, customerId: string): Promise<void> {
    await this.escalations.forStore(storeId).deleteForCustomer(customerId);
    await this.codes.forStore(storeId).forgetCustomer(customerId);
  }

  async deleteStore(storeId: string): Promise<void> {
    await this.escalations.forStore(storeId).deleteAll();
    await this.codes.forStore(storeId).deleteAll();
  }
}
