import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export interface NewDelivery {
  storeId: string;
  deliveryId: string;
  event: string;
  accountId: number | null;
  signedAt: number | null;
  body: string;
}

export interface ClaimedDelivery {
  id: string;
  storeId: string;
  deliveryId: string;
  event: string;
  body: string;
  attempts: number;
}

export interface DeliveryOutcome {
  id: string;
  state: 'processed' | 'ignored' | 'failed' | 'pending';
  note: string | null;
}

const INSERT_BATCH = `
  insert into webhook_deliveries (store_id, delivery_id, event, account_id, signed_at, body)
  select s, d, e, a, to_timestamp(t), b
  from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[]) as u(s, d, e, a, t, b)
  on conflict (store_id, delivery_id) do nothing
  returning store_id, delivery_id`;

// A pending row with last_error is waiting for its own retry job (backoff), not for the drain.
const CLAIM = `
  update webhook_deliveries d
     set state = 'processing', locked_at = now(), attempts = d.attempts + 1
   where d.id in (
     select id from webhook_deliveries
      where (state = 'pending' and last_error is null)
         or (state = 'processing' and locked_at < now() - interval '5 minutes')
      order by id
      limit $1
      for update skip locked)
  returning d.id::text as id, d.store_id as "storeId", d.delivery_id as "deliveryId", d.event, d.body, d.attempts`;

/**
 * Raw SQL on the driver's pg pool for the two hot statements (intake insert and worker claim):
 * named prepared statements, no ORM query-runner round trip.
 */
@Injectable()
export class WebhookDeliveryRepository {
  private readonly pool: Pool;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.pool = (dataSource.driver as PostgresDriver).master as Pool;
  }

  /** Inserts many deliveries in one statement; returns the `storeId\u0000deliveryId` keys that were new. */
  async insertMany(rows: NewDelivery[]): Promise<Set<string>> {
    const result = await this.pool.query<{ store_id: string; delivery_id: string }>({
      name: 'webhooks_insert_batch',
      text: INSERT_BATCH,
      values: [
        rows.map((r) => r.storeId),
        rows.map((r) => r.deliveryId),
        rows.map((r) => r.event),
        rows.map((r) => r.accountId),
        rows.map((r) => r.signedAt),
        rows.map((r) => r.body),
      ],
    });
    return new Set(result.rows.map((r) => deliveryKey(r.store_id, r.delivery_id)));
  }

  async claim(limit: number): Promise<ClaimedDelivery[]> {
    const result = await this.pool.query<ClaimedDelivery>({ name: 'webhooks_claim', text: CLAIM, values: [limit] });
    return result.rows;
  }

  /** Claims one delivery by id (retries and replays); null when another worker holds it or it is done. */
  async claimOne(storeId: string, id: string): Promise<ClaimedDelivery | null> {
    const result = await this.pool.query<ClaimedDelivery>(
      `update webhook_deliveries set state = 'processing', locked_at = now(), attempts = attempts + 1
        where store_id = $1 and id = $2 and state = 'pending'
        returning id::text as id, store_id as "storeId", delivery_id as "deliveryId", event, body, attempts`,
      [storeId, id],
    );
    return result.rows[0] ?? null;
  }

  async finish(outcomes: DeliveryOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.pool.query({
      name: 'webhooks_finish',
      text: `update webhook_deliveries d
                set state = o.state,
                    last_error = o.note,
                    locked_at = null,
                    processed_at = case when o.state in ('processed', 'ignored') then now() else d.processed_at end
               from unnest($1::bigint[], $2::text[], $3::text[]) as o(id, state, note)
              where d.id = o.id`,
      values: [outcomes.map((o) => o.id), outcomes.map((o) => o.state), outcomes.map((o) => o.note)],
    });
  }

  /** Puts a delivery back in line (replay): attempts restart. */
  async requeue(storeId: string, id: string): Promise<boolean> {
    const result = await this.pool.query(
      `update webhook_deliveries set state = 'pending', attempts = 0, last_error = null, locked_at = null
        where store_id = $1 and id = $2 and state in ('processed', 'ignored', 'failed')`,
      [storeId, id],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async pendingCount(): Promise<number> {
    const result = await this.pool.query<{ n: string }>(
      `select count(*) as n from webhook_deliveries where state in ('pending', 'processing')`,
    );
    return Number(result.rows[0].n);
  }
}

export function deliveryKey(storeId: string, deliveryId: string): string {
  return `${storeId}\u0000${deliveryId}`;
}
