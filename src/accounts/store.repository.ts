import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import { STORE_FIELDS, STORE_WITH_LINK, storeWithLink } from './account-rows';
import type { ChatwootAccountLink } from './entities/chatwoot-account-link.entity';
import type { Store } from './entities/store.entity';
import { columnOf, selectList, setList } from './row-columns';

const WRITABLE = STORE_FIELDS.filter((f) => f !== 'id' && f !== 'createdAt' && f !== 'updatedAt');
const JSON_FIELDS = ['branding', 'settings'];

export type StoreRecord = Omit<Store, 'chatwoot'>;
export type StoreFields = Partial<Omit<StoreRecord, 'id' | 'createdAt' | 'updatedAt'>>;
export type NewStore = Omit<StoreRecord, 'id' | 'createdAt' | 'updatedAt'>;

/** One store's row in `stores` (the store id is the row's id). */
export class StoreRow {
  constructor(private readonly sql: StoreSql) {}

  get(): Promise<StoreRecord | null> {
    return this.sql.one<StoreRecord>(`select ${selectList(STORE_FIELDS)} from stores where id = $1`);
  }

  async getWithLink(): Promise<Store | null> {
    const row = await this.sql.one(
      `select ${STORE_WITH_LINK} from stores s left join chatwoot_accounts l on l.store_id = s.id where s.id = $1`,
    );
    return row ? storeWithLink(row) : null;
  }

  /** The store and its account link, from one query; null unless both exist. */
  async withLink(): Promise<{ store: Store; link: ChatwootAccountLink } | null> {
    const found = await this.getWithLink();
    if (!found?.chatwoot) return null;
    const { chatwoot: link, ...store } = found;
    return { store: store as Store, link };
  }

  /** Creates the store unless it exists (a concurrent PUT); true when this call created it. */
  async insertIfAbsent(values: NewStore): Promise<boolean> {
    const fields = Object.keys(values).filter((f) => (values as Record<string, unknown>)[f] !== undefined);
    const { params } = setList(values, WRITABLE, JSON_FIELDS, 2);
    const { rows } = await this.sql.execute(
      `insert into stores (id, ${fields.map(columnOf).join(', ')})
       values ($1, ${fields.map((_, i) => `$${i + 2}`).join(', ')}) on conflict (id) do nothing returning id`,
      params,
    );
    return rows.length > 0;
  }

  async update(fields: StoreFields): Promise<void> {
    const set = setList(fields, WRITABLE, JSON_FIELDS, 2);
    if (!set.sql) return;
    await this.sql.execute(`update stores set ${set.sql}, updated_at = now() where id = $1`, set.params);
  }
}

@Injectable()
export class StoreRepository extends StoreScopedRepository<StoreRow> {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): StoreRow {
    return new StoreRow(sql);
  }
}
