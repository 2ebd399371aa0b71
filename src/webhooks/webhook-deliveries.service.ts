import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type FindOptionsWhere } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { JobQueue } from '../jobs/job-queue.service';
import { WebhookDelivery, type DeliveryState } from './entities/webhook-delivery.entity';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { PROCESS_QUEUE } from './webhook-processor.service';

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
    @InjectRepository(WebhookDelivery) private readonly rows: Repository<WebhookDelivery>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly jobs: JobQueue,
  ) {
    jobs.on('store.deleted', 'webhooks.store-deleted', ({ storeId }) => this.dropStore(storeId));
    jobs.on('customer.erased', 'webhooks.customer-erased', ({ storeId, customerId }) => this.eraseCustomer(storeId, customerId));
  }

  /** Admin listing across stores (platform auth); `storeId` narrows it. */
  async list(query: DeliveryListQuery): Promise<{ items: WebhookDelivery[]; total: number }> {
    const where: FindOptionsWhere<WebhookDelivery> = {};
    if (query.state) where.state = query.state;
    if (query.storeId) where.storeId = query.storeId;
    if (query.event) where.event = query.event;
    const [items, total] = await this.rows.findAndCount({
      where,
      order: { id: 'DESC' },
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    return { items, total };
  }

  /** Processes a stored delivery again; effects are idempotent, so replaying a processed one is harmless. */
  async replay(id: string): Promise<WebhookDelivery> {
    const row = await this.rows.findOne({ where: { id } });
    if (!row) throw new NotFoundError(`Webhook delivery ${id}`, 'DELIVERY_NOT_FOUND');
    if (!(await this.deliveries.requeue(row.storeId, id))) {
      throw new ConflictError(`Webhook delivery ${id} is ${row.state}; wait for it to finish`, 'DELIVERY_IN_PROGRESS');
    }
    await this.jobs.send(PROCESS_QUEUE, { storeId: row.storeId, id });
    return (await this.rows.findOne({ where: { id } }))!;
  }

  private async dropStore(storeId: string): Promise<void> {
    for (const table of [
      'webhook_deliveries',
      'conversation_messages',
      'conversations',
      'widget_events',
      'webhook_reconcile_cursors',
    ]) {
      await this.dataSource.query(`delete from ${table} where store_id = $1`, [storeId]);
    }
  }

  private async eraseCustomer(storeId: string, customerId: string): Promise<void> {
    await this.dataSource.query('delete from widget_events where store_id = $1 and customer_id = $2', [storeId, customerId]);
    await this.dataSource.query('update conversations set customer_id = null where store_id = $1 and customer_id = $2', [
      storeId,
      customerId,
    ]);
  }
}
