import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A customer's Chatwoot contact in the store's account, with what we last wrote to it: the diff
 * base for the next sync and the reference for recognising our own `contact_updated` echoes.
 */
@Index('contact_links_contact_idx', ['storeId', 'contactId'])
@Entity('contact_links')
export class ContactLink {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  customerId: string;

  @Column('int')
  contactId: number;

  @Column('jsonb', { default: {} })
  lastPushedAttributes: Record<string, unknown>;

  @Column('jsonb', { default: {} })
  lastPushedIdentity: Record<string, unknown>;

  @Column('text', { nullable: true })
  lastPushedHash: string | null;

  @Column('timestamptz', { nullable: true })
  syncedAt: Date | null;

  /** The bulk run that last wrote this contact and what it did, so a resumed run counts it once. */
  @Column('uuid', { nullable: true })
  syncedRunId: string | null;

  @Column('text', { nullable: true })
  syncedResult: string | null;
}
