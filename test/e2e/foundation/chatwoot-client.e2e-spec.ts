import { HttpService } from '@nestjs/axios';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatwootApiError } from '../../../src/chatwoot/chatwoot-api.error';
import { ChatwootTransport } from '../../../src/chatwoot/chatwoot-transport';
import { ChatwootClient } from '../../../src/chatwoot/chatwoot.client';
import { AppConfig } from '../../../src/config/app-config';
import { MetricsService } from '../../../src/observability/metrics.service';
import { startTestApp, type TestApp } from '../../support/test-app';

/** The value of the first /metrics sample line that matches (0 when there is none yet). */
async function metricValue(t: TestApp, line: RegExp): Promise<number> {
  const text = await t.get(MetricsService).registry.metrics();
  const match = text.split('\n').find((l) => line.test(l));
  return match ? Number(match.split(' ').pop()) : 0;
}

/** The one door to Chatwoot, exercised against the fake over real HTTP. */
describe('Chatwoot client', () => {
  let t: TestApp;
  let chatwoot: ChatwootClient;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        CHATWOOT_BUDGET_PER_WINDOW: '20',
        CHATWOOT_BUDGET_WINDOW_MS: '1000',
        CHATWOOT_BREAKER_THRESHOLD: '3',
        CHATWOOT_BREAKER_HALF_OPEN_MS: '400',
        CHATWOOT_MAX_RETRIES: '3',
        CHATWOOT_TIMEOUT_MS: '300',
      },
    });
    chatwoot = t.get(ChatwootClient);
  });
  afterAll(() => t?.close());
  afterEach(() => {
    t.fake.faults.clear();
    t.fake.resetRequests();
  });

  const metric = (line: RegExp) => metricValue(t, line);

  it('retries a 500 on a read and then succeeds', async () => {
    t.fake.faults.add({ method: 'GET', path: '/platform/api/v1/accounts', status: 500, times: 2 });
    const accounts = await chatwoot.platform.listAccounts();
    expect(Array.isArray(accounts)).toBe(true);
    expect(t.fake.countRequests({ method: 'GET', path: '/platform/api/v1/accounts' })).toBe(3);
    expect(await metric(/^chatwoot_retries_total\{operation="platform.accounts.list",reason="server"\}/)).toBeGreaterThanOrEqual(
      2,
    );
  });

  it('backs off on 429 "Retry later" and succeeds once the limit passes', async () => {
    t.fake.faults.add({ path: '/platform/api/v1/accounts', status: 429, times: 2 });
    const started = Date.now();
    const accounts = await chatwoot.platform.listAccounts();
    expect(Array.isArray(accounts)).toBe(true);
    const attempts = t.fake.requests.filter((r) => r.path === '/platform/api/v1/accounts');
    expect(attempts.map((r) => r.status)).toEqual([429, 429, 200]);
    // Exponential backoff: the gaps between attempts are not zero.
    expect(Date.now() - started).toBeGreaterThanOrEqual(10);
    expect(
      await metric(/^chatwoot_retries_total\{operation="platform.accounts.list",reason="rate_limited"\}/),
    ).toBeGreaterThanOrEqual(2);
  });

  it('maps a 422 to a clear, non-retried ChatwootApiError', async () => {
    const error = await chatwoot.platform
      .createUser({ name: 'Weak', email: 'weak@example.test', password: 'short' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatwootApiError);
    const apiError = error as ChatwootApiError;
    expect(apiError.status).toBe(422);
    expect(apiError.retryable).toBe(false);
    expect(apiError.message).toMatch(/platform\.users\.create failed \(422\): .*[Pp]assword/);
    expect(t.fake.countRequests({ method: 'POST', path: '/platform/api/v1/users' })).toBe(1);
  });

  it('times out a hanging call, counts it, and retries', async () => {
    t.fake.faults.add({ path: '/platform/api/v1/accounts', delayMs: 2000, times: 1 });
    const accounts = await chatwoot.platform.listAccounts();
    expect(Array.isArray(accounts)).toBe(true);
    expect(await metric(/^chatwoot_timeouts_total\{operation="platform.accounts.list"\}/)).toBeGreaterThanOrEqual(1);
  });

  it('opens its circuit breaker after repeated failures and closes it when Chatwoot recovers', async () => {
    t.fake.faults.add({ path: /^\/platform\/api\/v1\/accounts\/\d+$/, status: 503 });
    // Three consecutive 503s (the threshold) open the breaker during the first call's retries.
    const first = await chatwoot.platform.getAccount(1).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ChatwootApiError);
    expect(t.fake.countRequests({ path: /^\/platform\/api\/v1\/accounts\/\d+$/ })).toBe(3);
    const blocked = await chatwoot.platform.getAccount(1).catch((e: unknown) => e);
    expect((blocked as ChatwootApiError).kind).toBe('circuit_open');
    expect(t.get(ChatwootClient).transport.circuitOpen).toBe(true);
    const callsWhileOpen = t.fake.countRequests({ path: /^\/platform\/api\/v1\/accounts\/\d+$/ });
    await chatwoot.platform.getAccount(1).catch(() => undefined);
    expect(t.fake.countRequests({ path: /^\/platform\/api\/v1\/accounts\/\d+$/ })).toBe(callsWhileOpen);

    t.fake.faults.clear();
    await new Promise((r) => setTimeout(r, 450));
    const created = await chatwoot.platform.createAccount({ name: 'Recovered', locale: 'en' });
    expect(created.id).toBeGreaterThan(0);
    expect(t.get(ChatwootClient).transport.circuitOpen).toBe(false);
  });

  it('stays within its outbound budget under a burst (counted on the fake)', async () => {
    await new Promise((r) => setTimeout(r, 1000)); // start from a fresh window
    t.fake.resetRequests();
    const burst = Array.from({ length: 60 }, (_, i) =>
      chatwoot.platform.withContext({ storeId: `s${i % 3}`, lane: 'bulk' }).listAccounts(),
    );
    await Promise.all(burst);
    const times = t.fake.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(times).toHaveLength(60);
    // No sliding second may hold more than the budget of 20 (+ one refill boundary).
    let maxInWindow = 0;
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((x) => x >= times[i] && x < times[i] + 1000).length;
      maxInWindow = Math.max(maxInWindow, inWindow);
    }
    expect(maxInWindow).toBeLessThanOrEqual(40);
    // 60 calls at 20 per window need at least two refills, a window apart.
    expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(950);
  }, 20_000);
});

describe('Chatwoot budget fairness', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { CHATWOOT_STORE_CONCURRENCY: '2' } });
    t.fake.faults.add({ path: '/platform/api/v1/accounts', delayMs: 40 });
  });
  afterAll(() => t?.close());

  it("does not let one store's burst starve another store", async () => {
    const chatwoot = t.get(ChatwootClient);
    const finished: string[] = [];
    const busy = Array.from({ length: 30 }, () =>
      chatwoot.platform
        .withContext({ storeId: 'busy', lane: 'bulk' })
        .listAccounts()
        .then(() => finished.push('busy')),
    );
    await new Promise((r) => setTimeout(r, 10));
    const quiet = chatwoot.platform
      .withContext({ storeId: 'quiet', lane: 'bulk' })
      .listAccounts()
      .then(() => finished.push('quiet'));
    await Promise.all([...busy, quiet]);
    // The busy store holds at most 2 calls in flight, so the quiet store's call is served early.
    expect(finished.indexOf('quiet')).toBeLessThan(6);
  }, 20_000);

  it('lets a real-time call overtake the bulk calls queued before it', async () => {
    // Queued behind a store's own in-flight limit (2), not a budget window: which call goes next
    // depends only on the lane, not on when a window happens to refill.
    const chatwoot = t.get(ChatwootClient);
    const finished: string[] = [];
    const bulk = Array.from({ length: 30 }, () =>
      chatwoot.platform
        .withContext({ storeId: 'lanes', lane: 'bulk' })
        .listAccounts()
        .then(() => finished.push('bulk')),
    );
    await new Promise((r) => setTimeout(r, 10));
    const realtime = chatwoot.platform
      .withContext({ storeId: 'lanes', lane: 'realtime' })
      .listAccounts()
      .then(() => finished.push('realtime'));
    await Promise.all([...bulk, realtime]);
    // 28 bulk calls were waiting when it arrived; in bulk order it would finish last (index 30).
    // A few already handed on to the shared budget may still finish first.
    expect(finished.indexOf('realtime')).toBeLessThan(15);
  }, 20_000);
});

/** Item: a create that may have been applied is never resent; what cannot double still is. */
describe('Chatwoot client resends only what cannot double', () => {
  let t: TestApp;
  let chatwoot: ChatwootClient;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        // Out of the way: these tests fail on purpose and must not open the breaker for each other.
        CHATWOOT_BREAKER_THRESHOLD: '100',
        CHATWOOT_MAX_RETRIES: '3',
        CHATWOOT_TIMEOUT_MS: '300',
      },
    });
    chatwoot = t.get(ChatwootClient);
  });
  afterAll(() => t?.close());
  afterEach(() => {
    t.fake.faults.clear();
    t.fake.resetRequests();
  });

  const metric = (line: RegExp) => metricValue(t, line);

  it('does not resend a create that Chatwoot answered 500 (it may have been committed)', async () => {
    t.fake.faults.add({ method: 'POST', path: '/platform/api/v1/accounts', status: 500, times: 1 });
    const error = await chatwoot.platform.createAccount({ name: 'Maybe created', locale: 'en' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'server', status: 500 });
    expect(t.fake.countRequests({ method: 'POST', path: '/platform/api/v1/accounts' })).toBe(1);
    expect(
      await metric(/^chatwoot_retries_withheld_total\{operation="platform.accounts.create",reason="server"\}/),
    ).toBeGreaterThanOrEqual(1);
  });

  /** An account with one open conversation on the fake, and a client for it. */
  const conversationFixture = () => {
    const { state } = t.fake;
    const account = state.createAccount({ name: `Notes ${Math.random()}` });
    const agent = state.createAgent(account.id, {
      name: 'Admin',
      email: `admin-${account.id}@example.test`,
      role: 'administrator',
    });
    const inbox = state.createInbox(account.id, { name: 'Web', channel: { type: 'web_widget', website_url: 'https://x.test' } });
    const contact = state.createContact(account.id, { name: 'Ann' });
    const conversation = state.createConversation(account.id, { contactId: contact.id, inboxId: inbox.id });
    const api = chatwoot.account(account.id, agent.access_token);
    const notes = (content: string) => state.messagesOf(conversation).filter((m) => m.private && m.content === content).length;
    return { account, conversation, api, notes };
  };

  it('does not resend a POST .../messages that timed out after Chatwoot applied it: exactly one private note', async () => {
    const { account, conversation, api, notes } = conversationFixture();
    const path = `/api/v1/accounts/${account.id}/conversations/${conversation.display_id}/messages`;
    // The fake sleeps past the client's 300 ms timeout, then creates the note anyway (as Rails would).
    t.fake.faults.add({ method: 'POST', path, delayMs: 600, times: 1 });
    const error = await api.privateNote(conversation.display_id, 'Applied once').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatwootApiError);
    expect((error as ChatwootApiError).kind).toBe('timeout');
    await new Promise((r) => setTimeout(r, 500)); // let the delayed request finish on the fake
    expect(t.fake.countRequests({ method: 'POST', path })).toBe(1);
    expect(notes('Applied once')).toBe(1);
    expect(
      await metric(/^chatwoot_retries_withheld_total\{operation="messages.create",reason="timeout"\}/),
    ).toBeGreaterThanOrEqual(1);
  });

  it('retries a GET that timed out', async () => {
    const { account, conversation, api } = conversationFixture();
    const path = `/api/v1/accounts/${account.id}/conversations/${conversation.display_id}/messages`;
    t.fake.faults.add({ method: 'GET', path, delayMs: 600, times: 1 });
    const messages = await api.listMessages(conversation.display_id);
    expect(Array.isArray(messages)).toBe(true);
    expect(t.fake.countRequests({ method: 'GET', path })).toBe(2);
  });

  it('resends a create refused by the rate limit (429 comes before the app runs)', async () => {
    const { account, conversation, api, notes } = conversationFixture();
    const path = `/api/v1/accounts/${account.id}/conversations/${conversation.display_id}/messages`;
    t.fake.faults.add({ method: 'POST', path, status: 429, times: 2 });
    await api.privateNote(conversation.display_id, 'After throttling');
    expect(t.fake.requests.filter((r) => r.path === path).map((r) => r.status)).toEqual([429, 429, 200]);
    expect(notes('After throttling')).toBe(1);
  });

  it('resends a create whose connection was refused (it never reached Chatwoot)', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
    const config = Object.assign(Object.create(AppConfig.prototype) as AppConfig, t.get(AppConfig), { CHATWOOT_URL: deadUrl });
    const transport = new ChatwootTransport(t.get(HttpService), config, t.get(MetricsService));
    const before = await metric(/^chatwoot_retries_total\{operation="platform.accounts.create",reason="network"\}/);
    const error = await new ChatwootClient(transport, config).platform
      .createAccount({ name: 'Nobody home', locale: 'en' })
      .catch((e: unknown) => e);
    await transport.onModuleDestroy();
    expect(error).toMatchObject({ kind: 'network', neverSent: true });
    // CHATWOOT_MAX_RETRIES=3: three resends after the first refusal.
    expect(await metric(/^chatwoot_retries_total\{operation="platform.accounts.create",reason="network"\}/)).toBe(before + 3);
  });

  it('retries state-setting POSTs (toggle_status) after a timeout: repeating them changes nothing', async () => {
    const { account, conversation, api } = conversationFixture();
    const path = `/api/v1/accounts/${account.id}/conversations/${conversation.display_id}/toggle_status`;
    t.fake.faults.add({ method: 'POST', path, delayMs: 600, times: 1 });
    await api.toggleStatus(conversation.display_id, 'resolved');
    expect(t.fake.countRequests({ method: 'POST', path })).toBe(2);
    expect(t.fake.state.getConversation(account.id, conversation.display_id).status).toBe('resolved');
  });
});
