import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { ErasureState } from './entities/customer-erasure.entity';

export interface ErasureRow {
  state: ErasureState;
  contactIds: number[];
  attempts: number;
  lastError: string | null;
  requestedAt: Date;
  finishedAt: Date | null;
}

/** GDPR erasure requests and their progress (`customer_erasures`, ids only). */
@Injectable()
export class CustomerErasureRepository extends StoreScopedRepository<CustomerErasures> {
  constructor(db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): CustomerErasures {
    return new CustomerErasures(sql);
  }
}

export class CustomerErasures {
  constructor(private readonly sql: StoreSql) {}

  /** A new pending request, or a repeated one: pending again, with the contacts of both. */
  async request(customerId: string, contactIds: number[]): Promise<void> {
    await this.sql.execute(
      `insert into customer_erasures as e (store_id, customer_id, state, contact_ids, attempts, requested_at)
       values ($1, $2, 'pending', $3::int[], 0, now())
       on conflict (store_id, customer_id) do update set state = 'pending', attempts = 0, last_error = null,
         requested_at = now(), finished_at = null,
         contact_ids = array(select distinct unnest(e.contact_ids || excluded.contact_ids))`,
      [customerId, contactIds],
    );
  }

  find(customerId: string): Promise<ErasureRow | null> {
    return this.sql.one<ErasureRow>(
      `select state, contact_ids as "contactIds", attempts, last_error as "lastError", requested_at as "requestedAt",
              finished_at as "finishedAt"
       from customer_erasures where store_id = $1 and customer_id = $2`,
      [customerId],
    );
  }

  async recordFailure(customerId: string, attempts: number, error: string, state: 'pending' | 'failed'): Promise<void> {
    await this.sql.execute(
      `update customer_erasures set attempts = $3, last_error = $4, state = $5, finished_at = case when $5 = 'failed' then now() end
       where store_id = $1 and customer_id = $2`,
      [customerId, attempts, error, state],
    );
  }

  async markDone(customerId: string): Promise<void> {
    await this.sql.execute(
      `update customer_erasures set state = 'done', finished_at = now(), last_error = null where store_id = $1 and customer_id = $2`,
      [customerId],
    );
  }
}
