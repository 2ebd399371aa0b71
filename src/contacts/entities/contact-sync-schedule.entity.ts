import { Column, Entity, PrimaryColumn } from 'typeorm';

/** When the store's periodic full sync (settings `contactSyncCron`) is next due. */
@Entity('contact_sync_schedules')
export class ContactSyncSchedule {
  @PrimaryColumn('text')
  storeId: string;

  @Column('timestamptz')
  nextRunAt: Date;

  @Column('uuid', { nullable: true })
  lastRunId: string | null;
}
