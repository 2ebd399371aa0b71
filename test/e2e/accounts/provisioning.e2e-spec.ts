import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminEmailFor, WEBHOOK_SUBSCRIPTIONS } from '../../../src/accounts/chatwoot-targets';
import { CONTACT_ATTRIBUTE_DEFINITIONS } from '../../../src/accounts/contact-attribute-definitions';
import { ChatwootAccountLink } from '../../../src/accounts/entities/chatwoot-account-link.entity';
import { StoreDirectory } from '../../../src/accounts/store-directory.service';
import { WebhookTargetCheck } from '../../../src/accounts/webhook-target';
import { SecretBox } from '../../../src/common/crypto/secret-box.service';
import { ESCALATED_LABEL } from '../../../src/context/escalation.service';
import { LOW_CSAT_LABEL } from '../../../src/webhooks/conversation-effects.service';
import { startFakeChatwoot, type FakeChatwoot } from '../../fake-chatwoot';
import { startTestApp, type TestApp } from '../../support/test-app';
import { DataSource } from 'typeorm';
import { accountObjects, accountsOfStore, storeBody, waitForState } from './accounts-helpers';

describe('store provisioning', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('provisions every object once, with no secret in any response, in the minimum number of calls', async () => {
    t.fake.resetRequests();
    const created = await t.request('PUT', '/v1/stores/full-1', { body: storeBody('full-1', { locale: 'pt-BR' }) });
    expect(created.status).toBe(202);
    expect(created.body.notificationSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(created.body.chatwoot.state).toBe('pending');

    const view = await waitForState(t, 'full-1', 'active');
    expect(view.chatwoot.steps.map((s: { state: string }) => s.state)).toEqual(Array(9).fill('done'));
    expect(view.chatwoot.steps.map((s: { name: string }) => s.name)).toEqual([
      'account',
      'admin_user',
      'account_user',
      'inbox',
      'contact_attributes',
      'teams',
      'labels',
      'webhook',
      'dashboard_app',
    ]);
    const accountId: number = view.chatwoot.accountId;
    const cw = accountObjects(t.fake, accountId);
    expect(cw.account).toMatchObject({
      name: 'Shop full-1',
      locale: 'pt_BR',
      support_email: 'support@full-1.example.test',
      status: 'active',
    });

    const admin = t.fake.state.findUserByEmail(adminEmailFor('full-1', t.config.PUBLIC_URL))!;
    expect(admin).toBeDefined();
    expect(cw.accountUsers).toEqual([expect.objectContaining({ user_id: admin.id, role: 'administrator' })]);

    expect(cw.inboxes).toHaveLength(1);
    const inbox = cw.inboxes[0];
    expect(inbox.channel).toMatchObject({
      website_url: 'https://full-1.example.test',
      widget_color: '#112233',
      welcome_title: 'Hallo!',
      welcome_tagline: 'We helpen je graag',
      hmac_mandatory: true,
      // The widget's frame-ancestors: the store's host and its www twin.
      allowed_domains: 'full-1.example.test,www.full-1.example.test',
    });
    expect(view.chatwoot.inboxId).toBe(inbox.id);
    expect(view.chatwoot.websiteToken).toBe(inbox.website_token);

    expect(cw.definitions.map((d) => [d.attribute_key, d.attribute_display_type, d.attribute_model]).sort()).toEqual(
      CONTACT_ATTRIBUTE_DEFINITIONS.map((d) => [d.key, d.displayType, 'contact_attribute']).sort(),
    );
    expect(cw.definitions.find((d) => d.attribute_key === 'customer_tier')?.attribute_values).toEqual([
      'Bronze',
      'Silver',
      'Gold',
      'Platinum',
    ]);
    expect(cw.definitions.find((d) => d.attribute_key === 'marketing_consent')?.attribute_display_type).toBe('checkbox');
    expect(cw.teams.map((team) => team.name).sort()).toEqual(['managers', 'vip']);
    // Every label the service attaches is defined, including the one low CSAT attaches.
    expect(cw.labels.map((label) => label.title).sort()).toEqual([ESCALATED_LABEL, LOW_CSAT_LABEL, 'vip'].sort());

    expect(cw.webhooks).toHaveLength(1);
    expect(cw.webhooks[0].url).toBe(`${t.url}/v1/webhooks/chatwoot/full-1`);
    expect([...cw.webhooks[0].subscriptions].sort()).toEqual([...WEBHOOK_SUBSCRIPTIONS].sort());

    expect(cw.dashboardApps).toHaveLength(1);
    expect(cw.dashboardApps[0].title).toBe('Customer');
    const frameUrl = new URL(String(cw.dashboardApps[0].content[0].url));
    expect(`${frameUrl.origin}${frameUrl.pathname}`).toBe(`${t.url}/dashboard-app`);
    const directory = t.get(StoreDirectory);
    expect((await directory.findByContextToken(frameUrl.searchParams.get('token')!))?.id).toBe('full-1');

    // Secrets are encrypted at rest and readable by the modules that need them.
    const link = await t.get(DataSource).getRepository(ChatwootAccountLink).findOneByOrFail({ storeId: 'full-1' });
    expect(link.adminTokenEnc).not.toContain(admin.access_token);
    expect(await directory.webhookSecret('full-1')).toBe(cw.webhooks[0].secret);
    expect((await directory.access('full-1')).adminToken).toBe(admin.access_token);
    expect(t.get(SecretBox).decrypt(link.hmacTokenEnc!)).toBe(inbox.hmac_token);

    // No read exposes a secret; the notification secret only appeared in the 202.
    const reread = await t.request('GET', '/v1/stores/full-1');
    const contextToken = frameUrl.searchParams.get('token')!;
    for (const secret of [
      admin.access_token,
      cw.webhooks[0].secret,
      inbox.hmac_token,
      created.body.notificationSecret,
      contextToken,
    ]) {
      expect(reread.text).not.toContain(secret);
    }
    for (const secret of [admin.access_token, cw.webhooks[0].secret, inbox.hmac_token, contextToken]) {
      expect(created.text).not.toContain(secret);
    }
    expect(reread.body.notificationSecret).toBeUndefined();

    // Calls: one create per object, nothing looked up first on a first run.
    const expected = 1 + 1 + 1 + 1 + CONTACT_ATTRIBUTE_DEFINITIONS.length + 2 + 3 + 1 + 1;
    // 17 contact attribute definitions (last_order_status and last_order_tracking_url came with shipments).
    expect(expected).toBe(28);
    expect(t.fake.countRequests()).toBe(expected);
    expect(t.fake.countRequests({ method: 'GET' })).toBe(0);
  });

  it('answers a repeated identical PUT with 200 and no Chatwoot call, and never returns the secret again', async () => {
    t.fake.resetRequests();
    const again = await t.request('PUT', '/v1/stores/full-1', { body: storeBody('full-1', { locale: 'pt-BR' }) });
    expect(again.status).toBe(200);
    expect(again.body.notificationSecret).toBeUndefined();
    expect(again.body.chatwoot.state).toBe('active');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(t.fake.countRequests()).toBe(0);
    expect(accountsOfStore(t.fake, 'full-1')).toHaveLength(1);
  });

  it('creates one account when the same creation PUT arrives twice at once', async () => {
    const [a, b] = await Promise.all([
      t.request('PUT', '/v1/stores/twice-1', { body: storeBody('twice-1') }),
      t.request('PUT', '/v1/stores/twice-1', { body: storeBody('twice-1') }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 202]);
    await waitForState(t, 'twice-1', 'active');
    expect(accountsOfStore(t.fake, 'twice-1')).toHaveLength(1);
  });

  it('reuses a Chatwoot user that already has the store administrator e-mail', async () => {
    const email = adminEmailFor('reuse-1', t.config.PUBLIC_URL);
    const existing = t.fake.state.createUser({ name: 'Left over', email, password: 'Password1!' });
    const usersBefore = t.fake.state.users.size;
    await t.request('PUT', '/v1/stores/reuse-1', { body: storeBody('reuse-1') });
    const view = await waitForState(t, 'reuse-1', 'active');
    expect(t.fake.state.users.size).toBe(usersBefore);
    const cw = accountObjects(t.fake, view.chatwoot.accountId);
    expect(cw.accountUsers).toEqual([expect.objectContaining({ user_id: existing.id, role: 'administrator' })]);
    expect((await t.get(StoreDirectory).access('reuse-1')).adminToken).toBe(existing.access_token);
    expect(cw.inboxes).toHaveLength(1);
  });

  it('retries a create step that Chatwoot answers 500 through the job queue, looking first each time', async () => {
    // The client does not resend a create answered 500 (it may have been committed); the job fails
    // and pg-boss retries it, and the resumed step lists the inboxes before creating one.
    t.fake.faults.add({ method: 'POST', path: /^\/api\/v1\/accounts\/\d+\/inboxes$/, status: 500, times: 2 });
    await t.request('PUT', '/v1/stores/flaky-1', { body: storeBody('flaky-1') });
    const view = await waitForState(t, 'flaky-1', 'active', 45_000);
    expect(t.fake.countRequests({ method: 'POST', path: `/api/v1/accounts/${view.chatwoot.accountId}/inboxes` })).toBe(3);
    expect(
      t.fake.countRequests({ method: 'GET', path: `/api/v1/accounts/${view.chatwoot.accountId}/inboxes` }),
    ).toBeGreaterThanOrEqual(2);
    expect(accountObjects(t.fake, view.chatwoot.accountId).inboxes).toHaveLength(1);
    expect(view.chatwoot.lastError).toBeNull();
    expect(view.chatwoot.steps.every((s: { error?: string }) => s.error === undefined)).toBe(true);
  }, 60_000);

  it('retries a 500 twice and completes (faults times: 2)', async () => {
    t.fake.faults.add({ method: 'POST', path: /\/webhooks$/, status: 500, times: 2 });
    await t.request('PUT', '/v1/stores/flaky-2', { body: storeBody('flaky-2') });
    // A create answered 500 is not resent by the client: two job retries (2 s, then 4 s backoff).
    const view = await waitForState(t, 'flaky-2', 'active', 45_000);
    expect(accountObjects(t.fake, view.chatwoot.accountId).webhooks).toHaveLength(1);
  }, 60_000);

  it("surfaces Chatwoot's 422 on the store and resumes when the platform repeats its PUT", async () => {
    t.fake.faults.add({
      method: 'POST',
      path: '/platform/api/v1/accounts',
      status: 422,
      body: { message: 'Support email is invalid', attributes: ['support_email'] },
      times: 1,
    });
    await t.request('PUT', '/v1/stores/refused-1', { body: storeBody('refused-1') });
    const failed = await waitForState(t, 'refused-1', 'failed');
    expect(failed.chatwoot.steps[0]).toEqual({ name: 'account', state: 'failed', error: 'Support email is invalid' });
    expect(failed.chatwoot.lastError).toMatch(
      /account: Chatwoot platform\.accounts\.create failed \(422\): Support email is invalid/,
    );
    expect(failed.chatwoot.steps.slice(1).every((s: { state: string }) => s.state === 'pending')).toBe(true);
    expect(accountsOfStore(t.fake, 'refused-1')).toHaveLength(0);

    const retried = await t.request('PUT', '/v1/stores/refused-1', { body: storeBody('refused-1') });
    expect(retried.status).toBe(200);
    const view = await waitForState(t, 'refused-1', 'active');
    expect(view.chatwoot.lastError).toBeNull();
    expect(accountsOfStore(t.fake, 'refused-1')).toHaveLength(1);
  });
});

describe('provisioning after a crash', () => {
  let fake: FakeChatwoot;
  let first: TestApp | undefined;
  let second: TestApp | undefined;
  beforeAll(async () => {
    fake = await startFakeChatwoot();
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await fake.close();
  });

  it('resumes on a new instance without duplicating what Chatwoot already created', async () => {
    first = await startTestApp({ fake });
    const databaseUrl = first.databaseUrl;
    // Stop the run right after the inbox exists: the attribute definitions step is refused.
    fake.faults.add({
      method: 'POST',
      path: /custom_attribute_definitions$/,
      status: 422,
      body: { message: 'stop here' },
      times: 1,
    });
    expect((await first.request('PUT', '/v1/stores/crash-1', { body: storeBody('crash-1') })).status).toBe(202);
    const stopped = await waitForState(first, 'crash-1', 'failed');
    expect(stopped.chatwoot.steps.map((s: { state: string }) => s.state).slice(0, 5)).toEqual([
      'done',
      'done',
      'done',
      'done',
      'failed',
    ]);
    await first.close();
    first = undefined;

    // What a crash between "Chatwoot created it" and "we recorded it" leaves: the account and
    // inbox exist in Chatwoot, our row does not know them, and those steps were started.
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      await db.query(
        `update chatwoot_accounts set state = 'provisioning', account_id = null, inbox_id = null, website_token = null,
           hmac_token_enc = null, last_error = null,
           steps = (select jsonb_agg(case when s->>'name' in ('account', 'inbox', 'contact_attributes')
                                        then jsonb_build_object('name', s->>'name', 'state', 'running') else s end)
                    from jsonb_array_elements(steps) s)
         where store_id = 'crash-1'`,
      );
    } finally {
      await db.end();
    }
    expect(accountsOfStore(fake, 'crash-1')).toHaveLength(1);

    second = await startTestApp({ fake, databaseUrl });
    const view = await waitForState(second, 'crash-1', 'active');
    const accounts = accountsOfStore(fake, 'crash-1');
    expect(accounts).toHaveLength(1);
    expect(view.chatwoot.accountId).toBe(accounts[0].id);
    const cw = accountObjects(fake, accounts[0].id);
    expect([...fake.state.users.values()].filter((u) => u.email.includes('crash-1'))).toHaveLength(1);
    expect(cw.accountUsers).toHaveLength(1);
    expect(cw.inboxes).toHaveLength(1);
    expect(view.chatwoot.inboxId).toBe(cw.inboxes[0].id);
    expect(view.chatwoot.websiteToken).toBe(cw.inboxes[0].website_token);
    expect(cw.definitions).toHaveLength(CONTACT_ATTRIBUTE_DEFINITIONS.length);
    expect(cw.teams).toHaveLength(2);
    expect(cw.labels).toHaveLength(3);
    expect(cw.webhooks).toHaveLength(1);
    expect(cw.webhooks[0].url).toBe(`${second.url}/v1/webhooks/chatwoot/crash-1`);
    expect(cw.dashboardApps).toHaveLength(1);
    expect((await second.get(StoreDirectory).access('crash-1')).hmacToken).toBe(cw.inboxes[0].hmac_token);
  }, 60_000);
});

describe('webhook target warnings (Chatwoot refuses private addresses without SAFE_FETCH_ALLOW_PRIVATE_NETWORK)', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('warns on the store when PUBLIC_URL is a private address, without failing provisioning', async () => {
    t = await startTestApp();
    const res = await t.request('PUT', '/v1/stores/warn-1', { body: storeBody('warn-1') });
    expect(res.status).toBe(202);
    const view = await waitForState(t, 'warn-1', 'active');
    // The test app's PUBLIC_URL is http://127.0.0.1:<port>.
    expect(view.chatwoot.warnings).toEqual([
      { code: 'WEBHOOK_TARGET_PRIVATE', message: expect.stringContaining('127.0.0.1 (loopback)') },
    ]);
    expect(view.chatwoot.warnings[0].message).toContain('SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true');
    expect(view.chatwoot.lastError).toBeNull();
    const metrics = await t.request('GET', '/metrics', { auth: null });
    expect(metrics.text).toMatch(/^accounts_webhook_target_private 1$/m);
  });

  it('resolves a DNS name in PUBLIC_URL, and drift repair clears the warning once it resolves publicly', async () => {
    await t.close();
    t = await startTestApp({ env: { PUBLIC_URL: 'https://bridge.internal.example' } });
    const check = t.get(WebhookTargetCheck);
    const asked: string[] = [];
    check.useLookup(async (host) => {
      asked.push(host);
      return [{ address: '10.20.30.40' }, { address: 'fd00::40' }];
    });
    await t.request('PUT', '/v1/stores/warn-2', { body: storeBody('warn-2') });
    const view = await waitForState(t, 'warn-2', 'active');
    expect(asked).toContain('bridge.internal.example');
    expect(view.chatwoot.warnings).toHaveLength(1);
    expect(view.chatwoot.warnings[0].message).toContain('10.20.30.40 (private), fd00::40 (unique-local)');

    check.useLookup(async () => [{ address: '93.184.216.34' }]);
    expect((await t.request('POST', '/v1/stores/warn-2/chatwoot/repair')).status).toBe(200);
    expect((await t.request('GET', '/v1/stores/warn-2')).body.chatwoot.warnings).toEqual([]);
  });
});
