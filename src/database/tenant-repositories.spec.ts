import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { ContactLinkRepository } from '../contacts/contact-link.repository';
import { CustomersRepository } from '../contacts/customers.repository';
import { NotificationRepository } from '../notifications/notification.repository';
import { ChatAttributionRepository } from '../tracking/chat-attribution.repository';
import { StoreScopedRepository } from './store-scope';

/** Modules already on the one data-access shape (the rest are listed in eslint.config.mjs). */
const MODULES = ['contacts', 'tracking', 'notifications', 'context'];

const repositoryFiles = MODULES.flatMap((module) =>
  readdirSync(join(__dirname, '..', module))
    .filter((file) => file.endsWith('.repository.ts'))
    .map((file) => join(__dirname, '..', module, file)),
);

/** Never called: it only has to compile, and the compiler has to refuse each marked line. */
export function tenantQueriesNeedAStore(db: DataSource) {
  const links = new ContactLinkRepository(db);
  // @ts-expect-error a tenant repository has no queries of its own: only forStore(storeId) has them
  void links.byContact(1);
  // @ts-expect-error nor does it take the store id as an argument
  void links.forCustomers('store-a', ['c1']);
  // @ts-expect-error customers neither
  void new CustomersRepository(db).get('c1');
  // @ts-expect-error notifications neither
  void new NotificationRepository(db).get('n1');
  // @ts-expect-error attributions neither
  void new ChatAttributionRepository(db).get('o1');
  // @ts-expect-error forStore wants the store id
  void links.forStore();
  return links.forStore('store-a').byContact(1);
}

describe('tenant repositories', () => {
  it('expose nothing but forStore: their queries live on the store-bound view', () => {
    const db = {} as DataSource;
    for (const Repo of [ContactLinkRepository, CustomersRepository, NotificationRepository, ChatAttributionRepository]) {
      const repo = new Repo(db);
      expect(repo).toBeInstanceOf(StoreScopedRepository);
      expect(Object.getOwnPropertyNames(Object.getPrototypeOf(repo)).sort()).toEqual(['constructor', 'scoped']);
      expect(() => repo.forStore('')).toThrow(/store id/);
    }
  });

  it('every repository of these modules is store-scoped, or a cross-store class named for what it does', () => {
    const unscoped = repositoryFiles.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/export class (\w+Repository)\b(?! extends StoreScopedRepository)/g)].map(
        (m) => m[1],
      ),
    );
    // Cross-store by nature: a batch job's lease on a run (by run id), schedule and retention
    // scans over all stores, and calendar arithmetic that touches no table.
    expect(unscoped.sort()).toEqual([
      'ConversionPeriodRepository',
      'SyncRunLeaseRepository',
      'SyncScheduleScanRepository',
      'TrackingRetentionScanRepository',
    ]);
  });
});
