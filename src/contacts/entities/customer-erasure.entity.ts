import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ErasureState = 'pending' | 'done' | 'failed';

/** A GDPR erasure request; holds no personal data, only ids and progress. */
@Entity('customer_erasures')
export class CustomerErasure {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  customerId: string;

  @Column('text')
  state: ErasureState;

  @Column('int', { array: true, default: [] })
  contactIds: number[];

  @Column('int', { default: 0 })
  attempts: number;

  @Column('text', { nullable: true })
  lastError: string | null;

  @Column('timestamptz')
  requestedAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;
}
