import { Check, Column, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

export type DeliveryState = 'pending' | 'processing' | 'processed' | 'ignored' | 'failed';

/** One webhook POST from Chatwoot, stored before it is acknowledged. */
@Check('webhook_deliveries_state_check', `state in ('pending', 'processing', 'processed', 'ignored', 'failed')`)
@Unique('webhook_deliveries_store_id_delivery_id_key', ['storeId', 'deliveryId'])
// Small partial indexes: the drain's open rows (overall and by store) and a store's failures.
@Index('webhook_deliveries_open', ['id'], { where: `state in ('pending', 'processing')` })
@Index('webhook_deliveries_open_store', ['storeId', 'id'], { where: `state in ('pending', 'processing')` })
@Index('webhook_deliveries_failed', ['storeId', 'id'], { where: `state = 'failed'` })
@Entity('webhook_deliveries')
export class WebhookDelivery {
  /** bigint identity; kept as a string so no precision is lost. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('text')
  storeId: string;

  /** X-Chatwoot-Delivery: unique per store. */
  @Column('text')
  deliveryId: string;

  @Column('text')
  event: string;

  @Column('int', { nullable: true })
  accountId: number | null;

  @Column('timestamptz', { nullable: true })
  signedAt: Date | null;

  @Column('timestamptz', { default: () => 'now()' })
  receivedAt: Date;

  /** The raw body exactly as received. */
  @Column('text')
  body: string;

  @Column('text', { default: 'pending' })
  state: DeliveryState;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('timestamptz', { nullable: true })
  lockedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  processedAt: Date | null;
}
