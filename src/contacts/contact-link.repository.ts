import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';

export interface LinkRow {
  customerId: string;
  contactId: number;
  lastPushedAttributes: Record<string, unknown>;
  lastPushedIdentity: Record<string, unknown>;
  lastPushedHash: string | null;
  syncedRunId: string | null;
  syncedResult: string | null;
}

export interface LinkWrite {
  customerId: string;
  contactId: number;
  attributes: Record<string, unknown>;
  identity: Record<string, unknown>;
  hash: string;
  runId: string | null;
  result: string;
}

const SELECT = `select customer_id as "customerId", contact_id as "contactId", last_pushed_attributes as "lastPushedAttributes",
  last_pushed_identity as "lastPushedIdentity", last_pushed_hash as "lastPushedHash", synced_run_id as "syncedRunId",
  synced_result as "syncedResult" from contact_links`;

/** The customer ↔ Chatwoot contact links (`contact_links`); reads and writes are set-based. */
@Injectable()
export class ContactLinkRepository extends StoreScopedRepository<ContactLinks> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): ContactLinks {
    return new ContactLinks(sql);
  }
}

/** The links of one store. */
export class ContactLinks {
  constructor(private readonly sql: StoreSql) {}

  async forCustomers(customerIds: string[]): Promise<Map<string, LinkRow>> {
    if (customerIds.length === 0) return new Map();
    const rows = await this.sql.rows<LinkRow>(`${SELECT} where store_id = $1 and customer_id = any($2::text[])`, [customerIds]);
    return new Map(rows.map((r) => [r.customerId, r]));
  }

  /** Most recently synced first: after a merge two customers may share one contact. */
  byContact(contactId: number): Promise<LinkRow[]> {
    return this.sql.rows<LinkRow>(
      `${SELECT} where store_id = $1 and contact_id = $2 order by synced_at desc nulls last limit 10`,
      [contactId],
    );
  }

  /**
   * One multi-row upsert for a whole chunk. Skips customers erased meanwhile, so a sync that
   * raced an erasure cannot bring a link back.
   */
  async save(writes: LinkWrite[]): Promise<void> {
    if (writes.length === 0) return;
    await this.sql.execute(
      `insert into contact_links as l (store_id, customer_id, contact_id, last_pushed_attributes, last_pushed_identity,
                                       last_pushed_hash, synced_at, synced_run_id, synced_result)
       select $1, w.customer_id, w.contact_id, w.attributes, w.identity, w.hash, now(), w.run_id, w.result
       from jsonb_to_recordset($2::jsonb) as w(customer_id text, contact_id int, attributes jsonb, identity jsonb, hash text,
                                               run_id uuid, result text)
       where exists (select 1 from customers c where c.store_id = $1 and c.customer_id = w.customer_id)
       on conflict (store_id, customer_id) do update set
         contact_id = excluded.contact_id, last_pushed_attributes = excluded.last_pushed_attributes,
         last_pushed_identity = excluded.last_pushed_identity, last_pushed_hash = excluded.last_pushed_hash,
         synced_at = excluded.synced_at, synced_run_id = excluded.synced_run_id, synced_result = excluded.synced_result`,
      [
        JSON.stringify(
          writes.map((w) => ({
            customer_id: w.customerId,
            contact_id: w.contactId,
            attributes: w.attributes,
            identity: w.identity,
            hash: w.hash,
            run_id: w.runId,
            result: w.result,
          })),
        ),
      ],
    );
  }

  /**
   * Points a customer at a contact found by a webhook. A different contact than before resets
   * what we pushed, so the next sync writes everything to the new one.
   */
  async link(customerId: string, contactId: number): Promise<boolean> {
    const { rows } = await this.sql.execute<{ customerId: string }>(
      `insert into contact_links as l (store_id, customer_id, contact_id)
       values ($1, $2, $3)
       on conflict (store_id, customer_id) do update set contact_id = excluded.contact_id,
         last_pushed_attributes = '{}', last_pushed_identity = '{}', last_pushed_hash = null, synced_run_id = null, synced_result = null
       where l.contact_id <> excluded.contact_id
       returning customer_id as "customerId"`,
      [customerId, contactId],
    );
    return rows.length > 0;
  }

  /**
   * Moves every link of the duplicate contact to the primary, forgetting what was pushed to the
   * duplicate. Returns the moved customer ids.
   */
  async moveToContact(primaryContactId: number, duplicateContactId: number): Promise<string[]> {
    const rows = await this.sql.rows<{ customerId: string }>(
      `update contact_links set contact_id = $2, last_pushed_attributes = '{}', last_pushed_identity = '{}',
         last_pushed_hash = null, synced_run_id = null, synced_result = null
       where store_id = $1 and contact_id = $3
       returning customer_id as "customerId"`,
      [primaryContactId, duplicateContactId],
    );
    return rows.map((r) => r.customerId);
  }

  /** Removes the customer's link; returns the contact ids it pointed at. */
  async unlink(customerId: string): Promise<number[]> {
    const rows = await this.sql.rows<{ contactId: number }>(
      'delete from contact_links where store_id = $1 and customer_id = $2 returning contact_id as "contactId"',
      [customerId],
    );
    return rows.map((r) => r.contactId);
  }
}
