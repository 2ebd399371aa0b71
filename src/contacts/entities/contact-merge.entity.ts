import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Audit record of a contact merge done through this service. */
@Index('contact_merges_store_idx', ['storeId', 'mergedAt'])
@Entity('contact_merges')
export class ContactMerge {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column('text')
  storeId: string;

  @Column('int')
  primaryContactId: number;

  @Column('int')
  duplicateContactId: number;

  /** Customers whose link moved from the duplicate to the primary contact. */
  @Column('text', { array: true, default: [] })
  customerIds: string[];

  @Column('timestamptz', { default: () => 'now()' })
  mergedAt: Date;
}
