import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually';
import { browserTestsEnabled, launchChromium } from '../support/headless-chromium';
import { seedStore, type SeededStore } from '../support/seed-store';
import { startTestApp, type TestApp } from '../support/test-app';

const enabled = browserTestsEnabled('tracking browser test');

/**
 * Stands in for the Chatwoot widget SDK: the same window CustomEvents, and a `$chatwoot` that
 * records the attribute calls tracker.js makes.
 */
const FAKE_SDK = `
  window.$chatwoot = {
    hasLoaded: false,
    calls: [],
    setConversationCustomAttributes: function (a) { this.calls.push(['conversation', a]); },
    setCustomAttributes: function (a) { this.calls.push(['contact', a]); },
  };
  window.fakeChatwoot = {
    emit: function (name, detail) {
      if (name === 'chatwoot:ready') window.$chatwoot.hasLoaded = true;
      window.dispatchEvent(new CustomEvent(name, { detail: detail === undefined ? null : detail }));
    },
  };`;

function page(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Test shop</title></head><body>${body}</body></html>`;
}

describe.skipIf(!enabled)('tracker.js in headless Chromium', () => {
  let t: TestApp;
  let store: SeededStore;
  let shop: Server;
  let shopUrl: string;
  let deadPort: number;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    // A port that was just free and is closed again: nothing answers there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    deadPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));

    shop = createServer((req, res) => {
      const tracker = (extra = '') =>
        `<script src="${t.url}/tracker.js" data-website-token="${store.websiteToken}" ${extra} async></script>`;
      const pages: Record<string, string> = {
        '/': page(`
          <script>${FAKE_SDK}</script>
          <div class="product" data-chatwoot-product-id="sku-1">Blue mug</div>
          ${tracker('data-customer-id="cust-browser"')}
          <script>window.pageScriptRan = true;</script>`),
        '/second': page(`<script>${FAKE_SDK}</script>${tracker('data-customer-id="cust-browser"')}`),
        // The service is unreachable: the script loads from the app but posts to a dead port, with
        // sendBeacon refusing so the fetch fallback (and its rejection) is exercised too.
        '/dead-endpoint': page(`
          <script>${FAKE_SDK} navigator.sendBeacon = function () { return false; };</script>
          <div data-chatwoot-product-id="sku-dead"></div>
          ${tracker(`data-endpoint="http://127.0.0.1:${deadPort}"`)}
          <script>window.pageScriptRan = true; setTimeout(function () { document.body.dataset.later = 'yes'; }, 50);</script>`),
        // The service is down altogether: even tracker.js does not load.
        '/dead-script': page(`
          <script>${FAKE_SDK}</script>
          <script src="http://127.0.0.1:${deadPort}/tracker.js" data-website-token="x" async></script>
          <script>window.pageScriptRan = true;</script>`),
      };
      const html = pages[(req.url ?? '/').split('?')[0]];
      res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(html ?? 'not found');
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    store = await seedStore(t, { websiteUrl: shopUrl });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (shop ? shop.close(resolve) : resolve(undefined)));
    await t?.close();
  });

  function watchErrors(p: Page): string[] {
    const errors: string[] = [];
    p.on('pageerror', (error) => errors.push(error.message));
    return errors;
  }

  async function trackerReady(p: Page): Promise<void> {
    await p.waitForFunction(() => Boolean((window as any).chatwootTracker?.loaded));
  }

  it('records the widget, page and product events of a visit and ties the conversation to the session', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    const errors = watchErrors(p);
    await p.goto(`${shopUrl}/?utm_source=newsletter`);
    await trackerReady(p);

    await p.waitForTimeout(150);
    await p.evaluate(() => {
      const w = window as any;
      w.chatwootTracker.productView('sku-2');
      w.chatwootTracker.productView('sku-2'); // once per page
      w.fakeChatwoot.emit('chatwoot:ready');
      w.fakeChatwoot.emit('chatwoot:opened');
      w.fakeChatwoot.emit('chatwoot:on-start-conversation', { hasConversation: false });
      w.fakeChatwoot.emit('chatwoot:on-message', { id: 1, message_type: 0, content: 'Is this mug dishwasher safe?' });
      w.fakeChatwoot.emit('chatwoot:on-message', { id: 1, message_type: 0, content: 'edited' }); // update: not a new message
      w.fakeChatwoot.emit('chatwoot:on-message', { id: 2, message_type: 1, content: 'Yes it is!' });
      w.fakeChatwoot.emit('chatwoot:on-message', { id: 3, message_type: 2, content: 'Assigned to Ana' }); // activity
      w.fakeChatwoot.emit('chatwoot:closed');
      w.fakeChatwoot.emit('chatwoot:error', { message: 'setUser failed' });
    });
    const sessionId = await p.evaluate(() => (window as any).chatwootTracker.sessionId() as string);
    const calls = await p.evaluate(() => (window as any).$chatwoot.calls as [string, Record<string, string>][]);
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(calls.length).toBeGreaterThanOrEqual(1);
    expect(calls.every(([kind, attrs]) => kind === 'conversation' && attrs.bridge_session_id === sessionId)).toBe(true);
    const cookies = await context.cookies(shopUrl);
    expect(cookies.find((c) => c.name === 'cwb_sid')?.value).toBe(sessionId);

    // Leaving the page flushes the batch (pagehide → sendBeacon); the next page keeps the session.
    await p.goto(`${shopUrl}/second`);
    await trackerReady(p);
    expect(await p.evaluate(() => (window as any).chatwootTracker.sessionId())).toBe(sessionId);
    await p.evaluate(() => (window as any).chatwootTracker.flush());

    const db = t.get(DataSource);
    const rows = await eventually(async () => {
      const found = (await db.query(
        'select type, url, product_id, load_time_ms, customer_id from tracking_events where store_id = $1 and session_id = $2 order by id',
        [store.storeId, sessionId],
      )) as {
        type: string;
        url: string | null;
        product_id: string | null;
        load_time_ms: number | null;
        customer_id: string | null;
      }[];
      expect(found.filter((r) => r.type === 'page_view')).toHaveLength(2);
      return found;
    }, 15_000);

    const count = (type: string) => rows.filter((r) => r.type === type).length;
    expect(rows.filter((r) => r.type === 'page_view').map((r) => r.url)).toEqual([`${shopUrl}/`, `${shopUrl}/second`]);
    expect(rows.filter((r) => r.type === 'product_view').map((r) => r.product_id)).toEqual(['sku-1', 'sku-2']);
    expect(count('widget_loaded')).toBe(1);
    const loadTime = rows.find((r) => r.type === 'widget_loaded')!.load_time_ms!;
    expect(loadTime).toBeGreaterThanOrEqual(150);
    expect(loadTime).toBeLessThan(120_000);
    expect(count('widget_opened')).toBe(1);
    expect(count('conversation_started')).toBe(1);
    expect(count('message_sent')).toBe(1);
    expect(count('message_received')).toBe(1);
    expect(count('widget_closed')).toBe(1);
    expect(rows.every((r) => r.customer_id === 'cust-browser')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('never breaks the page when the service cannot be reached', async () => {
    for (const path of ['/dead-endpoint', '/dead-script']) {
      const context = await browser.newContext();
      const p = await context.newPage();
      const errors = watchErrors(p);
      await p.goto(`${shopUrl}${path}`);
      expect(await p.evaluate(() => (window as any).pageScriptRan), path).toBe(true);
      if (path === '/dead-endpoint') {
        await trackerReady(p);
        await p.evaluate(() => {
          const w = window as any;
          w.fakeChatwoot.emit('chatwoot:ready');
          w.fakeChatwoot.emit('chatwoot:opened');
          w.chatwootTracker.flush();
        });
        await p.waitForFunction(() => (window as any).chatwootTracker.state.failed > 0);
        expect(await p.evaluate(() => document.body.dataset.later)).toBe('yes');
        // The tracker still did its page-side work.
        const calls = await p.evaluate(() => (window as any).$chatwoot.calls.length);
        expect(calls).toBeGreaterThan(0);
      } else {
        await p.waitForTimeout(300);
        expect(await p.evaluate(() => (window as any).chatwootTracker)).toBeUndefined();
      }
      expect(errors, path).toEqual([]);
      await context.close();
    }
    const stored = await t.get(DataSource).query("select 1 from tracking_events where product_id = 'sku-dead'");
    expect(stored).toEqual([]);
  }, 60_000);
});
