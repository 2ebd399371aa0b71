import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { AccountLinkRepository } from '../accounts/account-link.repository';
import { ContactLinkRepository } from '../contacts/contact-link.repository';
import { CustomersRepository } from '../contacts/customers.repository';
import { NotificationRepository } from '../notifications/notification.repository';
import { ChatAttributionRepository } from '../tracking/chat-attribution.repository';
import { ConversationRepository } from '../webhooks/conversation.repository';
import { StoreScopedRepository } from './store-scope';

/** Every repository of the service, wherever it sits under src/. */
const repositoryFiles = (readdirSync(join(__dirname, '..'), { recursive: true }) as string[])
  .filter((file) => file.endsWith('.repository.ts'))
  .map((file) => join(__dirname, '..', file));

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
  // @ts-expect-error conversations neither
  void new ConversationRepository(db).get(1);
  // @ts-expect-error nor a store's account link (its state machine included)
  void new AccountLinkRepository(db).transition(['active'], 'suspended');
  // @ts-expect-error forStore wants the store id
  void links.forStore();
  return links.forStore('store-a').byContact(1);
}

describe('tenant repositories', () => {
  it('expose nothing but forStore: their queries live on the store-bound view', () => {
    const db = {} as DataSource;
    for (const Repo of [
      ContactLinkRepository,
      CustomersRepository,
      NotificationRepository,
      ChatAttributionRepository,
      ConversationRepository,
      AccountLinkRepository,
    ]) {
      const repo = new Repo(db);
      expect(repo).toBeInstanceOf(StoreScopedRepository);
      expect(Object.getOwnPropertyNames(Object.getPrototypeOf(repo)).sort()).toEqual(['constructor', 'scoped']);
      expect(() => repo.forStore('')).toThrow(/store id/);
    }
  });

  it('every repository is store-scoped, or a cross-store class named for what it does', () => {
    expect(repositoryFiles.length).toBeGreaterThan(30);
    const unscoped = repositoryFiles.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/export class (\w+Repository)\b(?! extends StoreScopedRepository)/g)].map(
        (m) => m[1],
      ),
    );
    // Cross-store by nature: fan-out scans over every store's account link, the drain's batch of
    // many stores' conversations, the delivery queue (intake batches and fair claims across
    // stores) and its operator view (replay by id), a batch job's lease on a run (by run id),
    // schedule and retention scans, and calendar arithmetic that touches no table.
    expect(unscoped.sort()).toEqual([
      'AccountLinkScanRepository',
      'ConversationBatchRepository',
      'ConversionPeriodRepository',
      'DeliveryAdminRepository',
      'DeliveryQueueRepository',
      'SyncRunLeaseRepository',
      'SyncScheduleScanRepository',
      'TrackingRetentionScanRepository',
    ]);
  });
});
