import 'reflect-metadata';
import { createApp } from '../src/app.factory';
import { DEV_SECRETS, loadConfig } from '../src/config/app-config';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/database/embedded-postgres';
import { startFakeChatwoot } from '../test/fake-chatwoot';

/**
 * `npm run demo`: the whole flow on one machine. Starts a fake Chatwoot and the service (on the
 * embedded database unless DATABASE_URL is set), provisions a demo store, loads customers, orders
 * and a cart, plays a conversation through signed webhooks, and prints the URLs to open.
 */
const PORT = Number(process.env.PORT ?? 3000);
const BASE = `http://127.0.0.1:${PORT}`;
// The same development key `npm start` uses, so the printed URLs work with one header.
const KEY = DEV_SECRETS.PLATFORM_API_KEY;
const STORE = 'demo-store';

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function step(text: string): void {
  console.log(`\n▶ ${text}`);
}

async function main(): Promise<void> {
  step('starting the fake Chatwoot');
  const fake = await startFakeChatwoot({ port: Number(process.env.FAKE_CHATWOOT_PORT ?? 3001) });
  console.log(`  fake Chatwoot at ${fake.url}`);

  let embedded: EmbeddedPostgresHandle | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    step('starting the embedded PostgreSQL (.data/demo)');
    embedded = await startEmbeddedPostgres({ dataDir: '.data/demo', database: `demo_${Date.now()}` });
    databaseUrl = embedded.url;
  }
  const config = loadConfig({
    PORT: String(PORT),
    DATABASE_URL: databaseUrl,
    CHATWOOT_URL: fake.url,
    CHATWOOT_PLATFORM_TOKEN: fake.platformToken,
    PLATFORM_API_KEY: KEY,
    PUBLIC_URL: BASE,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    JOBS_POLL_SECONDS: '0.5',
  });
  const app = await createApp(config);
  await app.listen({ port: PORT, host: '0.0.0.0' });
  console.log(`  service at ${BASE}`);

  step('provisioning the demo store (PUT /v1/stores/demo-store)');
  await api('PUT', `/v1/stores/${STORE}`, {
    name: 'Demo Outdoor Shop',
    slug: 'demo-outdoor',
    email: 'owner@demo-outdoor.example',
    websiteUrl: 'https://demo-outdoor.example',
    locale: 'nl-NL',
    timezone: 'Europe/Amsterdam',
    currency: 'EUR',
    status: 'active',
    branding: { color: '#0f766e', welcomeTitle: 'Hoi!', welcomeTagline: 'We reply within minutes' },
  });
  const store = await until('the Chatwoot account', async () => {
    const s = await api('GET', `/v1/stores/${STORE}`);
    for (const st of s.chatwoot.steps ?? []) if (st.state === 'failed') throw new Error(`step ${st.name} failed: ${st.error}`);
    return s.chatwoot.state === 'active' ? s : null;
  });
  console.log(
    `  Chatwoot account ${store.chatwoot.accountId}, inbox ${store.chatwoot.inboxId}, steps: ${store.chatwoot.steps.map((s: any) => s.name).join(' → ')}`,
  );

  step('loading products, a customer with orders, and a cart');
  const products = [
    { id: 'tent-2p', name: 'Trail tent 2p', category: 'Tents', price: 24900 },
    { id: 'bag-0c', name: 'Down bag 0°C', category: 'Sleeping bags', price: 18900 },
    { id: 'stove', name: 'Gas stove', category: 'Cooking', price: 4900 },
    { id: 'mug', name: 'Titanium mug', category: 'Cooking', price: 2900 },
    { id: 'lamp', name: 'Head lamp', category: 'Lighting', price: 3900 },
  ];
  for (const p of products)
    await api('PUT', `/v1/stores/${STORE}/products/${p.id}`, {
      name: p.name,
      category: p.category,
      price: p.price,
      inStock: true,
    });
  const now = Date.now();
  const day = 86_400_000;
  await api('PUT', `/v1/stores/${STORE}/customers/cust-1`, {
    email: 'anna@example.com',
    name: 'Anna de Vries',
    phone: '+31612345678',
    language: 'nl',
    marketingConsent: true,
    registeredAt: new Date(now - 400 * day).toISOString(),
    updatedAt: new Date(now).toISOString(),
  });
  const orders = [
    { id: 'o-1', daysAgo: 300, items: [products[0], products[2]] },
    { id: 'o-2', daysAgo: 180, items: [products[1]] },
    { id: 'o-3', daysAgo: 40, items: [products[0], products[1], products[3]] },
    { id: 'o-4', daysAgo: 10, items: [products[0], products[1]] },
  ];
  for (const o of orders) {
    const items = o.items.map((p) => ({ productId: p.id, name: p.name, category: p.category, quantity: 1, unitPrice: p.price }));
    await api('PUT', `/v1/stores/${STORE}/orders/${o.id}`, {
      customerId: 'cust-1',
      status: 'delivered',
      currency: 'EUR',
      totalAmount: items.reduce((sum, i) => sum + i.unitPrice, 0),
      placedAt: new Date(now - o.daysAgo * day).toISOString(),
      updatedAt: new Date(now - o.daysAgo * day).toISOString(),
      items,
    });
  }
  await api('PUT', `/v1/stores/${STORE}/customers/cust-1/cart`, {
    items: [{ productId: 'lamp', name: 'Head lamp', category: 'Lighting', quantity: 2, unitPrice: 3900 }],
    updatedAt: new Date(now).toISOString(),
  });
  const accountId: number = store.chatwoot.accountId;
  const contact = await until('the Chatwoot contact with synced attributes', async () => {
    const c = fake.state.contactsOf(accountId).find((x) => x.identifier === 'cust-1');
    const attributes = (c?.custom_attributes ?? {}) as Record<string, unknown>;
    return c && attributes.order_count === orders.length && attributes.current_cart_items === 2 ? c : null;
  });
  console.log(`  contact ${contact.id}: ${JSON.stringify(contact.custom_attributes)}`);

  step('playing a conversation through signed webhooks');
  const agent = fake.state.createAgent(accountId, {
    name: 'Sam Agent',
    email: `sam+${Date.now()}@demo.example`,
    role: 'agent',
    inboxIds: [store.chatwoot.inboxId],
  });
  const conversation = fake.state.createConversation(accountId, { contactId: contact.id, inboxId: store.chatwoot.inboxId });
  fake.state.addMessage(accountId, conversation.display_id, {
    content: 'Hi, does the tent fit two people with bags?',
    messageType: 'incoming',
  });
  await new Promise((r) => setTimeout(r, 1500));
  fake.state.addMessage(accountId, conversation.display_id, {
    content: 'Yes! Plenty of room. Want a discount on the lamp?',
    messageType: 'outgoing',
    senderUserId: agent.id,
  });
  await fake.flushWebhooks();
  console.log(`  conversation #${conversation.display_id}; ${fake.deliveries.length} webhooks delivered so far`);

  const dashboardApp = [...fake.state.dashboardApps.values()].find((d) => d.account_id === accountId);
  const frameUrl = String(dashboardApp?.content?.[0]?.url ?? `${BASE}/dashboard-app`);
  step('open these');
  console.log(`  Swagger UI          ${BASE}/docs`);
  console.log(`  Dashboard app       ${frameUrl}`);
  console.log(`     (it waits for Chatwoot's appContext; the context API for this contact is`);
  console.log(`      ${BASE}/v1/context/accounts/${accountId}/contacts/${contact.id} with the token above as x-context-token)`);
  console.log(`  Store status        ${BASE}/v1/stores/${STORE}  (Authorization: Bearer ${KEY})`);
  console.log(`  Conversation stats  ${BASE}/v1/stores/${STORE}/analytics/conversations  (same header)`);
  console.log(`  Metrics             ${BASE}/metrics  (no credentials)`);
  console.log(`  Fake Chatwoot       ${fake.url}/__fake/requests`);
  console.log('\nCtrl-C to stop.');

  const stop = async () => {
    await app.close().catch(() => undefined);
    await fake.close();
    await embedded?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  if (process.env.DEMO_EXIT === '1') await stop();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
