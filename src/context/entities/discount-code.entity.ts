import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { DiscountType } from '../rules/discount-code.rules';

export type IssuedVia = 'agent-token' | 'context-token';

/** A discount code an agent gave a customer; the shop validates it at checkout and an order redeems it. */
@Check('discount_codes_type_check', `type in ('percent', 'fixed')`)
@Check('discount_codes_value_check', 'value > 0')
@Check('discount_codes_issued_via_check', `issued_via in ('agent-token', 'context-token')`)
@Index('discount_codes_agent_idx', ['storeId', 'agentId', 'createdAt'])
@Index('discount_codes_customer_idx', ['storeId', 'customerId'])
@Entity('discount_codes')
export class DiscountCode {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  storeId: string;

  @Column('text', { unique: true })
  code: string;

  @Column('text')
  type: DiscountType;

  /** Percent, or minor units of `currency` for a fixed amount. */
  @Column('int')
  value: number;

  @Column('text')
  currency: string;

  @Column('text', { nullable: true })
  customerId: string | null;

  @Column('int', { nullable: true })
  contactId: number | null;

  /** The Chatwoot user id: verified for agent tokens, as reported by the dashboard app for the context token. */
  @Column('int', { nullable: true })
  agentId: number | null;

  @Column('text', { nullable: true })
  agentName: string | null;

  @Column('text')
  issuedVia: IssuedVia;

  @Column('int', { nullable: true })
  conversationId: number | null;

  @Column('timestamptz', { nullable: true })
  expiresAt: Date | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  redeemedAt: Date | null;

  @Column('text', { nullable: true })
  redeemedOrderId: string | null;
}
