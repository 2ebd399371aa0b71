import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { JobQueue } from '../jobs/job-queue.service';
import { ConversationRepository } from './conversation.repository';
import type { DeliveryState } from './entities/webhook-delivery.entity';
import { ReconcileCursorRepository } from './reconcile-cursor.repository';
import { DeliveryAdminRepository, DeliveryQueueRepository, type DeliveryRecord } from './delivery-queue.repository';
import { WidgetEventRepository } from './widget-event.repository';
import { PROCESS_QUEUE } from './webhook-delivery.worker';

export interface DeliveryListQuery {
  state?: DeliveryState;
  storeId?: string;
  event?: string;
  page: number;
  pageSize: number;
}

/** Operator view of raw deliveries (failed ones stay inspectable) and replay; plus data lifecycle. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    private readonly admin: DeliveryAdminRepository,
    private readonly deliveries: DeliveryQueueRepository,
    private readonly conversations: ConversationRepository,
    private readonly widgetEvents: WidgetEventRepository,
    private readonly cursors: ReconcileCursorRepository,
    private readonly jobs: JobQueue,
  ) {
    jobs.on('store.deleted', 'webhooks.store-deleted', ({ storeId }) => this.dropStore(storeId));
    jobs.on('customer.erased', 'webhooks.customer-erased', ({ storeId, customerId }) => this.eraseCustomer(storeId, customerId));
  }

  /** Admin listing across stores (platform auth); `storeId` narrows it. */
  async list(query: DeliveryListQuery): Promise<{ items: DeliveryRecord[]; total: number }> {
    const { rows, total } = await this.admin.page(
      { state: query.state, storeId: query.storeId, event: query.event },
      (query.page - 1) * query.pageSize,
      query.pageSize,
    );
    return { items: rows, total };
  }

  /** Processes a stored delivery again; effects are idempotent, so replaying a processed one is harmless. */
  async replay(id: string): Promise<DeliveryRecord> {
    const row = await this.admin.findById(id);
    if (!row) throw new NotFoundError(`Webhook delivery ${id}`, 'DELIVERY_NOT_FOUND');
    if (!(await this.deliveries.requeue(row.storeId, id))) {
      throw new ConflictError(`Webhook delivery ${id} is ${row.state}; wait for it to finish`, 'DELIVERY_IN_PROGRESS');
    }
    // Read as requeued, before the job is sent: a woken worker may claim it at once.
    const requeued = (await this.admin.findById(id))!;
    await this.jobs.send(PROCESS_QUEUE, { storeId: row.storeId, id });
    return requeued;
  }

  private async dropStore(storeId: string): Promise<void> {
    await this.deliveries.eraseStore(storeId);
    await this.conversations.forStore(storeId).eraseAll();
    await this.widgetEvents.forStore(storeId).eraseAll();
    await this.cursors.forStore(storeId).erase();
  }

  private async eraseCustomer(storeId: string, customerId: string): Promise<void> {
    await this.widgetEvents.forStore(storeId).forgetCustomer(customerId);
    await this.conversations.forStore(storeId).forgetCustomer(customerId);
  }
}
