import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one Chatwoot operation allowed to run on a store until `expiresAt` (extended while it runs). */
@Entity('store_leases')
export class StoreLease {
  @PrimaryColumn('text')
  storeId: string;

  @Column('uuid')
  holder: string;

  @Column('text')
  operation: string;

  @Column('timestamptz')
  expiresAt: Date;
}
