import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';

/** Every table of the contacts module, children first. */
const CONTACTS_TABLES = [
  'order_items',
  'orders',
  'carts',
  'customers',
  'products',
  'product_pairs',
  'product_sales',
  'contact_links',
  'contact_merges',
  'customer_erasures',
  'sync_runs',
  'contact_sync_schedules',
] as const;

/** All of a store's rows in the contacts module at once (`store.deleted`). */
@Injectable()
export class ContactsStoreDataRepository extends StoreScopedRepository<ContactsStoreData> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): ContactsStoreData {
    return new ContactsStoreData(sql);
  }
}

export class ContactsStoreData {
  constructor(private readonly sql: StoreSql) {}

  /** Run it in a transaction (`forStore(storeId, tx)`): the store's data goes all at once. */
  async deleteAll(): Promise<void> {
    for (const table of CONTACTS_TABLES) await this.sql.execute(`delete from ${table} where store_id = $1`);
  }
}
