import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

export type ErasureState = 'pending' | 'done' | 'failed';

/** A GDPR erasure request; holds no personal data, only ids and progress. */
@Check('customer_erasures_state_check', `state in ('pending','done','failed')`)
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

  @Column('timestamptz', { default: () => 'now()' })
  requestedAt: Date;

  @Column('timestamptz', { nullable: true })
  finishedAt: Date | null;
}
