import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';

export interface MergeAudit {
  id: string;
  mergedAt: Date;
}

/** The audit records of contact merges (`contact_merges`). */
@Injectable()
export class ContactMergeRepository extends StoreScopedRepository<ContactMerges> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): ContactMerges {
    return new ContactMerges(sql);
  }
}

export class ContactMerges {
  constructor(private readonly sql: StoreSql) {}

  async record(primaryContactId: number, duplicateContactId: number, customerIds: string[]): Promise<MergeAudit> {
    const audit = await this.sql.one<MergeAudit>(
      `insert into contact_merges (store_id, primary_contact_id, duplicate_contact_id, customer_ids)
       values ($1, $2, $3, $4::text[]) returning id, merged_at as "mergedAt"`,
      [primaryContactId, duplicateContactId, customerIds],
    );
    return audit!;
  }
}
