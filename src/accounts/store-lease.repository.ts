import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';

/** The advisory key that serialises claims on one store's lease (only for the claim's own transaction). */
const LEASE_KEY = `hashtextextended('accounts:' || $1, 0)`;

/** One store's lease row in `store_leases`. Every statement is one short round trip. */
export class StoreLeaseRow {
  constructor(
    private readonly sql: StoreSql,
    private readonly db: DataSource,
  ) {}

  /**
   * Takes the lease for `holder` if nobody holds it or its holder let it expire; true when taken.
   * One transaction: `pg_advisory_xact_lock` (released at commit) orders concurrent claimers, then
   * the row is inserted or taken over. No connection outlives the call.
   */
  claim(holder: string, operation: string, ttlMs: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const sql = this.sql.within(tx);
      await sql.execute(`select pg_advisory_xact_lock(${LEASE_KEY})`);
      const { rows } = await sql.execute(
        `insert into store_leases (store_id, holder, operation, expires_at)
         values ($1, $2, $3, now() + $4::int * interval '1 millisecond')
         on conflict (store_id) do update
           set holder = excluded.holder, operation = excluded.operation, expires_at = excluded.expires_at
           where store_leases.expires_at < now()
         returning holder`,
        [holder, operation, ttlMs],
      );
      return rows.length > 0;
    });
  }

  /** Pushes the expiry out again; false when the lease is no longer `holder`'s (expired and taken over, or removed). */
  async extend(holder: string, ttlMs: number): Promise<boolean> {
    const { affected } = await this.sql.execute(
      `update store_leases set expires_at = now() + $3::int * interval '1 millisecond' where store_id = $1 and holder = $2`,
      [holder, ttlMs],
    );
    return affected > 0;
  }

  /** Gives the lease back, only if it is still `holder`'s. */
  async release(holder: string): Promise<void> {
    await this.sql.execute(`delete from store_leases where store_id = $1 and holder = $2`, [holder]);
  }
}

@Injectable()
export class StoreLeaseRepository extends StoreScopedRepository<StoreLeaseRow> {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): StoreLeaseRow {
    return new StoreLeaseRow(sql, this.db);
  }
}
