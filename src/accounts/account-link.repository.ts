import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf } from '../database/sql';
import { StoreScopedRepository, type StoreSql } from '../database/store-scope';
import type { ChatwootAccountLink, ChatwootAccountState, ProvisioningStep } from './entities/chatwoot-account-link.entity';
import type { Store } from './entities/store.entity';
import { LINK_FIELDS, STORE_WITH_LINK, storeWithLink } from './account-rows';
import { selectList, setList } from './row-columns';

/** `state` only moves through {@link StoreAccountLink.transition}. */
const WRITABLE = LINK_FIELDS.filter((f) => f !== 'storeId' && f !== 'state' && f !== 'updatedAt');
const JSON_FIELDS = ['teams', 'steps', 'warnings'];

export type LinkRecord = Omit<ChatwootAccountLink, 'store'>;
export type LinkFields = Partial<Omit<LinkRecord, 'storeId' | 'state' | 'updatedAt'>>;

/** One store's Chatwoot account link (`chatwoot_accounts`). */
export class StoreAccountLink {
  constructor(private readonly sql: StoreSql) {}

  get(): Promise<LinkRecord | null> {
    return this.sql.one<LinkRecord>(`select ${selectList(LINK_FIELDS)} from chatwoot_accounts where store_id = $1`);
  }

  async state(): Promise<ChatwootAccountState | null> {
    return (
      (await this.sql.one<{ state: ChatwootAccountState }>('select state from chatwoot_accounts where store_id = $1'))?.state ??
      null
    );
  }

  async create(steps: ProvisioningStep[]): Promise<void> {
    await this.sql.execute(`insert into chatwoot_accounts (store_id, state, steps, teams) values ($1, 'pending', $2, '{}')`, [
      JSON.stringify(steps),
    ]);
  }

  /** Writes the given fields (never `state`). */
  async update(fields: LinkFields): Promise<void> {
    const set = setList(fields, WRITABLE, JSON_FIELDS, 2);
    if (!set.sql) return;
    await this.sql.execute(`update chatwoot_accounts set ${set.sql}, updated_at = now() where store_id = $1`, set.params);
  }

  /** Writes everything the link object holds but `state`. */
  persist(link: LinkRecord | ChatwootAccountLink): Promise<void> {
    const fields: Record<string, unknown> = {};
    for (const field of WRITABLE) fields[field] = (link as unknown as Record<string, unknown>)[field] ?? null;
    return this.update(fields as LinkFields);
  }

  /**
   * Compare-and-set on the state, so a concurrent DELETE (state `deleting`) is never overwritten;
   * `fields` are written in the same statement (never seen apart from the new state).
   */
  async transition(from: ChatwootAccountState[], to: ChatwootAccountState, fields: LinkFields = {}): Promise<boolean> {
    const set = setList(fields, WRITABLE, JSON_FIELDS, 4);
    const { affected } = await this.sql.execute(
      `update chatwoot_accounts set state = $3, ${set.sql ? `${set.sql}, ` : ''}updated_at = now()
        where store_id = $1 and state = any($2::text[])`,
      [from, to, ...set.params],
    );
    return affected > 0;
  }

  /** A failed store goes back to provisioning (with its error cleared); true when it was failed. */
  async retryFailed(): Promise<boolean> {
    const { affected } = await this.sql.execute(
      `update chatwoot_accounts set state = 'provisioning', last_error = null, updated_at = now()
        where store_id = $1 and state = 'failed'`,
    );
    return affected > 0;
  }
}

@Injectable()
export class AccountLinkRepository extends StoreScopedRepository<StoreAccountLink> {
  constructor(@InjectDataSource() db: DataSource) {
    super(db);
  }

  protected scoped(sql: StoreSql): StoreAccountLink {
    return new StoreAccountLink(sql);
  }
}

/**
 * Cross-store reads of account links: fan-out lists by state and the lookups that find a store
 * from what Chatwoot or a browser presents (account id, website token, context token hash).
 */
@Injectable()
export class AccountLinkScanRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async storeIdsIn(states: ChatwootAccountState[], notUpdatedSince?: Date): Promise<string[]> {
    const rows = await rowsOf<{ storeId: string }>(
      this.db,
      `select store_id as "storeId" from chatwoot_accounts
        where state = any($1::text[]) and ($2::timestamptz is null or updated_at < $2) order by store_id`,
      [states, notUpdatedSince ?? null],
    );
    return rows.map((row) => row.storeId);
  }

  /** The store (with its link) whose link has `field = value`. */
  async storeBy(field: 'accountId' | 'websiteToken' | 'contextTokenHash', value: number | string): Promise<Store | null> {
    const column = { accountId: 'account_id', websiteToken: 'website_token', contextTokenHash: 'context_token_hash' }[field];
    const [row] = await rowsOf(
      this.db,
      `select ${STORE_WITH_LINK} from chatwoot_accounts l join stores s on s.id = l.store_id where l.${column} = $1`,
      [value],
    );
    return row ? storeWithLink(row) : null;
  }
}
