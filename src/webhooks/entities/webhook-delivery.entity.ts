import { Column, Entity, PrimaryColumn } from 'typeorm';

export type DeliveryState = 'pending' | 'processing' | 'processed' | 'ignored' | 'failed';

/** One webhook POST from Chatwoot, stored before it is acknowledged. */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  /** bigint identity; kept as a string so no precision is lost. */
  @PrimaryColumn('bigint')
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

  @Column('timestamptz')
  receivedAt: Date;

  /** The raw body exactly as received. */
  @Column('text')
  body: string;

  @Column('text')
  state: DeliveryState;

  @Column('int')
  attempts: number;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('timestamptz', { nullable: true })
  lockedAt: Date | null;

  @Column('timestamptz', { nullable: true })
  processedAt: Date | null;
}
