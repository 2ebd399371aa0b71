import type { DataSource, EntityManager } from 'typeorm';
import { execute, type Db } from './sql';

/** `$1` as a whole placeholder (not the start of `$10`). */
const STORE_PLACEHOLDER = /\$1(?!\d)/;

/**
 * SQL bound to one store. Every statement it runs gets the store id as `$1`, and a statement
 * that does not use `$1` is refused before it reaches PostgreSQL, so a tenant query that forgets
 * its store cannot be written, only mis-written loudly. Callers' own parameters start at `$2`.
 *
 * Only {@link StoreScopedRepository.forStore} makes one: tenant repositories expose their
 * methods on the scoped object, so calling them without a store id is a type error.
 */
export class StoreSql {
  constructor(
    readonly storeId: string,
    private readonly db: Db,
  ) {}

  /** Rows and affected count of one statement; `params` are `$2`, `$3`, ... */
  execute<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<{ rows: T[]; affected: number }> {
    if (!STORE_PLACEHOLDER.test(sql)) {
      throw new Error('A store-scoped statement must filter or write by $1 (the store id)');
    }
    return execute<T>(this.db, sql, [this.storeId, ...params]);
  }

  async rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.execute<T>(sql, params)).rows;
  }

  async one<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T | null> {
    return (await this.execute<T>(sql, params)).rows[0] ?? null;
  }

  /** The same store inside a transaction. */
  within(tx: EntityManager): StoreSql {
    return new StoreSql(this.storeId, tx);
  }
}

/**
 * Base of every tenant repository: `forStore(storeId)` is the only way in. Subclasses build their
 * store-bound view in {@link scoped}; cross-store work (claiming deliveries, fan-out scans) lives
 * in classes named for it, not here.
 */
export abstract class StoreScopedRepository<Scoped> {
  protected constructor(protected readonly db: DataSource) {}

  forStore(storeId: string, tx?: EntityManager): Scoped {
    if (!storeId) throw new Error('forStore needs a store id');
    return this.scoped(new StoreSql(storeId, tx ?? this.db));
  }

  protected abstract scoped(sql: StoreSql): Scoped;
}
