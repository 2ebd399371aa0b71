import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** What tracking needs to know about a conversation, copied from `conversation.changed`. */
@Index('tracked_conversations_customer', ['storeId', 'customerId', 'createdAt'])
@Index('tracked_conversations_session', ['storeId', 'sessionId', 'createdAt'])
@Index('tracked_conversations_created', ['storeId', 'createdAt'])
@Entity('tracked_conversations')
export class TrackedConversation {
  @PrimaryColumn('text')
  storeId: string;

  /** Chatwoot's per-account conversation number. */
  @PrimaryColumn('int')
  displayId: number;

  @Column('int', { nullable: true })
  contactId: number | null;

  @Column('text', { nullable: true })
  customerId: string | null;

  /** tracker.js session (conversation custom attribute `bridge_session_id`). */
  @Column('text', { nullable: true })
  sessionId: string | null;

  @Column('int', { nullable: true })
  assigneeId: number | null;

  @Column('text')
  status: string;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz', { default: () => 'now()' })
  updatedAt: Date;
}
