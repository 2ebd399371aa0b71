import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A store's token bucket that meters the webhook drain (shared by every instance through the database). */
@Entity('webhook_processing_pace')
export class WebhookProcessingPace {
  @PrimaryColumn('text')
  storeId: string;

  @Column('double precision')
  tokens: number;

  @Column('timestamptz', { default: () => 'now()' })
  refilledAt: Date;
}
