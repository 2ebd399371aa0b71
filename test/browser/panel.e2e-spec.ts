import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Browser, Frame, FrameLocator, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeChatwoot, type FakeChatwoot } from '../fake-chatwoot';
import { startFakePlatform, type FakePlatform } from '../support/fake-platform';
import { item, PRODUCTS, putProduct, seedCustomer } from '../e2e/context/context-fixtures';
import { eventually } from '../support/eventually';
import { browserTestsEnabled, launchChromium } from '../support/headless-chromium';
import { seedStore, type SeededStore } from '../support/seed-store';
import { startTestApp, type TestApp } from '../support/test-app';
import { gate, hostPage, panelFrame, runAxe, startChatwootProxy } from './panel-harness';

const enabled = browserTestsEnabled('agent panel browser test');
const DAY = 86_400_000;
const SCREENSHOTS = 'test-results/panel';
const WAIT = 30_000;
/** The Tea Shop's order actions (settings.orderActions); tests that need other limits set them and put these back. */
const POLICY = {
  allowed: ['cancel', 'refund', 'resend_confirmation'],
  refundMaxPerAction: 10_000,
  refundMaxPerAgentPerDay: 50_000,
};

interface Traffic {
  /** GETs of the context (the panel's load and every refresh). */
  contextGets: number;
  /** The panel's POSTs to the order actions endpoint, with the status it got (real or simulated). */
  actionRequests: { orderId: string; body: any; status: number }[];
}

/** Watches what the panel asks the service; changes nothing. */
function watchTraffic(page: Page): Traffic {
  const traffic: Traffic = { contextGets: 0, actionRequests: [] };
  page.on('request', (request: Request) => {
    if (request.method() === 'GET' && CONTEXT_PATH.test(new URL(request.url()).pathname)) traffic.contextGets++;
  });
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (response.request().method() !== 'POST' || !ACTIONS_PATH.test(path)) return;
    traffic.actionRequests.push({
      orderId: decodeURIComponent(path.split('/').slice(-2)[0]),
      body: JSON.parse(response.request().postData() ?? '{}'),
      status: response.status(),
    });
  });
  return traffic;
}
const CONTEXT_PATH = /\/v1\/context\/accounts\/\d+\/contacts\/\d+$/;
const ACTIONS_PATH = /\/v1\/context\/accounts\/\d+\/contacts\/\d+\/orders\/[^/]+\/actions$/;

interface Panel {
  page: Page;
  app: FrameLocator;
  frame: Frame;
  traffic: Traffic;
}

// Generous limits: these wait for real pages on a shared two-core machine, they measure nothing.
describe.skipIf(!enabled)('agent panel (issue #15) in headless Chromium', { timeout: 120_000 }, () => {
  let fake: FakeChatwoot;
  let platform: FakePlatform;
  let proxy: { server: Server; url: string };
  const pages = new Map<string, string>();
  let t: TestApp;
  let tea: SeededStore;
  let thee: SeededStore;
  let alice: number;
  let bram: number;
  let currentConversation: number;
  let earlierConversation: number;
  let bramConversation: number;
  let browser: Browser;
  let hostCount = 0;

  const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString();
  /** Sent with the order upserts, as the platform sends them. */
  const shipped = {
    'A-1002': [
      {
        id: 'S-1',
        carrier: 'PostNL',
        trackingNumber: '3SABC123',
        trackingUrl: 'https://tracking.example.test/3SABC123',
        status: 'in_transit',
        shippedAt: daysAgo(9),
      },
    ],
    // No tracking URL (the upsert refuses one that is not http or https).
    'A-1001': [{ id: 'S-0', carrier: 'DHL', status: 'delivered', shippedAt: daysAgo(39), deliveredAt: daysAgo(37) }],
  };

  /**
   * The Tea Shop's orderActions settings. An action reads them fresh, but the context the panel
   * loads may come from a store remembered for up to STORE_LOOKUP_TTL_MS: wait until it shows them.
   */
  async function setPolicy(policy: Partial<typeof POLICY>): Promise<void> {
    const wanted = { ...POLICY, ...policy };
    const res = await t.request('PUT', `/v1/stores/${tea.storeId}/settings`, { body: { orderActions: wanted } });
    expect(res.status, res.text).toBe(200);
    await eventually(async () => {
      const context = await t.request('GET', `/v1/context/accounts/${tea.accountId}/contacts/${alice}`, {
        headers: { 'x-context-token': tea.contextToken },
      });
      expect(context.body.action_policy).toMatchObject({
        allowed: wanted.allowed,
        refund_max_per_action: wanted.refundMaxPerAction,
        refund_max_per_agent_per_day: wanted.refundMaxPerAgentPerDay,
      });
    }, 20_000);
  }
  /** What reached the fake platform for an order, from index `from` on. */
  const platformGot = (orderId: string, from = 0) => platform.received.slice(from).filter((r) => r.body?.orderId === orderId);

  beforeAll(async () => {
    fake = await startFakeChatwoot();
    proxy = await startChatwootProxy(fake, pages);
    platform = await startFakePlatform();
    // A hanging platform costs the panel this long before it answers "pending".
    t = await startTestApp({
      fake,
      env: { CHATWOOT_URL: fake.url, CHATWOOT_FRONTEND_URL: proxy.url, ORDER_ACTION_TIMEOUT_MS: '2000' },
    });
    tea = await seedStore(t, { name: 'Tea Shop', actionUrl: platform.url, settings: { orderActions: POLICY } });
    platform.trust(tea.storeId, tea.notificationSecret);
    thee = await seedStore(t, { name: 'Theewinkel', locale: 'nl-NL' });
    for (const store of [tea, thee]) {
      for (const [productId, category, price] of PRODUCTS) {
        await putProduct(t, store.storeId, { productId, name: `Product ${productId}`, category, price });
      }
    }
    alice = await seedCustomer(t, tea, {
      customerId: 'alice',
      name: 'Alice Example',
      email: 'alice@example.test',
      orders: [
        // Paid, so that the panel may cancel them as well as refund them.
        {
          orderId: 'A-1001',
          status: 'paid',
          totalAmount: 30_000,
          placedAt: daysAgo(40),
          items: [item('green', 'Tea', 1_000, 30)],
          shipments: shipped['A-1001'],
        },
        {
          orderId: 'A-1002',
          status: 'paid',
          shipments: shipped['A-1002'],
          totalAmount: 24_000,
          placedAt: daysAgo(10),
          items: [item('green', 'Tea', 1_000, 20), item('cup', 'Cups', 800, 5)],
        },
      ],
      cart: [item('cup', 'Cups', 800, 2)],
    });
    bram = await seedCustomer(t, thee, {
      customerId: 'bram',
      name: 'Bram de Vries',
      email: 'bram@example.test',
      registeredAt: '2025-10-27T10:00:00Z',
      orders: [{ orderId: 'B-2001', totalAmount: 30_000, placedAt: daysAgo(20), items: [item('oolong', 'Tea', 2_000, 15)] }],
    });
    // An earlier, resolved conversation and the current one, both seen through the webhooks.
    const earlier = t.fake.state.createConversation(tea.accountId, { contactId: alice, inboxId: tea.inboxId });
    t.fake.state.addMessage(tea.accountId, earlier.display_id, { messageType: 'incoming', content: 'Is oolong in stock?' });
    t.fake.state.setStatus(tea.accountId, earlier.display_id, 'resolved');
    earlierConversation = earlier.display_id;
    const current = t.fake.state.createConversation(tea.accountId, { contactId: alice, inboxId: tea.inboxId });
    t.fake.state.addMessage(tea.accountId, current.display_id, { messageType: 'incoming', content: 'Where is my parcel?' });
    currentConversation = current.display_id;
    bramConversation = t.fake.state.createConversation(thee.accountId, { contactId: bram, inboxId: thee.inboxId }).display_id;
    await t.fake.flushWebhooks();
    await eventually(async () => {
      const res = await t.request('GET', `/v1/context/accounts/${tea.accountId}/contacts/${alice}`, {
        headers: { 'x-context-token': tea.contextToken },
      });
      const ids = res.body.previous_conversations.map((c: { id: number }) => c.id);
      expect(ids).toContain(currentConversation);
      expect(ids).toContain(earlierConversation);
    }, 20_000);
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await platform?.close();
    await new Promise<void>((resolve) => (proxy ? proxy.server.close(() => resolve()) : resolve()));
    await fake?.close();
  });

  function appContextFor(
    store: SeededStore,
    contactId: number,
    conversationId: number,
    extra: { labels?: string[]; supportPriority?: string } = {},
  ) {
    return {
      conversation: {
        id: conversationId,
        account_id: store.accountId,
        inbox_id: store.inboxId,
        labels: extra.labels ?? [],
        priority: null,
        meta: { sender: { id: contactId } },
      },
      contact: {
        id: contactId,
        name: 'Contact',
        custom_attributes: extra.supportPriority ? { support_priority: extra.supportPriority } : {},
      },
      currentAgent: { id: 4242, name: 'Dana Agent', email: 'dana@example.test' },
    };
  }

  /** A Chatwoot window of `width` px whose sidebar gives the panel all of it. */
  async function openPanel(
    opts: {
      store?: SeededStore;
      contactId?: number;
      conversationId?: number;
      width?: number;
      scheme?: 'light' | 'dark';
      labels?: string[];
      supportPriority?: string;
      before?: (page: Page) => Promise<void>;
      waitFor?: 'customer' | 'none';
    } = {},
  ): Promise<Panel> {
    const store = opts.store ?? tea;
    const path = `/host-${++hostCount}.html`;
    pages.set(
      path,
      hostPage(
        `${t.url}/dashboard-app?token=${encodeURIComponent(store.contextToken)}`,
        appContextFor(store, opts.contactId ?? alice, opts.conversationId ?? currentConversation, opts),
        '100%',
      ),
    );
    const page = await browser.newPage({
      viewport: { width: opts.width ?? 400, height: 1500 },
      colorScheme: opts.scheme ?? 'light',
    });
    const traffic = watchTraffic(page);
    if (opts.before) await opts.before(page);
    await page.goto(`${proxy.url}${path}`);
    const app = page.frameLocator('#app');
    if (opts.waitFor !== 'none') {
      await app.locator('#customer-name').waitFor({ timeout: WAIT });
      await app.locator('#insights svg.chart').waitFor({ timeout: WAIT });
      // Insights and suggestions fill in after the first paint.
      for (const id of ['#insights', '#recommendations'])
        await expect.poll(() => app.locator(id).textContent(), { timeout: WAIT }).not.toMatch(/Loading…|Laden…/);
    }
    return { page, app, frame: await panelFrame(page), traffic };
  }

  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [400, 900]) {
      it(`meets WCAG AA (axe-core: no serious or critical violations) in ${scheme} at ${width} px`, async () => {
        const { page, app, frame } = await openPanel({
          width,
          scheme,
          labels: ['vip'],
          supportPriority: 'urgent',
        });
        try {
          // Everything an agent can open, so that its contrast and labels are checked too.
          await app.locator('#discount-open').click();
          await app.locator('#order-A-1002 button[data-action="refund"]').click();
          await app.locator('#churn-risk').waitFor();
          const { violations, passed } = await runAxe(frame);
          expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
          expect(passed).toContain('color-contrast');
          expect(passed).toContain('label');
          const main = await app.locator('#col-main').boundingBox();
          const side = await app.locator('#col-side').boundingBox();
          if (width >= 700) {
            // Two columns side by side using the sidebar's width.
            expect(side!.x).toBeGreaterThan(main!.x + main!.width - 1);
            expect(main!.width + side!.width).toBeGreaterThan(width * 0.8);
          } else {
            expect(side!.y).toBeGreaterThan(main!.y + main!.height - 1);
          }
          await page.screenshot({ path: `${SCREENSHOTS}/panel-${scheme}-${width}.png`, fullPage: true });
        } finally {
          await page.close();
        }
      });
    }
  }

  it('labels the spend chart with months and shows each month in the store money; one purchase frequency', async () => {
    const { page, app } = await openPanel();
    try {
      const bars = app.locator('#insights svg.chart g.bar');
      expect(await bars.count()).toBe(12);
      const labels = await app.locator('#insights svg.chart text.month').allTextContents();
      const now = new Date();
      const expected = Array.from({ length: 12 }, (_, i) =>
        new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11 + i, 1)).toLocaleDateString('en', {
          month: 'short',
          timeZone: 'UTC',
        }),
      );
      expect(labels).toEqual(expected);
      const titles = await app.locator('#insights svg.chart rect:not(.hit) title').allTextContents();
      expect(titles).toHaveLength(12);
      for (const title of titles) expect(title).toMatch(/^[A-Z][a-z]+ \d{4}: €[\d,]+\.\d{2}$/);
      // The month of A-1001 (€300.00) and of A-1002 (€240.00), whether they fall in one month or two.
      const spent = titles.map((x) => x.split(': ')[1]);
      expect(spent.includes('€540.00') || (spent.includes('€300.00') && spent.includes('€240.00'))).toBe(true);
      expect(titles.join('\n')).not.toMatch(/\d{4}-\d{2}: \d+/);

      const text = (await app.locator('body').textContent()) ?? '';
      expect(text.match(/every ~\d+ days?/g)).toHaveLength(1);
      expect(await app.locator('#frequency').textContent()).toContain('every ~30 days');
      expect(await app.locator('#churn').textContent()).toContain('10 days since the last order');
      expect(await app.locator('#spend-trend').textContent()).toMatch(/^Spent €540\.00 in the last 3 months/);
      expect(text).not.toContain('New spend');
    } finally {
      await page.close();
    }
  });

  it('shows a VIP / priority banner from the labels and support priority, and leaves the current conversation out of "previous"', async () => {
    const { page, app } = await openPanel({ labels: ['vip'], supportPriority: 'urgent' });
    try {
      const banner = await app.locator('#priority-banner').textContent();
      expect(banner).toContain('VIP customer');
      expect(banner).toContain('support priority: urgent');
      expect(banner).toContain('“vip”');
      expect(await app.locator('#priority-banner').getAttribute('class')).toContain('urgent');
      const previous = await app
        .locator('#conversations li')
        .evaluateAll((items) => items.map((li) => li.getAttribute('data-conversation')));
      expect(previous).toContain(String(earlierConversation));
      expect(previous).not.toContain(String(currentConversation));
    } finally {
      await page.close();
    }
    // A Silver customer in a plain conversation gets no banner.
    const plain = await openPanel({ store: thee, contactId: bram, conversationId: bramConversation });
    try {
      expect(await plain.app.locator('#priority-banner').count()).toBe(0);
    } finally {
      await plain.page.close();
    }
  });

  it('refreshes after an escalation and a discount; submit buttons are disabled in flight and after success', async () => {
    const held = gate();
    const { page, app, traffic } = await openPanel({
      before: (p) =>
        p.route(
          (url) => url.pathname.endsWith('/escalate'),
          async (route) => {
            await held.wait;
            await route.continue();
          },
        ),
    });
    try {
      expect(await app.locator('#escalations').count()).toBe(0);
      const loadsBefore = traffic.contextGets;
      await app.locator('#escalate-open').click();
      await app.locator('#escalate-reason').fill('Parcel is two weeks late');
      await app.locator('#escalate-submit').click();
      await app.locator('#escalate-confirm').click();
      // In flight: neither the confirm nor the form's submit can send it again.
      expect(await app.locator('#escalate-confirm').isDisabled()).toBe(true);
      expect(await app.locator('#escalate-submit').isDisabled()).toBe(true);
      held.release();
      await app.locator('#escalate-done').waitFor({ timeout: WAIT });
      // Refreshed without a reload: the escalation is listed, and the submit stays disabled.
      await expect.poll(() => app.locator('#escalations').textContent(), { timeout: WAIT }).toContain('Parcel is two weeks late');
      expect(traffic.contextGets).toBeGreaterThan(loadsBefore);
      expect(await app.locator('#escalate-done').count()).toBe(1);
      expect(await app.locator('#escalate-submit').isDisabled()).toBe(true);

      await app.locator('#discount-open').click();
      expect(await app.locator('label[for="discount-type"]').textContent()).toBe('Discount type');
      expect(await app.locator('label[for="discount-value"]').textContent()).toBe('Value');
      // The caps are visible before anything is exceeded.
      expect(await app.locator('#discount-caps').textContent()).toBe(
        'This store allows up to 20% or €25.00 off per code; 0 of 10 codes used by you today.',
      );
      const beforeDiscount = traffic.contextGets;
      await app.locator('#discount-value').fill('5');
      await app.locator('#discount-submit').click();
      await app.locator('#discount-confirm').click();
      await app.locator('#discount-code').waitFor({ timeout: WAIT });
      await expect.poll(() => traffic.contextGets, { timeout: WAIT }).toBeGreaterThan(beforeDiscount);
      await expect.poll(() => app.locator('#discount-caps').textContent(), { timeout: WAIT }).toContain('1 of 10 codes');
      expect(await app.locator('#discount-submit').isDisabled()).toBe(true);
      // A new value is a new request: the form takes it again.
      await app.locator('#discount-value').fill('6');
      expect(await app.locator('#discount-submit').isDisabled()).toBe(false);
    } finally {
      await page.close();
    }
  });

  it('says in plain words that Chatwoot is unreachable, with a Retry that loads the customer', async () => {
    let failing: 'chatwoot' | 'network' | null = 'chatwoot';
    const { page, app } = await openPanel({
      waitFor: 'none',
      before: (p) =>
        p.route(
          (url) => /\/v1\/context\/accounts\/\d+\/contacts\/\d+$/.test(url.pathname),
          async (route) => {
            if (failing === 'chatwoot')
              return route.fulfill({
                status: 502,
                json: {
                  statusCode: 502,
                  code: 'CHATWOOT_ERROR',
                  message: 'Chatwoot contacts.get failed (503): Chatwoot circuit breaker is open; try again later',
                  requestId: 'r-1',
                },
              });
            if (failing === 'network') return route.abort('connectionrefused');
            return route.fallback();
          },
        ),
    });
    try {
      await expect
        .poll(() => app.locator('#status').textContent(), { timeout: WAIT })
        .toBe('Chatwoot is not answering right now, so this could not be done. Try again in a moment.');
      const text = (await app.locator('body').textContent()) ?? '';
      expect(text).not.toMatch(/circuit|contacts\.get|503|502/);
      failing = 'network';
      await app.locator('#retry').click();
      await expect
        .poll(() => app.locator('#status').textContent(), { timeout: WAIT })
        .toBe('The customer service cannot be reached right now. Check your connection and try again.');
      failing = null;
      await app.locator('#retry').click();
      await expect.poll(() => app.locator('#customer-name').textContent(), { timeout: WAIT }).toBe('Alice Example');
      expect(await app.locator('#retry').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it("speaks the store's language: Dutch labels, dates and money for an nl store", async () => {
    const { page, app, frame } = await openPanel({ store: thee, contactId: bram, conversationId: bramConversation });
    try {
      expect(await frame.evaluate(() => document.documentElement.lang)).toBe('nl');
      expect(await app.locator('#customer-since').textContent()).toBe(
        `Klant sinds ${new Date('2025-10-27T10:00:00Z').toLocaleDateString('nl-NL', { year: 'numeric', month: 'short', day: 'numeric' })}`,
      );
      const headings = await app.locator('h2').allTextContents();
      expect(headings).toEqual(
        expect.arrayContaining(['Kerncijfers', 'Winkelwagen', 'Recente bestellingen', 'Inzichten', 'Acties']),
      );
      const figures = (await app.locator('#figures').textContent()) ?? '';
      expect(figures).toContain('totaal besteed');
      const nlMoney = (major: number) => new Intl.NumberFormat('nl-NL', { style: 'currency', currency: 'EUR' }).format(major);
      expect(figures).toContain(nlMoney(300));
      expect(await app.locator('#orders').textContent()).toContain('bezorgd');
      expect(await app.locator('#churn').textContent()).toMatch(/^Vertrekrisico (laag|gemiddeld|hoog)/);
      const titles = await app.locator('#insights svg.chart rect:not(.hit) title').allTextContents();
      expect(titles.some((x) => x.endsWith(`: ${nlMoney(300)}`))).toBe(true);
      const english = /Key figures|total spent|Customer since|Recent orders|Insights|Churn risk|Actions|Discount code/;
      expect((await app.locator('body').textContent()) ?? '').not.toMatch(english);
      await app.locator('#discount-open').click();
      expect(await app.locator('label[for="discount-type"]').textContent()).toBe('Soort korting');
    } finally {
      await page.close();
    }
  });

  it('shows shipments on each order: carrier, status, dates and a tracking link opening in a new tab', async () => {
    const { page, app } = await openPanel();
    try {
      const shipment = app.locator('#order-A-1002 li.shipment');
      const text = (await shipment.textContent()) ?? '';
      expect(text).toContain('PostNL');
      expect(text).toContain('in transit');
      expect(text).toContain(
        `shipped ${new Date(shipped['A-1002'][0].shippedAt).toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' })}`,
      );
      const link = shipment.locator('a.tracking');
      expect(await link.getAttribute('href')).toBe('https://tracking.example.test/3SABC123');
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toContain('noopener');
      expect(await link.textContent()).toContain('Track 3SABC123');
      // A tracking URL that is not http(s) is never a link.
      const other = app.locator('#order-A-1001 li.shipment');
      expect(await other.textContent()).toContain('delivered');
      expect(await other.locator('a').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it('cancels an order after a confirmation naming the amount, shows the result and refreshes', async () => {
    await setPolicy({ allowed: ['cancel', 'refund'] });
    const { page, app, traffic } = await openPanel();
    const from = platform.received.length;
    try {
      // Only the allowed actions have buttons.
      expect(
        await app.locator('#order-A-1002 button[data-action]').evaluateAll((b) => b.map((x) => x.getAttribute('data-action'))),
      ).toEqual(['cancel', 'refund']);
      const listed = await app.locator('#order-actions li').count();
      const loads = traffic.contextGets;
      await app.locator('#order-A-1002 button[data-action="cancel"]').click();
      expect(await app.locator('#order-action-prompt').textContent()).toBe('Cancel order #A-1002 (€240.00)?');
      await app.locator('#order-action-confirm').click();
      await expect
        .poll(() => app.locator('#order-action-result').textContent(), { timeout: WAIT })
        .toBe('Done: Cancellation of order #A-1002 succeeded.');
      expect(traffic.actionRequests).toHaveLength(1);
      expect(traffic.actionRequests[0]).toMatchObject({ orderId: 'A-1002', status: 201 });
      expect(traffic.actionRequests[0].body).toMatchObject({ type: 'cancel', conversationId: currentConversation });
      expect(traffic.actionRequests[0].body.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      // The store's platform got one signed cancellation of that order.
      const sent = platformGot('A-1002', from);
      expect(sent).toHaveLength(1);
      expect(sent[0].signatureValid).toBe(true);
      expect(sent[0].outcome).toBe('succeed');
      expect(sent[0].body).toMatchObject({ type: 'order.cancel', storeId: tea.storeId, orderId: 'A-1002', amount: null });
      await expect.poll(() => traffic.contextGets, { timeout: WAIT }).toBeGreaterThan(loads);
      await expect.poll(() => app.locator('#order-actions li').count(), { timeout: WAIT }).toBe(listed + 1);
      expect(await app.locator('#order-actions').textContent()).toContain('Cancellation · #A-1002');
      // The result stays on screen after the refresh.
      expect(await app.locator('#order-action-result').count()).toBe(1);
    } finally {
      await page.close();
      await setPolicy({});
    }
  });

  it('refunds selected lines after a confirmation naming the amount, with the ceiling shown up front', async () => {
    const { page, app, traffic } = await openPanel();
    const from = platform.received.length;
    try {
      await app.locator('#order-A-1002 button[data-action="refund"]').click();
      expect(await app.locator('#refund-A-1002-caps').textContent()).toBe(
        'Refunds: at most €100.00 per refund and €500.00 per agent per day; you refunded €0.00 today.',
      );
      await app.getByLabel('Quantity of Product cup').fill('2');
      await app.getByLabel('Quantity of Product green').fill('3');
      await app.locator('#refund-A-1002-submit').click();
      expect(await app.locator('#order-action-prompt').textContent()).toBe('Refund €46.00 of order #A-1002?');
      await app.locator('#order-action-confirm').click();
      await expect
        .poll(() => app.locator('#order-action-result').textContent(), { timeout: WAIT })
        .toBe('Done: Refund €46.00 of order #A-1002 succeeded.');
      const asked = traffic.actionRequests[0].body;
      expect(asked.type).toBe('refund');
      expect(asked.amount).toBeUndefined();
      expect([...asked.lines].sort((a: any, b: any) => a.productId.localeCompare(b.productId))).toEqual([
        { productId: 'cup', quantity: 2 },
        { productId: 'green', quantity: 3 },
      ]);
      // The platform got the refund signed, for the amount of those lines at the order's prices.
      const sent = platformGot('A-1002', from);
      expect(sent).toHaveLength(1);
      expect(sent[0].signatureValid).toBe(true);
      expect(sent[0].body).toMatchObject({ type: 'order.refund', storeId: tea.storeId, amount: 4_600, currency: 'EUR' });
      expect([...sent[0].body.lines].sort((a: any, b: any) => a.productId.localeCompare(b.productId))).toEqual([
        { productId: 'cup', quantity: 2 },
        { productId: 'green', quantity: 3 },
      ]);
      // Refreshed: the action is listed and the caps count today's refund.
      await expect
        .poll(() => app.locator('#order-actions').textContent(), { timeout: WAIT })
        .toContain('Refund · #A-1002 · €46.00');
      expect(await app.locator('#refund-A-1002-caps').textContent()).toContain('you refunded €46.00 today');
    } finally {
      await page.close();
    }
  });

  it('refuses a refund over the ceiling and says why, naming the amount and the ceiling', async () => {
    const { page, app, traffic } = await openPanel();
    const from = platform.received.length;
    try {
      await app.locator('#order-A-1001 button[data-action="refund"]').click();
      await app.getByLabel('Amount in EUR').fill('150');
      await app.locator('#refund-A-1001-submit').click();
      expect(await app.locator('#order-action-prompt').textContent()).toBe('Refund €150.00 of order #A-1001?');
      expect(await app.locator('#order-action-warning').textContent()).toContain('more than the €100.00');
      await app.locator('#order-action-confirm').click();
      await expect
        .poll(() => app.locator('#order-action-error').textContent(), { timeout: WAIT })
        .toBe('Refused: €150.00 is more than the €100.00 a single refund may be.');
      expect(traffic.actionRequests.map((r) => [r.body.amount, r.status])).toEqual([[15_000, 422]]);
      // The service refused it itself: nothing reached the platform.
      expect(platform.received.slice(from)).toEqual([]);
      // A refusal is final: no Retry for it.
      expect(await app.locator('#order-action-retry').count()).toBe(0);
    } finally {
      await page.close();
    }
  });

  it("shows the platform's refusal, and a pending answer; Retry after an outage reuses the idempotency key", async () => {
    await setPolicy({ refundMaxPerAction: 50_000 });
    // The service is unreachable for the first refund request only (the one thing still simulated).
    let outage = true;
    const { page, app, traffic } = await openPanel({
      before: (p) =>
        p.route(
          (url) => ACTIONS_PATH.test(url.pathname),
          async (route) => {
            if (outage && JSON.parse(route.request().postData() ?? '{}').type === 'refund') {
              outage = false;
              return route.fulfill({
                status: 503,
                json: { statusCode: 503, code: 'UNAVAILABLE', message: 'pg pool exhausted', requestId: 'r-503' },
              });
            }
            return route.fallback();
          },
        ),
    });
    const from = platform.received.length;
    try {
      const listed = await app.locator('#order-actions li').count();
      platform.script({ kind: 'reject', message: 'Order already left the warehouse' }, { kind: 'hang' });
      await app.locator('#order-A-1002 button[data-action="resend_confirmation"]').click();
      expect(await app.locator('#order-action-prompt').textContent()).toBe('Resend the confirmation of order #A-1002?');
      await app.locator('#order-action-confirm').click();
      await expect
        .poll(() => app.locator('#order-action-result').textContent(), { timeout: WAIT })
        .toBe('The shop refused: Order already left the warehouse');

      await app.locator('#order-A-1001 button[data-action="cancel"]').click();
      await app.locator('#order-action-confirm').click();
      await expect.poll(() => app.locator('#order-action-result').getAttribute('data-status'), { timeout: WAIT }).toBe('pending');
      expect(await app.locator('#order-action-result').textContent()).toContain('has not answered yet');

      await app.locator('#order-A-1001 button[data-action="refund"]').click();
      await app.locator('#refund-A-1001-submit').click();
      expect(await app.locator('#order-action-prompt').textContent()).toBe('Refund €300.00 of order #A-1001?');
      await app.locator('#order-action-confirm').click();
      await expect
        .poll(() => app.locator('#order-action-error').textContent(), { timeout: WAIT })
        .toBe('The customer service is temporarily unavailable. Try again in a moment.');
      await app.locator('#order-action-retry').click();
      await expect
        .poll(() => app.locator('#order-action-result').getAttribute('data-status'), { timeout: WAIT })
        .toBe('succeeded');
      const refunds = traffic.actionRequests.filter((r) => r.body.type === 'refund');
      expect(refunds.map((r) => r.status)).toEqual([503, 201]);
      expect(refunds[1].body.idempotencyKey).toBe(refunds[0].body.idempotencyKey);
      // Each confirmation dialog has its own key.
      const keys = new Set(traffic.actionRequests.map((r) => r.body.idempotencyKey));
      expect(keys.size).toBe(3);

      // At the platform, all signed: the refused resend, the unanswered cancel, and one refund of the whole order.
      const sent = platform.received.slice(from);
      expect(sent.every((r) => r.signatureValid)).toBe(true);
      const first = (type: string) => sent.find((r) => r.body?.type === type);
      expect(first('order.resend_confirmation')).toMatchObject({ outcome: 'reject', body: { orderId: 'A-1002' } });
      expect(first('order.cancel')).toMatchObject({ outcome: 'hang', body: { orderId: 'A-1001' } });
      const refunded = sent.filter((r) => r.body?.type === 'order.refund');
      expect(refunded).toHaveLength(1);
      expect(refunded[0].body).toMatchObject({ orderId: 'A-1001', amount: 30_000, currency: 'EUR' });
      await expect.poll(() => app.locator('#order-actions li').count(), { timeout: WAIT }).toBe(listed + 3);
    } finally {
      await page.close();
      await setPolicy({});
    }
  });
});
