import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { execute, rowsOf } from '../database/sql';
import type { DeliveryState } from './entities/webhook-delivery.entity';

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

/** A stored delivery as the operator endpoints show it. */
export interface DeliveryRecord {
  id: string;
  storeId: string;
  deliveryId: string;
  event: string;
  state: DeliveryState;
  attempts: number;
  lastError: string | null;
  receivedAt: Date;
  processedAt: Date | null;
  body: string;
}

export interface DeliveryFilter {
  state?: DeliveryState;
  storeId?: string;
  event?: string;
}

const RECORD_COLUMNS = `id::text as id, store_id as "storeId", delivery_id as "deliveryId", event, state, attempts,
  last_error as "lastError", received_at as "receivedAt", processed_at as "processedAt", body`;

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

/**
 * A claim is a lease: `locked_at` is renewed by the worker's heartbeat while it works (see
 * `renew`), so a row held by a crashed instance is free again within seconds of its last beat.
 */
export const DELIVERY_LEASE_SECONDS = 30;

/** Stores with open rows, least recently served first: one skip-scan probe per store. */
const OPEN_STORES = `
  with recursive ids as (
    (select store_id from webhook_deliveries where state in ('pending', 'processing') order by store_id limit 1)
    union all
    select (select w.store_id from webhook_deliveries w
             where w.state in ('pending', 'processing') and w.store_id > ids.store_id order by w.store_id limit 1)
      from ids where ids.store_id is not null
  )
  select ids.store_id from ids left join webhook_processing_pace p on p.store_id = ids.store_id
   where ids.store_id is not null
   order by p.refilled_at nulls first
   limit $1`;

const ENSURE_BUCKETS = `
  insert into webhook_processing_pace (store_id, tokens) select unnest($1::text[]), $2::float8
  on conflict (store_id) do nothing`;

/**
 * One store's share of a claim, metered by its token bucket (capacity: one minute of pace, refilled
 * continuously). The bucket row is locked for the statement, so concurrent drains (any instance)
 * never spend the same tokens. A pending row with last_error is waiting for its own retry job
 * (backoff), not for the drain; a processing row whose lease ran out belonged to a dead worker.
 */
const CLAIM_FOR_STORE = `
  with bucket as (
    select store_id, at, least($3::float8, tokens + extract(epoch from (at - refilled_at)) * $3::float8 / 60) as tokens
      from (select store_id, tokens, refilled_at, greatest(clock_timestamp(), refilled_at) as at
              from webhook_processing_pace where store_id = $1 for update) locked
  ), picked as (
    select id from webhook_deliveries
     where store_id = $1
       and ((state = 'pending' and last_error is null)
         or (state = 'processing' and locked_at < now() - make_interval(secs => $4)))
     order by id
     limit (select greatest(0, least($2, floor(tokens)))::int from bucket)
     for update skip locked
  ), claimed as (
    update webhook_deliveries d
       set state = 'processing', locked_at = now(), attempts = d.attempts + 1
      from picked where d.id = picked.id
    returning d.id::text as id, d.store_id as "storeId", d.delivery_id as "deliveryId", d.event, d.body, d.attempts
  ), spent as (
    update webhook_processing_pace p
       set tokens = b.tokens - (select count(*) from claimed), refilled_at = b.at
      from bucket b where p.store_id = b.store_id
  )
  select (select tokens from bucket) as tokens,
         coalesce((select json_agg(claimed order by claimed.id::bigint) from claimed), '[]') as rows`;

export interface PacedClaim {
  rows: ClaimedDelivery[];
  /** Seconds until a store that still has work but no tokens may go on; null when none waits. */
  throttledFor: number | null;
}

/**
 * The owner of `webhook_deliveries` and `webhook_processing_pace`. Cross-store by nature: intake
 * batches rows of many stores into one INSERT and the drain claims fairly across stores, so it is
 * not a store-scoped repository (operator listing lives in {@link DeliveryAdminRepository}).
 *
 * The hot statements (intake insert, claim, renew, finish) go straight to the driver's pg pool as
 * named prepared statements: through sql.ts each would take a TypeORM query runner (acquire,
 * query, release) and be parsed again on every call, on the path whose speed
 * `npm run bench -- webhook-intake` guards. Cold statements use sql.ts like everything else.
 */
@Injectable()
export class DeliveryQueueRepository {
  private readonly pool: Pool;

  constructor(@InjectDataSource() private readonly db: DataSource) {
    this.pool = (db.driver as PostgresDriver).master as Pool;
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

  /**
   * Claims up to `limit` rows, shared fairly among the stores that have work (each store gets
   * an equal share of the batch, least recently served store first) and metered per store by
   * `perMinute`: one store's flood neither exceeds its pace nor starves the others.
   */
  async claim(limit: number, perMinute: number): Promise<PacedClaim> {
    const stores = (
      await this.pool.query<{ store_id: string }>({ name: 'webhooks_open_stores', text: OPEN_STORES, values: [limit] })
    ).rows.map((r) => r.store_id);
    if (stores.length === 0) return { rows: [], throttledFor: null };
    await this.pool.query({ name: 'webhooks_ensure_buckets', text: ENSURE_BUCKETS, values: [stores, perMinute] });
    const share = Math.max(1, Math.ceil(limit / stores.length));
    const rows: ClaimedDelivery[] = [];
    let throttledFor: number | null = null;
    for (const storeId of stores) {
      const result = await this.pool.query<{ tokens: number; rows: ClaimedDelivery[] }>({
        name: 'webhooks_claim_for_store',
        text: CLAIM_FOR_STORE,
        values: [storeId, share, perMinute, DELIVERY_LEASE_SECONDS],
      });
      const { tokens, rows: claimed } = result.rows[0];
      rows.push(...claimed);
      // Out of tokens: whether it has claimable rows is unknown, so the caller checks back when one is due.
      if (claimed.length === 0 && tokens < 1) {
        const wait = ((1 - tokens) * 60) / perMinute;
        throttledFor = throttledFor === null ? wait : Math.min(throttledFor, wait);
      }
    }
    return { rows, throttledFor };
  }

  /** The worker's heartbeat: keeps its claims from being taken over while it is still working on them. */
  async renew(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.pool.query({
      name: 'webhooks_renew',
      text: `update webhook_deliveries set locked_at = now() where id = any($1::bigint[]) and state = 'processing'`,
      values: [ids],
    });
  }

  /** Open (pending or processing) deliveries per store with any: the backlog intake guards. */
  async backlogByStore(): Promise<Map<string, number>> {
    const result = await this.pool.query<{ store_id: string; n: string }>({
      name: 'webhooks_backlog_by_store',
      text: `select store_id, count(*) as n from webhook_deliveries where state in ('pending', 'processing') group by store_id`,
    });
    return new Map(result.rows.map((r) => [r.store_id, Number(r.n)]));
  }

  async backlogOf(storeId: string): Promise<number> {
    const result = await this.pool.query<{ n: string }>(
      `select count(*) as n from webhook_deliveries where store_id = $1 and state in ('pending', 'processing')`,
      [storeId],
    );
    return Number(result.rows[0].n);
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

  /** A deleted store's deliveries and pace. */
  async eraseStore(storeId: string): Promise<void> {
    await execute(this.db, 'delete from webhook_deliveries where store_id = $1', [storeId]);
    await execute(this.db, 'delete from webhook_processing_pace where store_id = $1', [storeId]);
  }

  async pendingCount(): Promise<number> {
    const result = await this.pool.query<{ n: string }>(
      `select count(*) as n from webhook_deliveries where state in ('pending', 'processing')`,
    );
    return Number(result.rows[0].n);
  }
}

/**
 * The operator's view across stores: listing (optionally narrowed to a store) and replay by id.
 * Cross-store by design (platform auth), so it is not a store-scoped repository.
 */
@Injectable()
export class DeliveryAdminRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async page(filter: DeliveryFilter, offset: number, limit: number): Promise<{ rows: DeliveryRecord[]; total: number }> {
    const where = `($1::text is null or state = $1) and ($2::text is null or store_id = $2) and ($3::text is null or event = $3)`;
    const params = [filter.state ?? null, filter.storeId ?? null, filter.event ?? null];
    const rows = await rowsOf<DeliveryRecord>(
      this.db,
      `select ${RECORD_COLUMNS} from webhook_deliveries where ${where} order by id desc offset $4 limit $5`,
      [...params, offset, limit],
    );
    const [count] = await rowsOf<{ n: string }>(this.db, `select count(*) as n from webhook_deliveries where ${where}`, params);
    return { rows, total: Number(count.n) };
  }

  async findById(id: string): Promise<DeliveryRecord | null> {
    const [row] = await rowsOf<DeliveryRecord>(this.db, `select ${RECORD_COLUMNS} from webhook_deliveries where id = $1`, [id]);
    return row ?? null;
  }
}

export function deliveryKey(storeId: string, deliveryId: string): string {
  return `${storeId}\u0000${deliveryId}`;
}
