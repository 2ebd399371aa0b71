import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type AttributionSource = 'auto' | 'manual';
export type AttributionMatch = 'customer' | 'session' | 'manual';

const bigintAsNumber = { to: (value: number) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

/** An order credited to a conversation: at most one per order. */
@Check('chat_attributions_source_check', `source in ('auto', 'manual')`)
@Check('chat_attributions_match_check', `match in ('customer', 'session', 'manual')`)
@Index('chat_attributions_placed', ['storeId', 'placedAt'])
@Index('chat_attributions_conversation', ['storeId', 'conversationDisplayId'])
@Entity('chat_attributions')
export class ChatAttribution {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  orderId: string;

  @Column('int')
  conversationDisplayId: number;

  /** Null after the customer was erased: the sale still counts, the person is gone. */
  @Column('text', { nullable: true })
  customerId: string | null;

  @Column('text', { nullable: true })
  sessionId: string | null;

  @Column('text')
  source: AttributionSource;

  @Column('text')
  match: AttributionMatch;

  /** Minor units. */
  @Column('bigint', { transformer: bigintAsNumber })
  totalAmount: number;

  @Column('text')
  currency: string;

  @Column('timestamptz')
  placedAt: Date;

  @Column('timestamptz')
  conversationCreatedAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
