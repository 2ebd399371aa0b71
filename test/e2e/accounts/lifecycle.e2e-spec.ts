import { Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftRepairService } from '../../../src/accounts/drift-repair.service';
import { ChatwootAccountLink } from '../../../src/accounts/entities/chatwoot-account-link.entity';
import { Store } from '../../../src/accounts/entities/store.entity';
import { StoreDirectory } from '../../../src/accounts/store-directory.service';
import { ESCALATED_LABEL } from '../../../src/context/escalation.service';
import { LOW_CSAT_LABEL } from '../../../src/webhooks/conversation-effects.service';
import { JobQueue } from '../../../src/jobs/job-queue.service';
import { eventually } from '../../support/eventually';
import { startTestApp, type TestApp } from '../../support/test-app';
import { accountObjects, accountsOfStore, createStore, storeBody, waitForState } from './accounts-helpers';

@Injectable()
class StoreDeletedProbe {
  readonly seen: string[] = [];
  constructor(jobs: JobQueue) {
    jobs.on('store.deleted', 'test.store-deleted', async ({ storeId }) => {
      this.seen.push(storeId);
    });
  }
}

@Module({ providers: [StoreDeletedProbe] })
class ProbeModule {}

async function fakeProfileStatus(t: TestApp, token: string): Promise<number> {
  const res = await fetch(`${t.fake.url}/api/v1/profile`, { headers: { api_access_token: token } });
  return res.status;
}

describe('store lifecycle', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ imports: [ProbeModule] });
  });
  afterAll(() => t?.close());

  it('suspends and reactivates the Chatwoot account', async () => {
    const view = await createStore(t, 'life-1');
    const account = () => t.fake.state.accounts.get(view.chatwoot.accountId)!;

    const suspended = await t.request('POST', '/v1/stores/life-1/chatwoot/suspend');
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ status: 'suspended', chatwoot: { state: 'suspended' } });
    expect(account().status).toBe('suspended');
    const token = (await t.get(DataSource).getRepository(ChatwootAccountLink).findOneByOrFail({ storeId: 'life-1' }))
      .adminTokenEnc;
    expect(token).toBeTruthy();

    const reactivated = await t.request('POST', '/v1/stores/life-1/chatwoot/reactivate');
    expect(reactivated.status).toBe(200);
    expect(reactivated.body).toMatchObject({ status: 'active', chatwoot: { state: 'active' } });
    expect(account().status).toBe('active');
  });

  it('follows a status change sent with PUT, through the propagation job', async () => {
    const view = await waitForState(t, 'life-1', 'active');
    const res = await t.request('PUT', '/v1/stores/life-1', { body: storeBody('life-1', { status: 'suspended' }) });
    expect(res.status).toBe(200);
    await eventually(() => expect(t.fake.state.accounts.get(view.chatwoot.accountId)!.status).toBe('suspended'));
    await waitForState(t, 'life-1', 'suspended');
    await t.request('PUT', '/v1/stores/life-1', { body: storeBody('life-1', { status: 'active' }) });
    await eventually(() => expect(t.fake.state.accounts.get(view.chatwoot.accountId)!.status).toBe('active'));
    await waitForState(t, 'life-1', 'active');
  });

  it('propagates name, locale, e-mail, website and branding changes to the account and inbox', async () => {
    const view = await waitForState(t, 'life-1', 'active');
    const changed = storeBody('life-1', {
      name: 'Renamed shop',
      locale: 'de-DE',
      email: 'help@renamed.example.test',
      websiteUrl: 'https://renamed.example.test',
      branding: { color: '#abcdef', welcomeTitle: 'Hallo', welcomeTagline: 'Wir helfen' },
    });
    expect((await t.request('PUT', '/v1/stores/life-1', { body: changed })).status).toBe(200);
    await eventually(() => {
      const cw = accountObjects(t.fake, view.chatwoot.accountId);
      expect(cw.account).toMatchObject({ name: 'Renamed shop', locale: 'de', support_email: 'help@renamed.example.test' });
      expect(cw.inboxes[0].name).toBe('Renamed shop');
      expect(cw.inboxes[0].channel).toMatchObject({
        website_url: 'https://renamed.example.test',
        widget_color: '#abcdef',
        welcome_title: 'Hallo',
        welcome_tagline: 'Wir helfen',
        hmac_mandatory: true,
        // The widget's frame-ancestors follow the website, or the widget is blocked on the new domain.
        allowed_domains: 'renamed.example.test,www.renamed.example.test',
      });
    });

    t.fake.resetRequests();
    expect((await t.request('PUT', '/v1/stores/life-1', { body: changed })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(t.fake.countRequests()).toBe(0);
  });

  it('updates branding on the store and the inbox', async () => {
    const view = await waitForState(t, 'life-1', 'active');
    const res = await t.request('PUT', '/v1/stores/life-1/chatwoot/branding', { body: { color: '#000000', welcomeTitle: 'Yo' } });
    expect(res.status).toBe(200);
    expect(res.body.branding).toEqual({ color: '#000000', welcomeTitle: 'Yo', welcomeTagline: 'Wir helfen' });
    expect(accountObjects(t.fake, view.chatwoot.accountId).inboxes[0].channel).toMatchObject({
      widget_color: '#000000',
      welcome_title: 'Yo',
    });
    const bad = await t.request('PUT', '/v1/stores/life-1/chatwoot/branding', { body: { color: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  });

  it('rotates the admin and context tokens, then validates them against Chatwoot', async () => {
    const view = await waitForState(t, 'life-1', 'active');
    const directory = t.get(StoreDirectory);
    const oldToken = (await directory.access('life-1')).adminToken;
    const oldApp = accountObjects(t.fake, view.chatwoot.accountId).dashboardApps[0];
    const oldContext = new URL(String(oldApp.content[0].url)).searchParams.get('token')!;
    expect((await directory.findByContextToken(oldContext))?.id).toBe('life-1');

    const rotated = await t.request('POST', '/v1/stores/life-1/chatwoot/tokens/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ rotated: ['admin_token', 'context_token'], dashboardAppId: oldApp.id });
    const newToken = (await directory.access('life-1')).adminToken;
    expect(newToken).not.toBe(oldToken);
    expect(rotated.text).not.toContain(newToken);
    expect(await fakeProfileStatus(t, oldToken)).toBe(401);
    expect(await fakeProfileStatus(t, newToken)).toBe(200);

    const apps = accountObjects(t.fake, view.chatwoot.accountId).dashboardApps;
    expect(apps).toHaveLength(1);
    const newContext = new URL(String(apps[0].content[0].url)).searchParams.get('token')!;
    expect(newContext).not.toBe(oldContext);
    expect(await directory.findByContextToken(oldContext)).toBeNull();
    expect((await directory.findByContextToken(newContext))?.id).toBe('life-1');

    const validation = await t.request('GET', '/v1/stores/life-1/chatwoot/tokens/validate');
    expect(validation.status).toBe(200);
    expect(validation.body.valid).toBe(true);
    expect(validation.body.checks.map((c: { name: string; valid: boolean }) => [c.name, c.valid])).toEqual([
      ['admin_token', true],
      ['account_access', true],
      ['inbox', true],
      ['webhook', true],
      ['dashboard_app', true],
    ]);
    expect(validation.text).not.toContain(newToken);
  });

  it('reports what no longer works', async () => {
    await createStore(t, 'broken-1');
    const access = await t.get(StoreDirectory).access('broken-1');
    const cw = accountObjects(t.fake, access.accountId);
    t.fake.state.deleteWebhook(access.accountId, cw.webhooks[0].id);
    let res = await t.request('GET', '/v1/stores/broken-1/chatwoot/tokens/validate');
    expect(res.body.valid).toBe(false);
    expect(res.body.checks.find((c: { name: string }) => c.name === 'webhook')).toMatchObject({
      valid: false,
      detail: expect.stringMatching(/does not exist/),
    });
    expect(res.body.checks.find((c: { name: string }) => c.name === 'inbox').valid).toBe(true);

    t.fake.state.resetAccessToken(cw.accountUsers[0].user_id);
    res = await t.request('GET', '/v1/stores/broken-1/chatwoot/tokens/validate');
    expect(res.body.checks.map((c: { valid: boolean }) => c.valid)).toEqual([false, false, false, false, false]);
    expect(res.body.checks[0].detail).toMatch(/401/);
  });

  it('repairs drift on demand and from the periodic scan', async () => {
    const view = await createStore(t, 'drift-1');
    const accountId: number = view.chatwoot.accountId;
    const before = accountObjects(t.fake, accountId);
    t.fake.state.updateWebhook(accountId, before.webhooks[0].id, {
      url: 'https://elsewhere.example.test/hook',
      subscriptions: ['message_created'],
    });
    t.fake.state.deleteDashboardApp(accountId, before.dashboardApps[0].id);
    t.fake.state.updateInbox(accountId, before.inboxes[0].id, {
      channel: { hmac_mandatory: false, widget_color: '#ff0000', allowed_domains: 'old-shop.example.test' },
    });
    t.fake.state.updateAccount(accountId, { status: 'suspended' });

    const repaired = await t.request('POST', '/v1/stores/drift-1/chatwoot/repair');
    expect(repaired.status).toBe(200);
    expect(repaired.body.changes.map((c: { kind: string }) => c.kind).sort()).toEqual(
      ['account_status', 'dashboard_app', 'inbox_settings', 'webhook_config'].sort(),
    );
    const after = accountObjects(t.fake, accountId);
    expect(after.account?.status).toBe('active');
    expect(after.webhooks).toHaveLength(1);
    expect(after.webhooks[0].url).toBe(`${t.url}/v1/webhooks/chatwoot/drift-1`);
    expect(after.webhooks[0].subscriptions).toHaveLength(8);
    expect(after.dashboardApps).toHaveLength(1);
    expect(after.inboxes[0].channel).toMatchObject({
      hmac_mandatory: true,
      widget_color: '#112233',
      allowed_domains: 'drift-1.example.test,www.drift-1.example.test',
    });
    expect(repaired.body.changes.find((c: { kind: string }) => c.kind === 'inbox_settings').detail).toContain('allowed_domains');
    const contextToken = new URL(String(after.dashboardApps[0].content[0].url)).searchParams.get('token')!;
    expect((await t.get(StoreDirectory).findByContextToken(contextToken))?.id).toBe('drift-1');

    t.fake.resetRequests();
    const clean = await t.request('POST', '/v1/stores/drift-1/chatwoot/repair');
    expect(clean.body.changes).toEqual([]);
    expect(t.fake.countRequests({ method: 'POST' }) + t.fake.countRequests({ method: 'PATCH' })).toBe(0);

    // The periodic path: scan fans out one job per store, which repairs on its own.
    t.fake.state.deleteWebhook(accountId, after.webhooks[0].id);
    await t.get(DriftRepairService).scan();
    await eventually(() => {
      const hooks = accountObjects(t.fake, accountId).webhooks;
      expect(hooks).toHaveLength(1);
      expect(hooks[0].url).toBe(`${t.url}/v1/webhooks/chatwoot/drift-1`);
    }, 15_000);
    await eventually(async () => {
      const res = await t.request('GET', '/v1/stores/drift-1/chatwoot/tokens/validate');
      expect(res.body.valid).toBe(true);
    });
  });

  it('re-creates missing default objects, idempotently', async () => {
    const view = await createStore(t, 'defaults-1');
    const accountId: number = view.chatwoot.accountId;
    const before = accountObjects(t.fake, accountId);
    for (const team of before.teams) t.fake.state.deleteTeam(accountId, team.id);
    for (const label of before.labels.filter((l) => l.title === 'vip')) t.fake.state.labels.delete(label.id);
    t.fake.state.deleteInbox(accountId, before.inboxes[0].id);
    const definition = before.definitions.find((d) => d.attribute_key === 'order_count')!;
    t.fake.state.deleteCustomAttributeDefinition(accountId, definition.id);

    const res = await t.request('POST', '/v1/stores/defaults-1/chatwoot/inboxes/defaults');
    expect(res.status).toBe(200);
    const kinds = res.body.changes.map((c: { kind: string }) => c.kind);
    expect(kinds).toEqual(expect.arrayContaining(['inbox', 'contact_attributes', 'teams', 'labels']));
    const after = accountObjects(t.fake, accountId);
    expect(after.inboxes).toHaveLength(1);
    expect(after.inboxes[0].id).not.toBe(before.inboxes[0].id);
    expect(after.teams.map((team) => team.name).sort()).toEqual(['managers', 'vip']);
    expect(after.labels.map((label) => label.title).sort()).toEqual(['escalated', 'low-csat', 'vip']);
    expect(after.definitions).toHaveLength(before.definitions.length);
    expect(after.webhooks).toHaveLength(1);
    expect(after.dashboardApps).toHaveLength(1);
    const store = await t.get(StoreDirectory).get('defaults-1');
    expect(store.chatwoot.inboxId).toBe(after.inboxes[0].id);
    expect(store.chatwoot.websiteToken).toBe(after.inboxes[0].website_token);
    expect(store.chatwoot.teams).toEqual({
      managers: after.teams.find((team) => team.name === 'managers')!.id,
      vip: after.teams.find((team) => team.name === 'vip')!.id,
    });

    const again = await t.request('POST', '/v1/stores/defaults-1/chatwoot/inboxes/defaults');
    expect(again.body.changes).toEqual([]);
    expect(accountObjects(t.fake, accountId).inboxes).toHaveLength(1);
  });

  it('deletes the store: deleting, store.deleted published, account gone, state deleted, secrets wiped, PUT 409', async () => {
    const created = await t.request('PUT', '/v1/stores/gone-1', {
      body: storeBody('gone-1', { notificationUrl: 'https://platform.example.test/notify' }),
    });
    expect(created.status).toBe(202);
    expect((await t.get(StoreDirectory).notificationTarget('gone-1'))?.secret).toBe(created.body.notificationSecret);
    const view = await waitForState(t, 'gone-1', 'active');

    const res = await t.request('DELETE', '/v1/stores/gone-1');
    expect(res.status).toBe(202);
    expect(['deleting', 'deleted']).toContain(res.body.chatwoot.state);
    const deleted = await waitForState(t, 'gone-1', 'deleted');
    expect(deleted.chatwoot.websiteToken).toBeNull();
    await eventually(() => expect(t.fake.state.accounts.has(view.chatwoot.accountId)).toBe(false));
    expect(accountsOfStore(t.fake, 'gone-1')).toHaveLength(0);
    await eventually(() => expect(t.get(StoreDeletedProbe).seen).toContain('gone-1'));

    const link = await t.get(DataSource).getRepository(ChatwootAccountLink).findOneByOrFail({ storeId: 'gone-1' });
    expect(link).toMatchObject({
      adminTokenEnc: null,
      hmacTokenEnc: null,
      webhookSecretEnc: null,
      contextTokenEnc: null,
      contextTokenHash: null,
    });
    const store = await t.get(DataSource).getRepository(Store).findOneByOrFail({ id: 'gone-1' });
    expect(store.notificationSecretEnc).toBeNull();

    const put = await t.request('PUT', '/v1/stores/gone-1', { body: storeBody('gone-1') });
    expect(put.status).toBe(409);
    expect(put.body).toMatchObject({ statusCode: 409, code: 'STORE_DELETED' });
    expect((await t.request('DELETE', '/v1/stores/gone-1')).status).toBe(202);
    expect((await t.request('POST', '/v1/stores/gone-1/chatwoot/reactivate')).status).toBe(409);
  });

  it('reads and merges per-store settings', async () => {
    await t.request('PUT', '/v1/stores/settings-1', { body: storeBody('settings-1') });
    const initial = await t.request('GET', '/v1/stores/settings-1/settings');
    expect(initial.status).toBe(200);
    expect(initial.body.tiers).toEqual({ silver: 20_000, gold: 50_000, platinum: 100_000 });

    const updated = await t.request('PUT', '/v1/stores/settings-1/settings', {
      body: {
        tiers: { gold: 60_000 },
        discounts: { maxPercent: 15 },
        autoAssignment: [{ tiers: ['Platinum'], team: 'managers', priority: 'urgent' }],
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.tiers).toEqual({ silver: 20_000, gold: 60_000, platinum: 100_000 });
    expect(updated.body.discounts).toEqual({ maxPercent: 15, maxFixedAmount: 2_500, maxPerAgentPerDay: 10 });
    expect(updated.body.autoAssignment).toEqual([{ tiers: ['Platinum'], team: 'managers', priority: 'urgent' }]);

    await t.request('PUT', '/v1/stores/settings-1/settings', { body: { lowCsatThreshold: 3 } });
    const read = await t.request('GET', '/v1/stores/settings-1/settings');
    expect(read.body).toMatchObject({ lowCsatThreshold: 3, tiers: { gold: 60_000 }, discounts: { maxPercent: 15 } });

    const invalid = await t.request('PUT', '/v1/stores/settings-1/settings', {
      body: { lowCsatThreshold: 9, autoAssignment: [{ tiers: ['Diamond'], team: 'sales' }], tiers: { silver: -1 } },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    expect(invalid.body.message).toMatch(/lowCsatThreshold/);
    expect(invalid.body.message).toMatch(/team must be a Chatwoot team id/);
    expect(invalid.body.message).toMatch(/silver must not be less than 0/);

    const unordered = await t.request('PUT', '/v1/stores/settings-1/settings', { body: { tiers: { silver: 70_000 } } });
    expect(unordered.status).toBe(400);
    expect(unordered.body.code).toBe('INVALID_SETTINGS');
    expect((await t.request('GET', '/v1/stores/settings-1/settings')).body.tiers.silver).toBe(20_000);
  });

  it('defines every label the service attaches: drift repair re-creates a missing one, a rule label is added', async () => {
    const view = await createStore(t, 'labels-1');
    const accountId: number = view.chatwoot.accountId;
    const titles = () =>
      accountObjects(t.fake, accountId)
        .labels.map((l) => l.title)
        .sort();
    // The labels the attaching code uses (escalation, low CSAT, the default VIP rule).
    expect(titles()).toEqual(expect.arrayContaining([ESCALATED_LABEL, LOW_CSAT_LABEL, 'vip']));

    const lowCsat = accountObjects(t.fake, accountId).labels.find((l) => l.title === LOW_CSAT_LABEL)!;
    t.fake.state.labels.delete(lowCsat.id);
    const repaired = await t.request('POST', '/v1/stores/labels-1/chatwoot/repair');
    expect(repaired.body.changes).toEqual([{ kind: 'labels', detail: `created label ${LOW_CSAT_LABEL}` }]);
    expect(titles()).toContain(LOW_CSAT_LABEL);

    const updated = await t.request('PUT', '/v1/stores/labels-1/settings', {
      body: { autoAssignment: [{ tiers: ['Gold'], team: 'vip', labels: ['Gold-Customer', 'vip'] }] },
    });
    expect(updated.status).toBe(200);
    await eventually(() => expect(titles()).toContain('gold-customer'));
    expect(titles().filter((title) => title === 'vip')).toHaveLength(1);

    const refused = await t.request('PUT', '/v1/stores/labels-1/settings', {
      body: { autoAssignment: [{ tiers: ['Gold'], labels: ['needs review'] }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/label may hold only letters/);
  });
});

describe('store API input and access', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ACCOUNT_CREATION_PER_HOUR: '2' } });
  });
  afterAll(() => t?.close());

  it('requires the platform key', async () => {
    for (const [method, path] of [
      ['GET', '/v1/stores/x-1'],
      ['PUT', '/v1/stores/x-1'],
      ['DELETE', '/v1/stores/x-1'],
      ['POST', '/v1/stores/x-1/chatwoot/suspend'],
      ['POST', '/v1/stores/x-1/chatwoot/tokens/rotate'],
      ['GET', '/v1/stores/x-1/settings'],
    ]) {
      const res = await t.request(method, path, { auth: null, body: method === 'PUT' ? storeBody('x-1') : undefined });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED', requestId: expect.any(String) });
    }
    expect((await t.request('GET', '/v1/stores/x-1', { auth: 'wrong-key-wrong-key' })).status).toBe(401);
  });

  it('rejects invalid bodies and ids with 400 in the one error shape', async () => {
    const bad = await t.request('PUT', '/v1/stores/bad-1', {
      body: storeBody('bad-1', {
        email: 'not-an-email',
        websiteUrl: 'ftp://x',
        status: 'closed',
        currency: 'euro',
        timezone: 'Mars/Olympus',
        branding: { color: 'blue' },
      }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: expect.any(String) });
    for (const field of ['email', 'websiteUrl', 'status', 'currency', 'timezone', 'color'])
      expect(bad.body.message).toContain(field);

    const unknown = await t.request('PUT', '/v1/stores/bad-1', { body: { ...storeBody('bad-1'), plan: 'gold' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/property plan should not exist/);

    const missing = await t.request('PUT', '/v1/stores/bad-1', { body: { name: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/slug/);

    const badId = await t.request('PUT', `/v1/stores/${'x'.repeat(65)}`, { body: storeBody('ok') });
    expect(badId.status).toBe(400);
    expect(badId.body.code).toBe('INVALID_STORE_ID');

    expect((await t.request('GET', '/v1/stores/bad-1')).body).toMatchObject({ statusCode: 404, code: 'STORE_NOT_FOUND' });
    const malformed = await t.request('PUT', '/v1/stores/bad-1', {
      payload: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
  });

  it('documents the store endpoints in the OpenAPI document', async () => {
    const res = await t.request('GET', '/docs-json', { auth: null });
    expect(res.status).toBe(200);
    const paths = res.body.paths as Record<string, Record<string, { description?: string; security?: unknown[] }>>;
    for (const path of [
      '/v1/stores/{storeId}',
      '/v1/stores/{storeId}/settings',
      '/v1/stores/{storeId}/chatwoot/suspend',
      '/v1/stores/{storeId}/chatwoot/reactivate',
      '/v1/stores/{storeId}/chatwoot/tokens/rotate',
      '/v1/stores/{storeId}/chatwoot/tokens/validate',
      '/v1/stores/{storeId}/chatwoot/branding',
      '/v1/stores/{storeId}/chatwoot/inboxes/defaults',
      '/v1/stores/{storeId}/chatwoot/repair',
    ]) {
      expect(paths[path], path).toBeDefined();
    }
    expect(paths['/v1/stores/{storeId}/chatwoot/tokens/rotate'].post.description).toMatch(
      /website_token and hmac_token cannot be rotated/,
    );
    expect(paths['/v1/stores/{storeId}'].put.description).toMatch(/notificationSecret/);
    expect(paths['/v1/stores/{storeId}'].get.security).toEqual([{ platform: [] }]);
  });

  it('limits account creation per hour with a clear 429, while updates stay allowed', async () => {
    expect((await t.request('PUT', '/v1/stores/rate-1', { body: storeBody('rate-1') })).status).toBe(202);
    expect((await t.request('PUT', '/v1/stores/rate-2', { body: storeBody('rate-2') })).status).toBe(202);
    const limited = await t.request('PUT', '/v1/stores/rate-3', { body: storeBody('rate-3') });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    expect(limited.body.message).toMatch(/at most 2 per 3600 s/);
    expect((await t.request('GET', '/v1/stores/rate-3')).status).toBe(404);
    expect((await t.request('PUT', '/v1/stores/rate-1', { body: storeBody('rate-1', { name: 'Still fine' }) })).status).toBe(200);
  });
});
