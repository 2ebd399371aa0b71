import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type FrameLocator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeChatwoot, type FakeChatwoot } from '../fake-chatwoot';
import { eventually } from '../support/eventually';
import { browserTestsEnabled, launchChromium } from '../support/headless-chromium';
import { seedStore, type SeededStore } from '../support/seed-store';
import { startTestApp, type TestApp } from '../support/test-app';
import { item, PRODUCTS, putProduct, seedCustomer } from '../e2e/context/context-fixtures';
import { hostPage, startChatwootProxy } from './panel-harness';

const enabled = browserTestsEnabled('dashboard app browser test');

describe.skipIf(!enabled)('dashboard app in headless Chromium', () => {
  let fake: FakeChatwoot;
  let proxy: { server: Server; url: string };
  const pages = new Map<string, string>();
  let t: TestApp;
  let store: SeededStore;
  let contactId: number;
  let conversationId: number;
  let browser: Browser;
  let page: Page;
  let app: FrameLocator;

  beforeAll(async () => {
    fake = await startFakeChatwoot();
    proxy = await startChatwootProxy(fake, pages);
    // The service reaches Chatwoot's API on one origin (the fake) while agents load the dashboard
    // from another (the proxy, standing in for Chatwoot's public FRONTEND_URL).
    t = await startTestApp({ fake, env: { CHATWOOT_URL: fake.url, CHATWOOT_FRONTEND_URL: proxy.url } });
    store = await seedStore(t, { name: 'Tea Shop' });
    for (const [productId, category, price] of PRODUCTS) {
      await putProduct(t, store.storeId, { productId, name: `Product ${productId}`, category, price });
    }
    contactId = await seedCustomer(t, store, {
      customerId: 'alice',
      name: 'Alice <b>Example</b>',
      email: 'alice@example.test',
      orders: [
        {
          orderId: 'A-1001',
          totalAmount: 30_000,
          placedAt: new Date(Date.now() - 40 * 86_400_000).toISOString(),
          items: [item('green', 'Tea', 1_000, 30)],
        },
        {
          orderId: 'A-1002',
          totalAmount: 25_000,
          placedAt: new Date(Date.now() - 10 * 86_400_000).toISOString(),
          items: [item('green', 'Tea', 1_000, 25)],
        },
      ],
      cart: [item('cup', 'Cups', 800, 2)],
    });
    const conversation = t.fake.state.createConversation(
      store.accountId,
      { contactId, inboxId: store.inboxId },
      { silent: true },
    );
    conversationId = conversation.display_id;
    const appContext = {
      conversation: {
        id: conversationId,
        account_id: store.accountId,
        inbox_id: store.inboxId,
        meta: { sender: { id: contactId } },
      },
      contact: { id: contactId, name: 'Alice <b>Example</b>', email: 'alice@example.test' },
      currentAgent: { id: 4242, name: 'Dana Agent', email: 'dana@example.test' },
    };
    pages.set('/host.html', hostPage(`${t.url}/dashboard-app?token=${encodeURIComponent(store.contextToken)}`, appContext));

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 420, height: 1500 }, colorScheme: 'light' });
    await page.goto(`${proxy.url}/host.html`);
    app = page.frameLocator('#app');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await new Promise<void>((resolve) => (proxy ? proxy.server.close(() => resolve()) : resolve()));
    await fake?.close();
  });

  it('shows the customer at a glance from the appContext Chatwoot posts', async () => {
    await expect.poll(() => app.locator('#customer-name').textContent(), { timeout: 15_000 }).toBe('Alice <b>Example</b>');
    // Escaped text, not markup.
    expect(await app.locator('#customer-name b').count()).toBe(0);
    expect(await app.locator('#tier').textContent()).toBe('Gold');
    const orders = await app.locator('#orders').textContent();
    expect(orders).toContain('#A-1002');
    expect(orders).toContain('#A-1001');
    expect(await app.locator('#cart').textContent()).toContain('2 × Product cup');
    await expect.poll(() => app.locator('#insights svg.chart g.bar').count(), { timeout: 10_000 }).toBe(12);
    await expect.poll(() => app.locator('#recommendations').textContent(), { timeout: 10_000 }).toContain('Product oolong');
    expect(
      await page.evaluate(() => (window as unknown as { fetchInfoRequests: number }).fetchInfoRequests),
    ).toBeGreaterThanOrEqual(1);
  });

  it('creates a discount code after a confirmation step, and shows the API error message when over the cap', async () => {
    await app.locator('#discount-open').click();
    await app.locator('#discount-type').selectOption('percent');
    await app.locator('#discount-value').fill('10');
    await app.locator('#discount-submit').click();
    expect(await app.locator('#discount-message').textContent()).toContain('Create a code for 10% off?');
    await app.locator('#discount-confirm').click();
    await expect.poll(() => app.locator('#discount-code').textContent(), { timeout: 10_000 }).toMatch(/^TEAS-[A-Z2-9]{12}$/);
    const code = (await app.locator('#discount-code').textContent())!;
    const conversation = t.fake.state.getConversation(store.accountId, conversationId);
    expect(
      t.fake.state
        .messagesOf(conversation)
        .some((m) => m.private && m.content?.includes(code) && m.content.includes('Dana Agent')),
    ).toBe(true);

    await app.locator('#discount-value').fill('50');
    await app.locator('#discount-submit').click();
    await app.locator('#discount-confirm').click();
    await expect.poll(() => app.locator('#discount-error').textContent(), { timeout: 10_000 }).toContain('at most 20% off');
  });

  it('escalates after a confirmation step (seen on the fake Chatwoot)', async () => {
    await app.locator('#escalate-open').click();
    await app.locator('#escalate-reason').fill('Angry about a late delivery');
    await app.locator('#escalate-submit').click();
    await app.locator('#escalate-confirm').click();
    await expect.poll(() => app.locator('#escalate-done').textContent(), { timeout: 10_000 }).toContain('Escalated');
    await eventually(() => {
      const conversation = t.fake.state.getConversation(store.accountId, conversationId);
      expect(conversation.priority).toBe('urgent');
      expect(conversation.label_list).toContain('escalated');
      expect(conversation.team_id).toEqual(expect.any(Number));
      expect(
        t.fake.state.messagesOf(conversation).some((m) => m.private && m.content?.includes('Angry about a late delivery')),
      ).toBe(true);
    });
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/dashboard-app.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = await app.locator('body').evaluate((body) => getComputedStyle(body).backgroundColor);
    expect(background).toBe('rgb(17, 24, 39)');
    await page.screenshot({ path: 'test-results/dashboard-app-dark.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('ignores appContext messages from any origin but Chatwoot', async () => {
    // A second page on another origin frames nothing (CSP) — so post from the app's own origin instead.
    const other = await browser.newPage();
    await other.goto(`${t.url}/dashboard-app?token=${encodeURIComponent(store.contextToken)}`);
    await other.evaluate((ctx) => window.postMessage(JSON.stringify({ event: 'appContext', data: ctx }), '*'), {
      conversation: { id: conversationId, account_id: store.accountId },
      contact: { id: contactId },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await other.locator('#customer-name').count()).toBe(0);
    expect(await other.locator('#status').textContent()).toMatch(/Open this page from Chatwoot/);
    await other.close();
  });

  it("ignores appContext posted from Chatwoot's API origin when the dashboard is on another one", async () => {
    expect(new URL(fake.url).origin).not.toBe(new URL(proxy.url).origin);
    const other = await browser.newPage();
    const contextCalls: string[] = [];
    other.on('request', (request) => {
      if (request.url().includes('/v1/context/')) contextCalls.push(request.url());
    });
    // A page on the API origin framing the app. The CSP would already refuse that frame; it is
    // lifted here so that the page script's own origin check is what is tested.
    await other.route(`${fake.url}/api-origin-host.html`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: hostPage(`${t.url}/dashboard-app?token=${encodeURIComponent(store.contextToken)}`, {
          conversation: { id: conversationId, account_id: store.accountId, meta: { sender: { id: contactId } } },
          contact: { id: contactId },
        }),
      }),
    );
    await other.route(`${t.url}/dashboard-app?*`, async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['content-security-policy'];
      await route.fulfill({ response, headers });
    });
    try {
      await other.goto(`${fake.url}/api-origin-host.html`);
      // The app ran inside the frame and asked for the context; the host answered at once.
      await expect
        .poll(() => other.evaluate(() => (window as unknown as { fetchInfoRequests: number }).fetchInfoRequests))
        .toBeGreaterThanOrEqual(1);
      const frame = other.frames().find((f) => f !== other.mainFrame())!;
      // A message the app posts to itself now is handled after the host's answer: a barrier
      // (bounded, so a page that went on loading fails the assertions below instead of hanging).
      await frame.evaluate(() =>
        Promise.race([
          new Promise<void>((resolve) => {
            window.addEventListener('message', (event) => event.data === 'test-barrier' && resolve());
            window.postMessage('test-barrier', '*');
          }),
          new Promise<void>((resolve) => setTimeout(resolve, 3_000)),
        ]),
      );
      // Read without waiting for the element: a page that accepted the context has replaced it.
      expect(await frame.evaluate(() => document.getElementById('status')?.textContent ?? null)).toMatch(
        /Waiting for the conversation/,
      );
      expect(await frame.locator('#customer-name').count()).toBe(0);
      expect(contextCalls).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('cannot be framed by another origin (CSP frame-ancestors)', async () => {
    const evil = createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<iframe id="app" src="${t.url}/dashboard-app?token=${store.contextToken}"></iframe>`),
    );
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const other = await browser.newPage();
    try {
      await other.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      await new Promise((r) => setTimeout(r, 1_000));
      const frame = other.frames().find((f) => f !== other.mainFrame());
      const text = frame ? await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '') : '';
      expect(text).not.toMatch(/Waiting for the conversation|Loading customer/);
    } finally {
      await other.close();
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
  });
});
