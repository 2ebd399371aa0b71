import { Column, Entity, PrimaryColumn } from 'typeorm';

/** When a store was last read back from Chatwoot, and how many conversations that read saw. */
@Entity('webhook_reconcile_cursors')
export class WebhookReconcileCursor {
  @PrimaryColumn('text')
  storeId: string;

  @Column('timestamptz')
  lastRunAt: Date;

  @Column('int', { default: 0 })
  conversationsSeen: number;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
