import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountLinkRepository, AccountLinkScanRepository } from '../../../src/accounts/account-link.repository';
import { StoreRepository } from '../../../src/accounts/store.repository';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('accounts repositories', () => {
  let t: TestApp;
  let a: SeededStore;
  let b: SeededStore;

  beforeAll(async () => {
    t = await startTestApp();
    a = await seedStore(t);
    b = await seedStore(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('moves the state only from the expected states, writing its fields in the same statement, for one store only', async () => {
    const links = t.get(AccountLinkRepository);
    expect(await links.forStore(a.storeId).transition(['deleting'], 'deleted', { websiteToken: null })).toBe(false);
    expect((await links.forStore(a.storeId).get())?.websiteToken).toBe(a.websiteToken);

    expect(await links.forStore(a.storeId).transition(['active'], 'suspended', { lastError: 'paused', teams: { vip: 9 } })).toBe(
      true,
    );
    expect(await links.forStore(a.storeId).get()).toMatchObject({ state: 'suspended', lastError: 'paused', teams: { vip: 9 } });
    expect(await links.forStore(b.storeId).get()).toMatchObject({ state: 'active', lastError: null });
    expect(await t.get(AccountLinkScanRepository).storeIdsIn(['suspended'])).toEqual([a.storeId]);
  });

  it('never writes the state through persist, and keeps jsonb arrays as JSON', async () => {
    const links = t.get(AccountLinkRepository).forStore(b.storeId);
    const link = (await links.get())!;
    await links.persist({ ...link, state: 'deleted', steps: [{ name: 'inbox', state: 'done' }], warnings: [] });
    expect(await links.get()).toMatchObject({ state: 'active', steps: [{ name: 'inbox', state: 'done' }], warnings: [] });
  });

  it('finds a store with its link by what Chatwoot presents, and reads a store through its own scope', async () => {
    const found = await t.get(AccountLinkScanRepository).storeBy('accountId', b.accountId);
    expect(found).toMatchObject({ id: b.storeId, chatwoot: { storeId: b.storeId, accountId: b.accountId } });
    expect(await t.get(StoreRepository).forStore('no-such-store').get()).toBeNull();
    await t
      .get(StoreRepository)
      .forStore(b.storeId)
      .update({ settings: { lowCsatThreshold: 3 } });
    expect((await t.get(StoreRepository).forStore(b.storeId).get())?.settings).toEqual({ lowCsatThreshold: 3 });
    expect((await t.get(StoreRepository).forStore(a.storeId).get())?.settings).toEqual({});
  });
});
