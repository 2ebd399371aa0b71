import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../src/accounts/entities/store.entity';
import { ContactLinkService } from '../../../src/contacts/contact-link.service';
import { CustomerDataService } from '../../../src/contacts/customer-data.service';
import { JobQueue } from '../../../src/jobs/job-queue.service';
import { MetricsService } from '../../../src/observability/metrics.service';
import type { RecordedRequest } from '../../fake-chatwoot';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

const CART_KEYS = ['cart_products', 'current_cart_items', 'current_cart_value'];

describe('contacts: ingestion, attributes and sync to Chatwoot', () => {
  let t: TestApp;
  let s: SeededStore;
  let data: CustomerDataService;
  let clock = Date.parse('2024-06-01T00:00:00Z');
  /** A fresh, strictly increasing `updatedAt`. */
  const next = () => new Date((clock += 1000)).toISOString();

  const customer = (overrides: Record<string, unknown> = {}) => ({
    email: 'ann@example.test',
    name: 'Ann Example',
    phone: '+31612345678',
    language: 'nl',
    marketingConsent: true,
    registeredAt: '2024-01-15T10:00:00Z',
    updatedAt: next(),
    ...overrides,
  });
  const item = (productId: string, category: string, quantity: number, unitPrice: number) => ({
    productId,
    name: `Product ${productId}`,
    category,
    quantity,
    unitPrice,
  });
  const order = (customerId: string, overrides: Record<string, unknown> = {}) => ({
    customerId,
    status: 'paid',
    currency: 'EUR',
    totalAmount: 1000,
    placedAt: '2024-02-01T10:00:00Z',
    updatedAt: next(),
    items: [item('p1', 'tea', 1, 1000)],
    ...overrides,
  });
  const put = (path: string, body: unknown) => t.request('PUT', `/v1/stores/${s.storeId}${path}`, { body });

  const contactsOf = () => t.fake.state.contactsOf(s.accountId);
  const contactFor = (customerId: string) => contactsOf().find((c) => c.identifier === customerId);
  const contactWrites = (): RecordedRequest[] =>
    t.fake.requests.filter((r) => r.accountId === s.accountId && /\/contacts/.test(r.path) && r.method !== 'GET');
  const syncIdle = () =>
    eventually(async () => {
      expect(await t.get(JobQueue).pending('contacts.sync')).toBe(0);
    }, 15_000);
  const metric = async (line: RegExp) => {
    const text = await t.get(MetricsService).registry.metrics();
    const match = text.split('\n').find((l) => line.test(l));
    return match ? Number(match.split(' ').pop()) : 0;
  };

  beforeAll(async () => {
    t = await startTestApp();
    s = await seedStore(t);
    data = t.get(CustomerDataService);
  });
  afterAll(() => t?.close());

  it('rejects an unknown store, a bad body and a missing key', async () => {
    const unknown = await t.request('PUT', '/v1/stores/no-such-store/customers/c1', { body: customer() });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('STORE_NOT_FOUND');
    const bad = await put('/customers/c1', { ...customer(), marketingConsent: 'yes', extra: 1 });
    expect(bad.status).toBe(400);
    const badOrder = await put('/orders/o1', order('c1', { status: 'lost', totalAmount: 12.5 }));
    expect(badOrder.status).toBe(400);
    const noAuth = await t.request('PUT', `/v1/stores/${s.storeId}/customers/c1`, { body: customer(), auth: null });
    expect(noAuth.status).toBe(401);
  });

  it('computes attributes from mixed order statuses and out-of-order updates', async () => {
    expect((await put('/customers/mix', customer({ email: 'mix@example.test' }))).body).toEqual({ applied: true });
    // Latest order first, then an older one: last_order_date must still be the latest.
    await put(
      '/orders/m-late',
      order('mix', { placedAt: '2024-03-01T09:00:00Z', totalAmount: 15_000, items: [item('p2', 'pots', 3, 5000)] }),
    );
    await put(
      '/orders/m-early',
      order('mix', { placedAt: '2024-01-20T09:00:00Z', totalAmount: 10_000, items: [item('p1', 'tea', 4, 2500)] }),
    );
    await put(
      '/orders/m-cancelled',
      order('mix', { status: 'cancelled', totalAmount: 50_000, items: [item('p9', 'gold', 50, 1000)] }),
    );
    await put('/orders/m-refunded', order('mix', { status: 'refunded', totalAmount: 30_000, placedAt: '2024-05-01T09:00:00Z' }));
    // A refund arrives, then the stale "paid" version of the same order: the stale one is ignored.
    const v2 = next();
    const v1 = next();
    await put('/orders/m-flip', order('mix', { status: 'refunded', totalAmount: 99_000, updatedAt: v1 }));
    const stale = await put('/orders/m-flip', order('mix', { status: 'paid', totalAmount: 99_000, updatedAt: v2 }));
    expect(stale.body).toEqual({ applied: false, reason: expect.stringContaining('Ignored as stale') });
    // The same version twice is a no-op too.
    const same = await put('/orders/m-flip', order('mix', { status: 'paid', totalAmount: 99_000, updatedAt: v1 }));
    expect(same.body).toEqual({ applied: false, reason: expect.stringContaining('Ignored as stale') });

    const attrs = await data.getAttributes(s.storeId, 'mix');
    expect(attrs).toMatchObject({
      order_count: 2,
      total_spent: '€250.00',
      average_order_value: '€125.00',
      customer_tier: 'Silver',
      support_priority: 'normal',
      last_order_date: '2024-03-01',
      registration_date: '2024-01-15',
      preferred_language: 'nl',
      favorite_categories: 'tea, pots',
      purchase_frequency: 'every ~41 days',
      marketing_consent: true,
      current_cart_items: 0,
    });
    expect((await data.getOrder(s.storeId, 'm-flip'))?.status).toBe('refunded');
  });

  it('the first sync creates the contact with every attribute', async () => {
    // Every order change asks for a (debounced) sync, so an early sync may show an earlier last
    // order; the contact must end up with all of the attributes as they are now.
    const expected = await data.getAttributes(s.storeId, 'mix');
    await eventually(() => expect(contactFor('mix')?.custom_attributes).toEqual(expected), 15_000);
    const contact = contactFor('mix')!;
    expect(contact.email).toBe('mix@example.test');
    expect(contact.phone_number).toBe('+31612345678');
    expect(contactsOf().filter((c) => c.identifier === 'mix')).toHaveLength(1);
    expect((await data.findCustomerByContactId(s.storeId, contact.id))?.customerId).toBe('mix');
  });

  it('an update that changes nothing makes zero Chatwoot calls', async () => {
    await syncIdle();
    const unchangedBefore = await metric(/^contacts_synced_total\{result="unchanged"\}/);
    t.fake.resetRequests();
    // A replay (same version) is not applied; a newer version with the same data is, and syncs nothing.
    const body = customer({ email: 'mix@example.test' });
    expect((await put('/customers/mix', body)).body).toEqual({ applied: true });
    expect((await put('/customers/mix', body)).body).toMatchObject({ applied: false });
    await eventually(async () => {
      expect(await metric(/^contacts_synced_total\{result="unchanged"\}/)).toBeGreaterThan(unchangedBefore);
    }, 15_000);
    await syncIdle();
    expect(t.fake.countRequests({ accountId: s.accountId })).toBe(0);
  });

  it('a cart change sends only the cart attributes', async () => {
    t.fake.resetRequests();
    await put('/customers/mix/cart', { items: [item('p3', 'cups', 2, 750), item('p4', 'cups', 1, 1200)], updatedAt: next() });
    await eventually(() => expect(contactWrites()).toHaveLength(1), 15_000);
    const [write] = contactWrites();
    expect(write.method).toBe('PUT');
    expect(write.path).toBe(`/api/v1/accounts/${s.accountId}/contacts/${contactFor('mix')!.id}`);
    const body = write.body as { custom_attributes: Record<string, unknown> };
    expect(Object.keys(body)).toEqual(['custom_attributes']);
    expect(Object.keys(body.custom_attributes).sort()).toEqual(CART_KEYS);
    expect(body.custom_attributes).toEqual({
      current_cart_value: '€27.00',
      current_cart_items: 3,
      cart_products: 'Product p3, Product p4',
    });
    expect(await data.hasNonEmptyCart(s.storeId, 'mix')).toBe(true);
  });

  it('recognises our own contact_updated echo', async () => {
    await syncIdle();
    const links = t.get(ContactLinkService);
    const contact = contactFor('mix')!;
    expect(await links.isEcho(s.storeId, contact.id, { ...contact.custom_attributes, agent_note: 'x' })).toBe(true);
    expect(await links.isEcho(s.storeId, contact.id, { ...contact.custom_attributes, customer_tier: 'Platinum' })).toBe(false);
    expect(await links.isEcho(s.storeId, 999_999, contact.custom_attributes)).toBe(false);
  });

  it('links an existing contact with the same email instead of duplicating it', async () => {
    const existing = t.fake.state.createContact(
      s.accountId,
      { name: 'Widget visitor', email: 'dup@example.test' },
      { silent: true },
    );
    await put('/customers/dup', customer({ email: 'DUP@example.test', phone: undefined, name: 'Dee Duplicate' }));
    await eventually(
      () => expect(t.fake.state.contacts.get(existing.id)?.custom_attributes.customer_tier).toBe('Bronze'),
      15_000,
    );
    const withEmail = contactsOf().filter((c) => c.email === 'dup@example.test');
    expect(withEmail).toHaveLength(1);
    expect(withEmail[0].identifier).toBe('dup');
    await eventually(async () => expect((await data.getCustomer(s.storeId, 'dup'))?.contactId).toBe(existing.id));
  });

  it('finds the existing contact behind a full page of near matches (Chatwoot search is a paged substring match)', async () => {
    // 16 contacts whose e-mail contains the customer's, found first by `email ILIKE %q%`, then the exact one.
    for (let i = 0; i < 16; i++) {
      t.fake.state.createContact(s.accountId, { name: `Near ${i}`, email: `x${i}page@example.test` }, { silent: true });
    }
    const existing = t.fake.state.createContact(
      s.accountId,
      { name: 'Page visitor', email: 'page@example.test' },
      { silent: true },
    );
    await put('/customers/paged', customer({ email: 'page@example.test', phone: undefined, name: 'Paige' }));
    await eventually(
      () => expect(t.fake.state.contacts.get(existing.id)?.custom_attributes.customer_tier).toBe('Bronze'),
      15_000,
    );
    expect(t.fake.state.contacts.get(existing.id)?.identifier).toBe('paged');
    expect(contactsOf().filter((c) => c.email === 'page@example.test')).toHaveLength(1);
    const pages = t.fake.requests.filter(
      (r) => r.accountId === s.accountId && r.path.endsWith('/contacts/search') && r.query.q === 'page@example.test',
    );
    expect(pages.map((r) => String(r.query.page))).toEqual(['1', '2']);
  });

  it('recreates a contact deleted in Chatwoot', async () => {
    await syncIdle();
    const old = contactFor('dup')!;
    t.fake.state.deleteContact(s.accountId, old.id);
    await put('/customers/dup', customer({ email: 'dup@example.test', phone: undefined, name: 'Dee Renamed' }));
    await eventually(() => expect(contactFor('dup')?.name).toBe('Dee Renamed'), 15_000);
    expect(contactFor('dup')!.id).not.toBe(old.id);
    expect(contactFor('dup')!.custom_attributes.customer_tier).toBe('Bronze');
  });

  it('links a widget contact by identifier and counts conversations', async () => {
    await syncIdle();
    const links = t.get(ContactLinkService);
    expect(await links.linkContact(s.storeId, 4242, { identifier: 'nobody', email: 'nobody@example.test' })).toBeNull();
    expect(await links.linkContact(s.storeId, contactFor('mix')!.id, { email: 'MIX@example.test' })).toBe('mix');
    await links.noteConversation(s.storeId, 'mix');
    await eventually(() => expect(contactFor('mix')?.custom_attributes.previous_conversations).toBe(1), 15_000);
  });

  it('merges a duplicate contact into the primary and moves the link', async () => {
    await put('/customers/mer', customer({ email: 'mer@example.test', phone: undefined }));
    await eventually(() => expect(contactFor('mer')).toBeDefined(), 15_000);
    await syncIdle();
    const duplicate = contactFor('mer')!;
    // The contact exists in Chatwoot a moment before the sync records the link: merge only after.
    await eventually(async () => expect((await data.getCustomer(s.storeId, 'mer'))?.contactId).toBe(duplicate.id), 15_000);
    const primary = t.fake.state.createContact(s.accountId, { name: 'Primary', phone_number: '+31600000001' }, { silent: true });
    const res = await t.request('POST', `/v1/stores/${s.storeId}/contacts/merge`, {
      body: { primaryContactId: primary.id, duplicateContactId: duplicate.id },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ primaryContactId: primary.id, duplicateContactId: duplicate.id, movedCustomerIds: ['mer'] });
    expect(t.fake.state.contacts.has(duplicate.id)).toBe(false);
    expect((await data.getCustomer(s.storeId, 'mer'))?.contactId).toBe(primary.id);
    const audit = await t.get(DataSource).query('select * from contact_merges where store_id = $1', [s.storeId]);
    expect(audit).toHaveLength(1);
    expect(audit[0].customer_ids).toEqual(['mer']);
    await eventually(() => expect(t.fake.state.contacts.get(primary.id)?.identifier).toBe('mer'), 15_000);
    await eventually(() => expect(t.fake.state.contacts.get(primary.id)?.email).toBe('mer@example.test'), 15_000);

    const same = await t.request('POST', `/v1/stores/${s.storeId}/contacts/merge`, {
      body: { primaryContactId: primary.id, duplicateContactId: primary.id },
    });
    // Chatwoot would answer 200 with the contact and change nothing (ContactMergeAction returns
    // early); we refuse before calling it, so no audit record claims a merge that did not happen.
    expect(same.status).toBe(400);
    expect(same.body.code).toBe('SAME_CONTACT');
    expect(t.fake.requests.filter((r) => r.path.endsWith('/actions/contact_merge'))).toHaveLength(1);
    expect(await t.get(DataSource).query('select 1 from contact_merges where store_id = $1', [s.storeId])).toHaveLength(1);
    const gone = await t.request('POST', `/v1/stores/${s.storeId}/contacts/merge`, {
      body: { primaryContactId: primary.id, duplicateContactId: duplicate.id },
    });
    expect(gone.status).toBe(404);
  });

  it('erases a customer: contact deleted in Chatwoot, personal data gone, orders anonymised', async () => {
    await syncIdle();
    const contactId = contactFor('mix')!.id;
    const res = await t.request('DELETE', `/v1/stores/${s.storeId}/customers/mix`);
    expect(res.status).toBe(202);
    expect(res.body.state).toBe('pending');
    await eventually(async () => {
      const status = await t.request('GET', `/v1/stores/${s.storeId}/customers/mix/erasure`);
      expect(status.status).toBe(200);
      expect(status.body.state).toBe('done');
    }, 20_000);
    expect(t.fake.state.contacts.has(contactId)).toBe(false);
    expect(contactFor('mix')).toBeUndefined();
    expect(await data.getCustomer(s.storeId, 'mix')).toBeNull();
    const db = t.get(DataSource);
    expect(await db.query(`select 1 from carts where store_id = $1 and customer_id = 'mix'`, [s.storeId])).toEqual([]);
    expect(
      await db.query(`select count(*)::int as n from orders where store_id = $1 and customer_id = 'mix'`, [s.storeId]),
    ).toEqual([{ n: 0 }]);
    expect((await data.getOrder(s.storeId, 'm-late'))?.customerId).toBeNull();
    expect((await data.getOrder(s.storeId, 'm-late'))?.totalAmount).toBe(15_000);
    expect((await t.request('GET', `/v1/stores/${s.storeId}/customers/never/erasure`)).status).toBe(404);
  });

  it('stores data for a store without an active Chatwoot account and waits to sync', async () => {
    await t.get(DataSource).getRepository(Store).insert({
      id: 'no-account',
      name: 'No account',
      slug: 'no-account',
      email: 'owner@no-account.test',
      websiteUrl: 'https://no-account.test',
      locale: 'en',
      timezone: 'UTC',
      currency: 'USD',
      status: 'active',
      branding: {},
      notificationUrl: null,
      notificationSecretEnc: null,
      settings: {},
    });
    t.fake.resetRequests();
    const res = await t.request('PUT', '/v1/stores/no-account/customers/c1', { body: customer() });
    expect(res.body).toEqual({ applied: true });
    expect((await t.request('POST', '/v1/stores/no-account/contacts/sync')).status).toBe(409);
    await syncIdle();
    expect(t.fake.countRequests()).toBe(0);
    expect((await data.getAttributes('no-account', 'c1'))?.total_spent).toBe('$0.00');
  });

  it('keeps products and answers co-purchase questions', async () => {
    for (const [id, category, inStock] of [
      ['p1', 'tea', true],
      ['p2', 'pots', true],
      ['p5', 'tea', false],
    ] as const) {
      expect((await put(`/products/${id}`, { name: `Product ${id}`, category, price: 1000, inStock })).status).toBe(200);
    }
    await put('/customers/buyer', customer({ email: 'buyer@example.test' }));
    await put('/orders/b1', order('buyer', { items: [item('p1', 'tea', 1, 1000)] }));
    await put(
      '/orders/other1',
      order('dup', { items: [item('p1', 'tea', 1, 1000), item('p2', 'pots', 1, 1000), item('p5', 'tea', 1, 1000)] }),
    );
    const co = await data.coPurchasedProducts(s.storeId, 'buyer', 5);
    expect(co.map((c) => [c.product.productId, c.together, c.boughtWith?.productId])).toEqual([['p2', 1, 'p1']]);
    expect((await data.productsBoughtWith(s.storeId, ['p1'])).map((c) => c.product.productId)).toEqual(['p2']);
    expect((await data.listProducts(s.storeId, { inStock: true })).map((p) => p.productId)).toEqual(['p1', 'p2']);
  });
});
