import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { JobQueue } from '../jobs/job-queue.service';
import { DiscountCode } from './entities/discount-code.entity';
import { Escalation } from './entities/escalation.entity';

/** This module's part of erasure and store deletion. */
@Injectable()
export class ContextRetentionService {
  constructor(
    @InjectRepository(DiscountCode) private readonly codes: Repository<DiscountCode>,
    @InjectRepository(Escalation) private readonly escalations: Repository<Escalation>,
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
    await this.escalations.delete({ storeId, customerId });
    await this.codes.update({ storeId, customerId }, { customerId: null, contactId: null });
  }

  async deleteStore(storeId: string): Promise<void> {
    await this.escalations.delete({ storeId });
    await this.codes.delete({ storeId });
  }
}
