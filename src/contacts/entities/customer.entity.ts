import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A platform customer as last described by the platform (newest `updatedAt` wins). */
// An expression index (store_id, lower(email)): TypeORM cannot describe it, so it only names it.
@Index('customers_email_idx', { synchronize: false })
@Entity('customers')
export class Customer {
  @PrimaryColumn('text')
  storeId: string;

  @PrimaryColumn('text')
  customerId: string;

  @Column('text')
  email: string;

  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  phone: string | null;

  @Column('text', { nullable: true })
  language: string | null;

  @Column('boolean')
  marketingConsent: boolean;

  @Column('timestamptz', { nullable: true })
  registeredAt: Date | null;

  @Column('timestamptz')
  updatedAt: Date;

  /** Conversations the customer opened in Chatwoot (counted from webhooks). */
  @Column('int', { default: 0 })
  conversationCount: number;
}
