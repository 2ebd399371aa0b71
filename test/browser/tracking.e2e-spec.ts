import { createHmac } from 'node:crypto';
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
 * records the calls tracker.js makes and keeps the conversation's custom attributes as Chatwoot
 * does (v4.15.1): without a conversation, setConversationCustomAttributes only merges into the
 * pending attributes (widget store `conversation/actions.js` setCustomAttributes →
 * `setPendingCustomAttributes`), which the first message creates the conversation with
 * (`api/v1/widget/base_controller.rb` conversation_params); with one, it REPLACES the whole hash
 * (`api/v1/widget/conversations_controller.rb` set_custom_attributes: `update!(custom_attributes:)`).
 * setUser refuses what the SDK refuses (entrypoints/sdk.js).
 * `window.fakeChatwootConversation` (set before this runs) is a conversation the widget already has.
 */
const FAKE_SDK = `
  window.$chatwoot = {
    hasLoaded: false,
    calls: [],
    pending: {},
    conversation: window.fakeChatwootConversation || null,
    setConversationCustomAttributes: function (a) {
      this.calls.push(['conversation', a]);
      if (!this.conversation) this.pending = Object.assign({}, this.pending, a);
      else this.conversation.custom_attributes = Object.assign({}, a);
    },
    setCustomAttributes: function (a) { this.calls.push(['contact', a]); },
    setUser: function (identifier, user) {
      if (typeof identifier !== 'string' && typeof identifier !== 'number') throw new Error('Identifier should be a string or a number');
      if (!user || !(user.avatar_url || user.email || user.name)) throw new Error('User object should have one of the keys [avatar_url, email, name]');
      this.calls.push(['user', identifier, user]);
    },
  };
  window.fakeChatwoot = {
    emit: function (name, detail) {
      if (name === 'chatwoot:ready') window.$chatwoot.hasLoaded = true;
      window.dispatchEvent(new CustomEvent(name, { detail: detail === undefined ? null : detail }));
    },
    /** The visitor sends a message: the first one creates the conversation with the pending attributes. */
    visitorWrites: function (id, content) {
      var cw = window.$chatwoot;
      if (!cw.conversation) {
        cw.conversation = { custom_attributes: Object.assign({}, cw.pending) };
        cw.pending = {};
      }
      this.emit('chatwoot:on-message', { id: id, message_type: 0, content: content });
    },
    /** An agent (or the pre-chat form, or an automation) sets a key on the conversation. */
    agentSets: function (key, value) {
      window.$chatwoot.conversation.custom_attributes[key] = value;
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
  /** Data attributes the storefront's server rendered for a signed-in customer (from the widget-identity endpoint). */
  let identityAttributes = '';

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
        '/anon': page(`<script>${FAKE_SDK}</script>${tracker()}`),
        // A page where the widget already has a conversation with pre-chat and agent keys.
        '/returning': page(`
          <script>window.fakeChatwootConversation = { custom_attributes: { prechat_topic: 'returns', agent_flag: 'vip' } };</script>
          <script>${FAKE_SDK}</script>${tracker()}`),
        '/identified': page(`<script>${FAKE_SDK}</script>${tracker(identityAttributes)}`),
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

  it('never replaces the conversation custom attributes: the session id is set only while no conversation exists', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    const errors = watchErrors(p);
    await p.goto(`${shopUrl}/anon`);
    await trackerReady(p);
    const sessionId = await p.evaluate(() => (window as any).chatwootTracker.sessionId() as string);
    await p.evaluate(() => {
      const w = window as any;
      w.fakeChatwoot.emit('chatwoot:ready');
      w.fakeChatwoot.emit('chatwoot:opened');
      w.fakeChatwoot.emit('chatwoot:on-start-conversation', { hasConversation: false });
      w.fakeChatwoot.visitorWrites(1, 'Does it come in blue?');
    });
    // Pending until the first message: the conversation was created with the session id.
    expect(await p.evaluate(() => (window as any).$chatwoot.conversation.custom_attributes)).toEqual({
      bridge_session_id: sessionId,
    });
    await p.evaluate(() => {
      const w = window as any;
      w.fakeChatwoot.agentSets('order_issue', 'late delivery');
      w.fakeChatwoot.emit('chatwoot:on-message', { id: 2, message_type: 1, content: 'Let me check' });
      w.fakeChatwoot.visitorWrites(3, 'Thanks!');
      w.fakeChatwoot.emit('chatwoot:closed');
      w.fakeChatwoot.emit('chatwoot:opened');
      w.chatwootTracker.productView('sku-blue');
      history.pushState({}, '', '/anon?colour=blue');
      w.fakeChatwoot.emit('chatwoot:on-start-conversation', { hasConversation: true });
    });
    await p.waitForTimeout(50); // the history hook records the page view on a zero-delay timer
    expect(await p.evaluate(() => (window as any).$chatwoot.conversation.custom_attributes)).toEqual({
      bridge_session_id: sessionId,
      order_issue: 'late delivery',
    });

    // The next page: the widget already has its conversation (pre-chat and agent keys); nothing is set on it.
    await p.goto(`${shopUrl}/returning`);
    await trackerReady(p);
    await p.evaluate(() => {
      const w = window as any;
      w.fakeChatwoot.emit('chatwoot:ready');
      w.fakeChatwoot.visitorWrites(10, 'Back again');
    });
    expect(await p.evaluate(() => (window as any).$chatwoot.conversation.custom_attributes)).toEqual({
      prechat_topic: 'returns',
      agent_flag: 'vip',
    });
    expect(await p.evaluate(() => (window as any).$chatwoot.calls)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('credits an order to the anonymous chat of the session it was placed in: tracker → conversation → order → report', async () => {
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${shopUrl}/anon`);
    await trackerReady(p);
    await p.evaluate(() => {
      const w = window as any;
      w.fakeChatwoot.emit('chatwoot:ready');
      w.fakeChatwoot.visitorWrites(1, 'Which size should I take?');
      w.chatwootTracker.flush();
    });
    const sessionId = await p.evaluate(() => (window as any).chatwootTracker.sessionId() as string);
    // What the widget created the conversation with goes to Chatwoot (here the fake), which sends
    // conversation_created (custom_attributes included) to the service.
    const customAttributes = await p.evaluate(() => (window as any).$chatwoot.conversation.custom_attributes);
    await context.close();
    const contact = t.fake.state.createContact(store.accountId, { name: 'Anonymous visitor' });
    const conversation = t.fake.state.createConversation(store.accountId, {
      contactId: contact.id,
      inboxId: store.inboxId,
      customAttributes,
    });
    const db = t.get(DataSource);
    await eventually(async () => {
      const rows = await db.query('select session_id from tracked_conversations where store_id = $1 and display_id = $2', [
        store.storeId,
        conversation.display_id,
      ]);
      expect(rows).toEqual([{ session_id: sessionId }]);
    }, 15_000);

    // The visitor checks out as a guest; the platform passes the session id on with the order.
    const orderId = `order-anon-${Date.now()}`;
    const placedAt = new Date(Date.now() + 2000).toISOString();
    const put = await t.request('PUT', `/v1/stores/${store.storeId}/orders/${orderId}`, {
      body: {
        customerId: 'guest-9001',
        status: 'paid',
        currency: 'EUR',
        totalAmount: 2_500,
        placedAt,
        updatedAt: placedAt,
        sessionId,
        items: [],
      },
    });
    expect(put.status).toBe(200);
    const credited = await eventually(async () => {
      const res = await t.request('GET', `/v1/stores/${store.storeId}/attributions/${orderId}`);
      expect(res.status).toBe(200);
      return res.body;
    }, 15_000);
    expect(credited).toMatchObject({ conversationId: conversation.display_id, match: 'session', source: 'auto' });
    const report = await t.request('GET', `/v1/stores/${store.storeId}/analytics/conversion`);
    expect(report.status).toBe(200);
    expect(report.body.totals).toMatchObject({
      attributedOrders: 1,
      convertedConversations: 1,
      attributedRevenue: [expect.objectContaining({ currency: 'EUR', amountMinor: 2_500 })],
    });
  }, 60_000);

  it('identifies a signed-in visitor with the identity the platform endpoint returns (setUser with identifier_hash)', async () => {
    const customerId = 'cust-signed-in';
    const now = new Date().toISOString();
    const put = await t.request('PUT', `/v1/stores/${store.storeId}/customers/${customerId}`, {
      body: { email: 'ann@example.test', name: 'Ann Example', marketingConsent: false, registeredAt: now, updatedAt: now },
    });
    expect(put.status).toBe(200);
    const res = await t.request('GET', `/v1/stores/${store.storeId}/customers/${customerId}/widget-identity`);
    expect(res.status).toBe(200);
    const identity = res.body as {
      identifier: string;
      identifierHash: string;
      websiteToken: string;
      name: string;
      email: string;
    };
    // Chatwoot's check (api/v1/widget/contacts_controller.rb valid_hmac?), against the inbox the fake holds.
    const hmacToken = t.fake.state.getInbox(store.accountId, store.inboxId).hmac_token;
    expect(identity.identifierHash).toBe(createHmac('sha256', hmacToken).update(customerId).digest('hex'));
    const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    identityAttributes =
      `data-customer-id="${attr(identity.identifier)}" data-identifier-hash="${attr(identity.identifierHash)}" ` +
      `data-customer-name="${attr(identity.name)}" data-customer-email="${attr(identity.email)}"`;

    const context = await browser.newContext();
    const p = await context.newPage();
    const errors = watchErrors(p);
    await p.goto(`${shopUrl}/identified`);
    await trackerReady(p);
    await p.evaluate(() => (window as any).fakeChatwoot.emit('chatwoot:ready'));
    const calls = await p.evaluate(() => (window as any).$chatwoot.calls as unknown[][]);
    expect(calls.filter((c) => c[0] === 'user')).toEqual([
      ['user', customerId, { identifier_hash: identity.identifierHash, name: 'Ann Example', email: 'ann@example.test' }],
    ]);
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
