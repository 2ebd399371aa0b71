import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { LineItem } from './attributes/cart';
import type { CustomerFields, CustomerView } from './customer-data.types';

/** A customer as the platform sent it (already trimmed). */
export interface CustomerWrite extends CustomerFields {
  registeredAt: Date;
  updatedAt: Date;
}

const CUSTOMER_SELECT = `select c.customer_id as "customerId", c.email, c.name, c.phone, c.language,
  c.marketing_consent as "marketingConsent", c.registered_at as "registeredAt", c.updated_at as "updatedAt",
  c.conversation_count as "conversationCount", l.contact_id as "contactId"
  from customers c left join contact_links l on l.store_id = c.store_id and l.customer_id = c.customer_id`;

/**
 * The platform's customers and their carts (`customers`, `carts`): a cart belongs to its
 * customer and goes with it.
 */
@Injectable()
export class CustomersRepository extends StoreScopedRepository<Customers> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): Customers {
    return new Customers(sql);
  }
}

export class Customers {
  constructor(private readonly sql: StoreSql) {}

  /** Applies the write when it is newer than the stored version; true when it did. */
  async upsert(c: CustomerWrite): Promise<boolean> {
    const { rows } = await this.sql.execute(
      `insert into customers as c (store_id, customer_id, email, name, phone, language, marketing_consent, registered_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (store_id, customer_id) do update set
         email = excluded.email, name = excluded.name, phone = excluded.phone, language = excluded.language,
         marketing_consent = excluded.marketing_consent, registered_at = excluded.registered_at, updated_at = excluded.updated_at
       where excluded.updated_at > c.updated_at
       returning customer_id`,
      [c.customerId, c.email, c.name, c.phone, c.language, c.marketingConsent, c.registeredAt, c.updatedAt],
    );
    return rows.length > 0;
  }

  /** `updatedAt` of the stored customer, if any. */
  async storedVersion(customerId: string): Promise<Date | null> {
    const row = await this.sql.one<{ updatedAt: Date }>(
      'select updated_at as "updatedAt" from customers where store_id = $1 and customer_id = $2',
      [customerId],
    );
    return row?.updatedAt ?? null;
  }

  get(customerId: string): Promise<CustomerView | null> {
    return this.sql.one<CustomerView>(`${CUSTOMER_SELECT} where c.store_id = $1 and c.customer_id = $2`, [customerId]);
  }

  /** The customer linked to a Chatwoot contact (the most recently synced one if a merge left several). */
  byContactId(contactId: number): Promise<CustomerView | null> {
    return this.sql.one<CustomerView>(
      `${CUSTOMER_SELECT} where c.store_id = $1 and l.contact_id = $2 order by l.synced_at desc nulls last limit 1`,
      [contactId],
    );
  }

  async exists(customerId: string): Promise<boolean> {
    return !!(await this.sql.one('select customer_id from customers where store_id = $1 and customer_id = $2', [customerId]));
  }

  /** The most recently updated customer with this email (case-insensitive; `email` already lower-cased). */
  async idByEmail(email: string): Promise<string | null> {
    const row = await this.sql.one<{ customerId: string }>(
      'select customer_id as "customerId" from customers where store_id = $1 and lower(email) = $2 order by updated_at desc limit 1',
      [email],
    );
    return row?.customerId ?? null;
  }

  /** One more conversation; false for an unknown customer. */
  async countConversation(customerId: string): Promise<boolean> {
    const { affected } = await this.sql.execute(
      'update customers set conversation_count = conversation_count + 1 where store_id = $1 and customer_id = $2',
      [customerId],
    );
    return affected > 0;
  }

  /** Erasure: the customer row and its cart go. */
  async erase(customerId: string): Promise<void> {
    await this.sql.execute('delete from customers where store_id = $1 and customer_id = $2', [customerId]);
    await this.sql.execute('delete from carts where store_id = $1 and customer_id = $2', [customerId]);
  }

  /** Replaces the cart when the write is newer than the stored one; true when it did. */
  async upsertCart(customerId: string, items: LineItem[], updatedAt: Date): Promise<boolean> {
    const { rows } = await this.sql.execute(
      `insert into carts as c (store_id, customer_id, items, updated_at) values ($1, $2, $3::jsonb, $4)
       on conflict (store_id, customer_id) do update set items = excluded.items, updated_at = excluded.updated_at
       where excluded.updated_at > c.updated_at
       returning customer_id`,
      [customerId, JSON.stringify(items), updatedAt],
    );
    return rows.length > 0;
  }

  async storedCartVersion(customerId: string): Promise<Date | null> {
    const row = await this.sql.one<{ updatedAt: Date }>(
      'select updated_at as "updatedAt" from carts where store_id = $1 and customer_id = $2',
      [customerId],
    );
    return row?.updatedAt ?? null;
  }

  async hasNonEmptyCart(customerId: string): Promise<boolean> {
    const row = await this.sql.one<{ yes: boolean }>(
      `select exists (select 1 from carts where store_id = $1 and customer_id = $2 and jsonb_array_length(items) > 0) as yes`,
      [customerId],
    );
    return row?.yes ?? false;
  }
}
