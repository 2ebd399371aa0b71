import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type EscalationState = 'pending' | 'done' | 'failed';

export interface EscalationEffects {
  priority?: 'urgent';
  teamId?: number | null;
  labels?: string[];
  noteId?: number;
  notificationId?: string;
}

/** A conversation an agent escalated to the store's managers; feeds `escalation_history`. */
@Check('escalations_state_check', `state in ('pending', 'done', 'failed')`)
@Index('escalations_conversation_idx', ['storeId', 'conversationId', 'createdAt'])
@Index('escalations_customer_idx', ['storeId', 'customerId', 'createdAt'])
@Index('escalations_contact_idx', ['storeId', 'contactId', 'createdAt'])
@Entity('escalations')
export class Escalation {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  storeId: string;

  /** Chatwoot display id. */
  @Column('int')
  conversationId: number;

  @Column('int', { nullable: true })
  contactId: number | null;

  @Column('text', { nullable: true })
  customerId: string | null;

  @Column('text')
  reason: string;

  @Column('int', { nullable: true })
  agentId: number | null;

  @Column('text', { nullable: true })
  agentName: string | null;

  @Column('text')
  state: EscalationState;

  @Column('jsonb', { default: {} })
  effects: EscalationEffects;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('timestamptz', { default: () => 'now()' })
  createdAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;
}
