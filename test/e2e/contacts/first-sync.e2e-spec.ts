import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../support/eventually';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('first contact sync after provisioning', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('syncs customers stored before the account existed as soon as it is provisioned', async () => {
    const created = await t.request('PUT', '/v1/stores/early-bird', {
      body: {
        name: 'Early Bird',
        slug: 'early-bird',
        email: 'owner@early.example',
        websiteUrl: 'https://early.example',
        locale: 'en',
        timezone: 'Europe/Amsterdam',
        currency: 'EUR',
        status: 'active',
      },
    });
    expect(created.status).toBe(202);
    const customer = await t.request('PUT', '/v1/stores/early-bird/customers/c-1', {
      body: {
        email: 'first@early.example',
        name: 'First Customer',
        marketingConsent: false,
        registeredAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
    });
    expect(customer.status).toBe(200);

    const accountId = await eventually(async () => {
      const store = await t.request('GET', '/v1/stores/early-bird');
      expect(store.body.chatwoot.state).toBe('active');
      return store.body.chatwoot.accountId as number;
    }, 20_000);
    const contact = await eventually(() => {
      const found = t.fake.state.contactsOf(accountId).find((c) => c.identifier === 'c-1');
      expect(found?.custom_attributes).toMatchObject({ customer_tier: 'Bronze', order_count: 0 });
      return found!;
    }, 20_000);
    expect(contact.email).toBe('first@early.example');
  }, 60_000);
});
