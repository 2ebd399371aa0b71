import { expect } from 'vitest';
import type { FakeChatwoot } from '../../fake-chatwoot';
import { eventually } from '../../support/eventually';
import type { TestApp } from '../../support/test-app';

export function storeBody(storeId: string, overrides: Record<string, unknown> = {}) {
  return {
    name: `Shop ${storeId}`,
    slug: storeId.toLowerCase().replace(/[^a-z0-9-]/g, '-'),
    email: `support@${storeId.toLowerCase()}.example.test`,
    websiteUrl: `https://${storeId.toLowerCase()}.example.test`,
    locale: 'nl-NL',
    timezone: 'Europe/Amsterdam',
    currency: 'EUR',
    status: 'active',
    branding: { color: '#112233', welcomeTitle: 'Hallo!', welcomeTagline: 'We helpen je graag' },
    ...overrides,
  };
}

export async function waitForState(t: TestApp, storeId: string, state: string, timeoutMs = 20_000) {
  return eventually(async () => {
    const res = await t.request('GET', `/v1/stores/${storeId}`);
    expect(res.status).toBe(200);
    expect(res.body.chatwoot.state).toBe(state);
    return res.body;
  }, timeoutMs);
}

export async function createStore(t: TestApp, storeId: string, overrides: Record<string, unknown> = {}) {
  const res = await t.request('PUT', `/v1/stores/${storeId}`, { body: storeBody(storeId, overrides) });
  expect(res.status).toBe(202);
  return waitForState(t, storeId, 'active');
}

/** Everything the fake holds for one account, to assert counts. */
export function accountObjects(fake: FakeChatwoot, accountId: number) {
  const of = <T extends { account_id: number }>(map: Map<number, T>) =>
    [...map.values()].filter((row) => row.account_id === accountId);
  return {
    account: fake.state.accounts.get(accountId),
    accountUsers: of(fake.state.accountUsers),
    inboxes: of(fake.state.inboxes),
    webhooks: of(fake.state.webhooks),
    dashboardApps: of(fake.state.dashboardApps),
    definitions: of(fake.state.customAttributeDefinitions),
    teams: of(fake.state.teams),
    labels: of(fake.state.labels),
  };
}

export function accountsOfStore(fake: FakeChatwoot, storeId: string) {
  return [...fake.state.accounts.values()].filter((a) => a.custom_attributes.store_bridge_store_id === storeId);
}
