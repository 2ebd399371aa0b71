import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { OrderActionType } from '../../accounts/store-settings';

export type OrderActionStatus = 'pending' | 'succeeded' | 'rejected' | 'failed';
export const ORDER_ACTION_STATUSES: readonly OrderActionStatus[] = ['pending', 'succeeded', 'rejected', 'failed'];

export interface OrderActionLine {
  productId: string;
  quantity: number;
}

/** One order action an agent asked the store's platform for; the row is the audit record. Schema only: queries live in the repository. */
@Entity('order_actions')
@Index('order_actions_store_key', ['storeId', 'idempotencyKey'], { unique: true })
@Index('order_actions_store_customer', ['storeId', 'customerId', 'createdAt'])
@Index('order_actions_store_agent', ['storeId', 'agentId', 'createdAt'])
@Index('order_actions_store_order', ['storeId', 'orderId'])
@Check('order_actions_type_check', `type in ('cancel', 'refund', 'resend_confirmation')`)
@Check('order_actions_status_check', `status in ('pending', 'succeeded', 'rejected', 'failed')`)
export class OrderAction {
  /** Also the Idempotency-Key the platform receives. */
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  storeId: string;

  /** Made by the panel once per confirmation dialog. */
  @Column('text')
  idempotencyKey: string;

  /** SHA-256 of the request body: the same key with another body is refused. */
  @Column('text')
  requestHash: string;

  @Column('text')
  orderId: string;

  /** null once the customer was erased. */
  @Column('text', { nullable: true })
  customerId: string | null;

  @Column('int')
  contactId: number;

  @Column('int', { nullable: true })
  conversationId: number | null;

  @Column('text')
  type: OrderActionType;

  @Column('text', { default: 'pending' })
  status: OrderActionStatus;

  /** Refunds: minor units of `currency`. */
  @Column('int', { nullable: true })
  amount: number | null;

  @Column('text', { nullable: true })
  currency: string | null;

  @Column('jsonb', { default: [] })
  lines: OrderActionLine[];

  @Column('text', { nullable: true })
  reason: string | null;

  /** What the platform said (a rejection's reason). */
  @Column('text', { nullable: true })
  platformMessage: string | null;

  /** The Chatwoot user: verified for agent tokens, as reported by the dashboard app for the context token. */
  @Column('int', { nullable: true })
  agentId: number | null;

  @Column('text', { nullable: true })
  agentName: string | null;

  @Column('text')
  issuedVia: 'agent-token' | 'context-token';

  @Column('int', { default: 0 })
  attempts: number;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;

  @Column('timestamptz', { nullable: true })
  settledAt: Date | null;
}
