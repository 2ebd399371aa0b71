import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';

/** What one set-based look-up found: which ids are customers, and the customer each email points at. */
export interface CustomerMatches {
  existing: Set<string>;
  /** Lower-cased email → the most recently updated customer with it. */
  byEmail: Map<string, string>;
}

/**
 * Batch reads and writes behind {@link CustomerDirectoryService}'s many-contact methods: the same
 * questions ContactLinkService asks one contact at a time (`customers.exists`, `idByEmail`,
 * `contact_links` upsert), asked for a whole webhook batch in one statement each.
 */
@Injectable()
export class CustomerDirectoryRepository extends StoreScopedRepository<StoreCustomerDirectory> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): StoreCustomerDirectory {
    return new StoreCustomerDirectory(sql);
  }
}

export class StoreCustomerDirectory {
  constructor(private readonly sql: StoreSql) {}

  /** `ids` that are customers of the store, and the customer of each email (`emails` lower-cased), in one statement. */
  async match(ids: string[], emails: string[]): Promise<CustomerMatches> {
    if (ids.length === 0 && emails.length === 0) return { existing: new Set(), byEmail: new Map() };
    const rows = await this.sql.rows<{ kind: 'id' | 'email'; key: string; customerId: string }>(
      `select 'id' as kind, customer_id as key, customer_id as "customerId"
         from customers where store_id = $1 and customer_id = any($2::text[])
       union all
       select 'email', e.email, e.customer_id from (
         select distinct on (lower(email)) lower(email) as email, customer_id
           from customers where store_id = $1 and lower(email) = any($3::text[])
          order by lower(email), updated_at desc) e`,
      [ids, emails],
    );
    const matches: CustomerMatches = { existing: new Set(), byEmail: new Map() };
    for (const row of rows) {
      if (row.kind === 'id') matches.existing.add(row.customerId);
      else matches.byEmail.set(row.key, row.customerId);
    }
    return matches;
  }

  /**
   * ContactLinks.link for many customers (each at most once): a different contact than before
   * resets what we pushed. Returns the customers whose link is new or moved.
   */
  async linkMany(links: { customerId: string; contactId: number }[]): Promise<string[]> {
    if (links.length === 0) return [];
    const rows = await this.sql.rows<{ customerId: string }>(
      `insert into contact_links as l (store_id, customer_id, contact_id)
       select $1, u.customer_id, u.contact_id from unnest($2::text[], $3::int[]) as u(customer_id, contact_id)
       on conflict (store_id, customer_id) do update set contact_id = excluded.contact_id,
         last_pushed_attributes = '{}', last_pushed_identity = '{}', last_pushed_hash = null, synced_run_id = null, synced_result = null
       where l.contact_id <> excluded.contact_id
       returning customer_id as "customerId"`,
      [links.map((l) => l.customerId), links.map((l) => l.contactId)],
    );
    return rows.map((r) => r.customerId);
  }
}
