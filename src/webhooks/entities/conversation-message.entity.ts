import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A message of a conversation, as far as the service metrics need it (who sent it, when, public or not). */
@Entity('conversation_messages')
export class ConversationMessage {
  @PrimaryColumn('text')
  storeId: string;

  /** Chatwoot's message id. */
  @PrimaryColumn('bigint')
  messageId: string;

  @Column('int')
  displayId: number;

  @Column('text')
  messageType: string;

  @Column('boolean')
  private: boolean;

  @Column('text', { nullable: true })
  senderType: string | null;

  @Column('int', { nullable: true })
  senderId: number | null;

  @Column('timestamptz')
  createdAt: Date;
}
