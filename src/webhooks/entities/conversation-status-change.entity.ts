import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A status a conversation was seen in, by time: resolutions and reopens are read off this history,
 * so changes no payload shows and out-of-order deliveries still count once.
 */
@Entity('conversation_status_changes')
export class ConversationStatusChange {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('int')
  displayId: number;

  /** Unix milliseconds; bigint, so TypeORM hands it back as a string. */
  @PrimaryColumn('bigint')
  changedAt: string;

  @Column('text')
  status: string;

  /** From `changed_attributes` (the moment of the change), not merely a payload's state. */
  @Column('boolean', { default: false })
  exact: boolean;
}
