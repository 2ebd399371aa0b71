import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startFakeChatwoot, type FakeChatwoot } from './index';

interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Untyped on purpose: assertions poke into arbitrary response JSON. */
  json: any;
}

interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
}

const STRONG_PASSWORD = 'Sup3r-secret!';

async function call(
  fake: FakeChatwoot,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.token !== undefined) headers.api_access_token = opts.token;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A GET sent from another loopback address (127.0.0.0/8 is all local on Linux): another client IP. */
function callFrom(fake: FakeChatwoot, localAddress: string, path: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${fake.url}${path}`, { localAddress, headers: { api_access_token: token } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A webhook receiver that keeps the raw bytes, as a signature check needs them. */
async function startReceiver(status = 200): Promise<{ url: string; received: ReceivedWebhook[]; close(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Record<string, unknown> });
      res.writeHead(status).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/chatwoot/webhook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function verifySignature(secret: string, headers: IncomingHttpHeaders, raw: string): boolean {
  const timestamp = String(headers['x-chatwoot-timestamp']);
  const signature = String(headers['x-chatwoot-signature']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

/** Platform-side provisioning of one store: account, admin user linked as administrator. */
async function provisionStore(fake: FakeChatwoot, email = 'store-admin+1@bridge.example') {
  const account = await call(fake, 'POST', '/platform/api/v1/accounts', {
    token: fake.platformToken,
    body: { name: 'Store One', locale: 'en', support_email: 'help@store.example' },
  });
  const user = await call(fake, 'POST', '/platform/api/v1/users', {
    token: fake.platformToken,
    body: { name: 'Bridge Admin', email, password: STRONG_PASSWORD },
  });
  await call(fake, 'POST', `/platform/api/v1/accounts/${account.json.id}/account_users`, {
    token: fake.platformToken,
    body: { user_id: user.json.id, role: 'administrator' },
  });
  return { accountId: account.json.id as number, userId: user.json.id as number, token: user.json.access_token as string };
}

describe('fake Chatwoot', () => {
  let fake: FakeChatwoot;

  beforeEach(async () => {
    fake = await startFakeChatwoot();
  });

  afterEach(async () => {
    await fake.close();
  });

  describe('platform API', () => {
    it('rejects missing, wrong and user tokens with 401 Invalid access_token', async () => {
      const { token } = await provisionStore(fake);
      for (const candidate of [undefined, 'nope', token]) {
        const answer = await call(fake, 'GET', '/platform/api/v1/accounts', { token: candidate });
        expect(answer.status).toBe(401);
        expect(answer.json).toEqual({ error: 'Invalid access_token' });
      }
      expect(fake.countRequests({ method: 'GET', path: '/platform/api/v1/accounts' })).toBe(3);
      expect(fake.requests.at(-1)).toMatchObject({ status: 401, token });
    });

    it('answers Non permissible resource for records the platform app did not create', async () => {
      const foreign = fake.state.createAccount({ name: 'Created in the UI' }, { platformOwned: false });
      const answer = await call(fake, 'GET', `/platform/api/v1/accounts/${foreign.id}`, { token: fake.platformToken });
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ error: 'Non permissible resource' });

      const list = await call(fake, 'GET', '/platform/api/v1/accounts', { token: fake.platformToken });
      expect(list.json).toEqual([]);
    });

    it('creates accounts with the full account object and Rails-like failures', async () => {
      const created = await call(fake, 'POST', '/platform/api/v1/accounts', {
        token: fake.platformToken,
        body: { name: 'Store', locale: 'pt_BR', features: { macros: false, captain: true }, limits: { agents: 3 } },
      });
      expect(created.status).toBe(200);
      expect(Object.keys(created.json).sort()).toEqual(
        ['custom_attributes', 'domain', 'features', 'id', 'limits', 'locale', 'name', 'status', 'support_email'].sort(),
      );
      expect(created.json).toMatchObject({ name: 'Store', locale: 'pt_BR', status: 'active', limits: { agents: 3 } });
      expect(created.json.features.captain).toBe(true);
      expect(created.json.features.macros).toBeUndefined();

      const badLocale = await call(fake, 'POST', '/platform/api/v1/accounts', {
        token: fake.platformToken,
        body: { name: 'X', locale: 'xx' },
      });
      expect(badLocale.status).toBe(500);

      const badEmail = await call(fake, 'POST', '/platform/api/v1/accounts', {
        token: fake.platformToken,
        body: { name: 'X', support_email: 'not-an-email' },
      });
      expect(badEmail.status).toBe(422);
      expect(badEmail.json).toEqual({ message: 'Support email is invalid', attributes: ['support_email'] });
    });

    it('finds or creates users by lower-cased email and enforces the password policy', async () => {
      const weak = await call(fake, 'POST', '/platform/api/v1/users', {
        token: fake.platformToken,
        body: { name: 'A', email: 'a@x.example', password: 'password' },
      });
      expect(weak.status).toBe(422);
      expect(weak.json.attributes).toEqual(['password']);

      const first = await call(fake, 'POST', '/platform/api/v1/users', {
        token: fake.platformToken,
        body: { name: 'Alice', email: 'Alice@X.example', password: STRONG_PASSWORD },
      });
      expect(first.status).toBe(200);
      expect(first.json).toMatchObject({ email: 'alice@x.example', uid: 'alice@x.example', confirmed: true, accounts: [] });
      expect(first.json.access_token).toMatch(/^[1-9A-HJ-NP-Za-km-z]{24}$/);

      // Existing email: same user back, request name/password ignored, no password check.
      const again = await call(fake, 'POST', '/platform/api/v1/users', {
        token: fake.platformToken,
        body: { name: 'Someone Else', email: 'ALICE@x.example' },
      });
      expect(again.json.id).toBe(first.json.id);
      expect(again.json.name).toBe('Alice');
      expect(again.json.access_token).toBe(first.json.access_token);

      const token = await call(fake, 'POST', `/platform/api/v1/users/${first.json.id}/token`, { token: fake.platformToken });
      expect(token.json).toEqual({
        access_token: first.json.access_token,
        expiry: null,
        user: expect.objectContaining({ id: first.json.id, email: 'alice@x.example' }),
      });
    });

    it('makes a user found by email permissible (claimed) for the platform app', async () => {
      const existing = fake.state.createUser({ name: 'Pre', email: 'pre@x.example', password: STRONG_PASSWORD });
      const before = await call(fake, 'GET', `/platform/api/v1/users/${existing.id}`, { token: fake.platformToken });
      expect(before.json).toEqual({ error: 'Non permissible resource' });
      await call(fake, 'POST', '/platform/api/v1/users', { token: fake.platformToken, body: { email: 'pre@x.example' } });
      const after = await call(fake, 'GET', `/platform/api/v1/users/${existing.id}`, { token: fake.platformToken });
      expect(after.status).toBe(200);
      expect(after.json.access_token).toBe(existing.access_token);
    });

    it('upserts account_users idempotently and returns the raw row', async () => {
      const { accountId, userId } = await provisionStore(fake);
      const path = `/platform/api/v1/accounts/${accountId}/account_users`;
      const first = await call(fake, 'POST', path, {
        token: fake.platformToken,
        body: { user_id: userId, role: 'administrator' },
      });
      const second = await call(fake, 'POST', path, { token: fake.platformToken, body: { user_id: userId, role: 'agent' } });
      expect(Object.keys(first.json).sort()).toEqual(
        [
          'account_id',
          'active_at',
          'auto_offline',
          'availability',
          'created_at',
          'id',
          'inviter_id',
          'role',
          'updated_at',
          'user_id',
        ].sort(),
      );
      expect(second.json.id).toBe(first.json.id);
      expect(second.json.role).toBe('agent');

      const list = await call(fake, 'GET', path, { token: fake.platformToken });
      expect(list.json).toHaveLength(1);

      const removed = await call(fake, 'DELETE', path, { token: fake.platformToken, body: { user_id: userId } });
      expect(removed.status).toBe(200);
      const removedAgain = await call(fake, 'DELETE', path, { token: fake.platformToken, body: { user_id: userId } });
      expect(removedAgain.status).toBe(200);
      expect(fake.state.accountUsersOf(accountId)).toHaveLength(0);
    });

    it('deletes accounts asynchronously', async () => {
      const { accountId } = await provisionStore(fake);
      const answer = await call(fake, 'DELETE', `/platform/api/v1/accounts/${accountId}`, { token: fake.platformToken });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('');
      await new Promise((resolve) => setImmediate(resolve));
      expect(fake.state.accounts.has(accountId)).toBe(false);
    });
  });

  describe('application API auth', () => {
    it('answers 401 for unknown tokens, foreign accounts and suspended accounts', async () => {
      const { accountId, token } = await provisionStore(fake);
      const other = await provisionStore(fake, 'other-admin@bridge.example');

      expect((await call(fake, 'GET', `/api/v1/accounts/${accountId}/contacts`, { token: 'bogus' })).json).toEqual({
        error: 'Invalid Access Token',
      });
      const foreign = await call(fake, 'GET', `/api/v1/accounts/${other.accountId}/contacts`, { token });
      expect(foreign.status).toBe(401);
      expect(foreign.json).toEqual({ error: 'You are not authorized to access this account' });

      await call(fake, 'PATCH', `/platform/api/v1/accounts/${accountId}`, {
        token: fake.platformToken,
        body: { status: 'suspended' },
      });
      const suspended = await call(fake, 'GET', `/api/v1/accounts/${accountId}/contacts`, { token });
      expect(suspended.status).toBe(401);
      expect(suspended.json).toEqual({ error: 'Account is suspended' });

      await call(fake, 'PATCH', `/platform/api/v1/accounts/${accountId}`, {
        token: fake.platformToken,
        body: { status: 'active' },
      });
      expect((await call(fake, 'GET', `/api/v1/accounts/${accountId}/contacts`, { token })).status).toBe(200);
    });

    it('rotates the token with reset_access_token and invalidates the old one at once', async () => {
      const { accountId, token } = await provisionStore(fake);
      const profile = await call(fake, 'GET', '/api/v1/profile', { token });
      expect(profile.json.accounts).toEqual([expect.objectContaining({ id: accountId, role: 'administrator' })]);

      const reset = await call(fake, 'POST', '/api/v1/profile/reset_access_token', { token });
      expect(reset.status).toBe(200);
      const fresh = reset.json.access_token as string;
      expect(fresh).not.toBe(token);

      expect((await call(fake, 'GET', '/api/v1/profile', { token })).json).toEqual({ error: 'Invalid Access Token' });
      expect((await call(fake, 'GET', '/api/v1/profile', { token: fresh })).status).toBe(200);
    });
  });

  describe('inboxes', () => {
    it('creates a web widget inbox and shows hmac_token to administrators only', async () => {
      const { accountId, token } = await provisionStore(fake);
      const invalid = await call(fake, 'POST', `/api/v1/accounts/${accountId}/inboxes`, {
        token,
        body: { name: 'Web', channel: { type: 'web_widget' } },
      });
      expect(invalid.status).toBe(422);
      expect(invalid.json).toEqual({ message: "Website url can't be blank", attributes: ['website_url'] });

      const created = await call(fake, 'POST', `/api/v1/accounts/${accountId}/inboxes`, {
        token,
        body: {
          name: 'Web',
          channel: { type: 'web_widget', website_url: 'https://store.example', welcome_title: 'Hi', hmac_mandatory: true },
        },
      });
      expect(created.status).toBe(200);
      expect(created.json).toMatchObject({
        name: 'Web',
        channel_type: 'Channel::WebWidget',
        website_url: 'https://store.example',
        widget_color: '#1f93ff',
        welcome_title: 'Hi',
        hmac_mandatory: true,
      });
      expect(created.json.website_token).toMatch(/^\w{24}$/);
      expect(created.json.hmac_token).toMatch(/^\w{24}$/);
      expect(created.json.web_widget_script).toContain(created.json.website_token);

      const agent = fake.state.createAgent(accountId, {
        name: 'Agent',
        email: 'agent@store.example',
        inboxIds: [created.json.id],
      });
      const asAgent = await call(fake, 'GET', `/api/v1/accounts/${accountId}/inboxes/${created.json.id}`, {
        token: agent.access_token,
      });
      expect(asAgent.status).toBe(200);
      expect(asAgent.json.website_token).toBe(created.json.website_token);
      expect(asAgent.json).not.toHaveProperty('hmac_token');

      const agentCreate = await call(fake, 'POST', `/api/v1/accounts/${accountId}/inboxes`, {
        token: agent.access_token,
        body: { name: 'X', channel: { type: 'web_widget', website_url: 'https://x.example' } },
      });
      expect(agentCreate.status).toBe(401);
      expect(agentCreate.json).toEqual({ error: 'You are not authorized to do this action' });

      const patched = await call(fake, 'PATCH', `/api/v1/accounts/${accountId}/inboxes/${created.json.id}`, {
        token,
        body: { csat_survey_enabled: true, channel: { widget_color: '#000000' } },
      });
      expect(patched.json).toMatchObject({
        csat_survey_enabled: true,
        widget_color: '#000000',
        website_url: 'https://store.example',
      });
    });
  });

  describe('contacts', () => {
    let accountId: number;
    let token: string;
    const contacts = () => `/api/v1/accounts/${accountId}/contacts`;

    beforeEach(async () => {
      ({ accountId, token } = await provisionStore(fake));
    });

    it('creates contacts and rejects duplicates with Chatwoot’s 422 shape', async () => {
      const created = await call(fake, 'POST', contacts(), {
        token,
        body: { name: 'Jane', email: 'Jane@Example.com', identifier: 'cust-1', phone_number: '+4915112345678' },
      });
      expect(created.status).toBe(200);
      expect(created.json.payload.contact).toMatchObject({ name: 'Jane', email: 'jane@example.com', identifier: 'cust-1' });
      expect(created.json.payload.contact_inbox).toEqual({ inbox: null, source_id: null });

      const dupEmail = await call(fake, 'POST', contacts(), { token, body: { name: 'J2', email: 'JANE@example.COM' } });
      expect(dupEmail.status).toBe(422);
      expect(dupEmail.json).toEqual({ message: 'Email has already been taken', attributes: ['email'] });

      const dupIdentifier = await call(fake, 'POST', contacts(), { token, body: { name: 'J3', identifier: 'cust-1' } });
      expect(dupIdentifier.json).toEqual({ message: 'Identifier has already been taken', attributes: ['identifier'] });
      // identifier uniqueness is case-sensitive
      expect((await call(fake, 'POST', contacts(), { token, body: { name: 'J4', identifier: 'CUST-1' } })).status).toBe(200);

      const dupPhone = await call(fake, 'POST', contacts(), { token, body: { name: 'J5', phone_number: '+4915112345678' } });
      expect(dupPhone.json).toEqual({ message: 'Phone number has already been taken', attributes: ['phone_number'] });
      const badPhone = await call(fake, 'POST', contacts(), { token, body: { name: 'J6', phone_number: '015112345678' } });
      expect(badPhone.status).toBe(422);
      expect(badPhone.json.attributes).toEqual(['phone_number']);
    });

    it('merges custom and additional attributes on update and fires contact_updated with changes', async () => {
      const receiver = await startReceiver();
      try {
        fake.state.createWebhook(accountId, { url: receiver.url, subscriptions: ['contact_created', 'contact_updated'] });
        const created = await call(fake, 'POST', contacts(), {
          token,
          body: {
            name: 'Jane',
            email: 'jane@example.com',
            custom_attributes: { tier: 'gold', orders: 3 },
            additional_attributes: { city: 'Berlin' },
          },
        });
        const id = created.json.payload.contact.id as number;
        const updated = await call(fake, 'PUT', `${contacts()}/${id}`, {
          token,
          body: { custom_attributes: { orders: 4 }, additional_attributes: { company_name: 'ACME' } },
        });
        expect(updated.json.payload.custom_attributes).toEqual({ tier: 'gold', orders: 4 });
        expect(updated.json.payload.additional_attributes).toEqual({ city: 'Berlin', company_name: 'ACME' });

        // A no-op update changes nothing and therefore sends nothing.
        await call(fake, 'PATCH', `${contacts()}/${id}`, { token, body: { custom_attributes: { orders: 4 } } });
        await fake.flushWebhooks();

        expect(receiver.received.map((hook) => hook.body.event)).toEqual(['contact_created', 'contact_updated']);
        const change = receiver.received[1]!.body;
        expect(change).toMatchObject({
          id,
          account: { id: accountId, name: 'Store One' },
          custom_attributes: { tier: 'gold', orders: 4 },
        });
        const changed = change.changed_attributes as Record<string, { previous_value: unknown; current_value: unknown }>[];
        expect(changed.flatMap((entry) => Object.keys(entry)).sort()).toEqual([
          'additional_attributes',
          'custom_attributes',
          'updated_at',
        ]);
        expect(changed.find((entry) => 'custom_attributes' in entry)).toEqual({
          custom_attributes: { previous_value: { tier: 'gold', orders: 3 }, current_value: { tier: 'gold', orders: 4 } },
        });
      } finally {
        await receiver.close();
      }
    });

    it('filters by identifier case-insensitively while search is case-sensitive on identifier', async () => {
      fake.state.createContact(accountId, { name: 'Upper', identifier: 'ABC-1' }, { silent: true });
      fake.state.createContact(accountId, { name: 'Lower', identifier: 'abc-1' }, { silent: true });
      fake.state.createContact(accountId, { name: 'Other', identifier: 'zzz', email: 'other@example.com' }, { silent: true });

      const filtered = await call(fake, 'POST', `${contacts()}/filter`, {
        token,
        body: {
          payload: [{ attribute_key: 'identifier', filter_operator: 'equal_to', values: ['Abc-1'], query_operator: null }],
        },
      });
      expect(filtered.status).toBe(200);
      expect(filtered.json.meta).toEqual({ count: 2, current_page: 1 });
      expect(filtered.json.payload.map((c: { name: string }) => c.name).sort()).toEqual(['Lower', 'Upper']);

      const combined = await call(fake, 'POST', `${contacts()}/filter`, {
        token,
        body: {
          payload: [
            { attribute_key: 'identifier', filter_operator: 'equal_to', values: ['abc-1'], query_operator: 'AND' },
            { attribute_key: 'name', filter_operator: 'equal_to', values: ['upper'], query_operator: 'OR' },
            { attribute_key: 'email', filter_operator: 'contains', values: ['OTHER@'] },
          ],
        },
      });
      expect(combined.json.payload.map((c: { name: string }) => c.name).sort()).toEqual(['Other', 'Upper']);

      const search = await call(fake, 'GET', `${contacts()}/search?q=abc`, { token });
      expect(search.json.payload.map((c: { name: string }) => c.name)).toEqual(['Lower']);
    });

    it('searches every contact (not only resolved ones) with LIKE wildcards, 15 a page, count = page size', async () => {
      // contacts_controller.rb#search: Current.account.contacts, ILIKE/LIKE '%q%', fetch_contacts_with_has_more.
      fake.state.createContact(accountId, { name: 'Visitor Zed' }, { silent: true });
      fake.state.createContact(accountId, { name: 'Ann', email: 'ann_b@example.com' }, { silent: true });
      fake.state.createContact(accountId, { name: 'Anx', email: 'annxb@example.com' }, { silent: true });
      const nameOnly = await call(fake, 'GET', `${contacts()}/search?q=zed`, { token });
      expect(nameOnly.json.payload.map((c: { name: string }) => c.name)).toEqual(['Visitor Zed']);
      expect((await call(fake, 'GET', contacts(), { token })).json.payload.map((c: { name: string }) => c.name)).not.toContain(
        'Visitor Zed',
      );
      // `_` matches any one character, as in SQL LIKE.
      const wildcard = await call(fake, 'GET', `${contacts()}/search?q=${encodeURIComponent('ann_b@')}`, { token });
      expect(wildcard.json.payload.map((c: { name: string }) => c.name).sort()).toEqual(['Ann', 'Anx']);

      for (let i = 0; i < 17; i++) fake.state.createContact(accountId, { name: `Bulk ${i}` }, { silent: true });
      const first = await call(fake, 'GET', `${contacts()}/search?q=bulk`, { token });
      expect(first.json.meta).toEqual({ count: 15, current_page: 1, has_more: true });
      const second = await call(fake, 'GET', `${contacts()}/search?q=bulk&page=2`, { token });
      expect(second.json.meta).toMatchObject({ count: 2, has_more: false });
    });

    it('merging a contact with itself answers that contact and changes nothing (ContactMergeAction returns early)', async () => {
      const contact = fake.state.createContact(accountId, { name: 'Solo', email: 'solo@example.com' }, { silent: true });
      const merged = await call(fake, 'POST', `/api/v1/accounts/${accountId}/actions/contact_merge`, {
        token,
        body: { base_contact_id: contact.id, mergee_contact_id: contact.id },
      });
      expect(merged.status).toBe(200);
      expect(merged.json).toMatchObject({ id: contact.id, name: 'Solo', email: 'solo@example.com' });
      expect(fake.state.contacts.has(contact.id)).toBe(true);
    });

    it('merges contacts: conversations move, base values win, mergee is deleted', async () => {
      const inbox = fake.state.createInbox(
        accountId,
        { name: 'Web', channel: { website_url: 'https://s.example' } },
        { silent: true },
      );
      const base = fake.state.createContact(
        accountId,
        { name: 'Base', email: 'base@example.com', custom_attributes: { a: 1, b: '' } },
        { silent: true },
      );
      const mergee = fake.state.createContact(
        accountId,
        { name: 'Mergee', identifier: 'cust-9', phone_number: '+14155550100', custom_attributes: { a: 2, b: 'kept', c: 3 } },
        { silent: true },
      );
      const conversation = fake.state.createConversation(
        accountId,
        { contactId: mergee.id, inboxId: inbox.id },
        { silent: true },
      );

      const merged = await call(fake, 'POST', `/api/v1/accounts/${accountId}/actions/contact_merge`, {
        token,
        body: { base_contact_id: base.id, mergee_contact_id: mergee.id },
      });
      expect(merged.status).toBe(200);
      expect(merged.json).toMatchObject({
        id: base.id,
        name: 'Base',
        email: 'base@example.com',
        identifier: 'cust-9',
        phone_number: '+14155550100',
        custom_attributes: { a: 1, b: 'kept', c: 3 },
      });
      expect(fake.state.contacts.has(mergee.id)).toBe(false);
      expect(fake.state.getConversation(accountId, conversation.display_id).contact_id).toBe(base.id);
      const conversations = await call(fake, 'GET', `${contacts()}/${base.id}/conversations`, { token });
      expect(conversations.json.payload.map((c: { id: number }) => c.id)).toEqual([conversation.display_id]);
      expect((await call(fake, 'GET', `${contacts()}/${mergee.id}`, { token })).json).toEqual({
        error: 'Resource could not be found',
      });
    });
  });

  describe('webhooks', () => {
    it('returns a secret on create and signs deliveries with it', async () => {
      const receiver = await startReceiver();
      try {
        const { accountId, token } = await provisionStore(fake);
        const created = await call(fake, 'POST', `/api/v1/accounts/${accountId}/webhooks`, {
          token,
          body: {
            webhook: {
              url: receiver.url,
              name: 'bridge',
              subscriptions: ['message_created', 'conversation_created', 'message_updated'],
            },
          },
        });
        expect(created.status).toBe(200);
        const webhook = created.json.payload.webhook;
        expect(webhook).toMatchObject({ url: receiver.url, name: 'bridge', account_id: accountId });
        expect(webhook.secret).toMatch(/^\w{24}$/);

        const inbox = fake.state.createInbox(accountId, { name: 'Web', channel: { website_url: 'https://s.example' } });
        const contact = fake.state.createContact(accountId, { name: 'Jane', email: 'jane@example.com' });
        const conversation = fake.state.createConversation(accountId, { contactId: contact.id, inboxId: inbox.id });
        const message = fake.state.addMessage(accountId, conversation.display_id, {
          messageType: 'incoming',
          content: 'Where is my order?',
        });
        await fake.flushWebhooks();

        // Only subscribed events reach the receiver (no inbox_created/contact_created/...).
        expect(receiver.received.map((hook) => hook.body.event)).toEqual(['conversation_created', 'message_created']);
        for (const hook of receiver.received) {
          expect(hook.headers['content-type']).toBe('application/json');
          expect(hook.headers['x-chatwoot-delivery']).toMatch(
            /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
          );
          expect(Math.abs(Number(hook.headers['x-chatwoot-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
          expect(verifySignature(webhook.secret, hook.headers, hook.raw)).toBe(true);
          expect(verifySignature('wrong-secret', hook.headers, hook.raw)).toBe(false);
        }

        const messageHook = receiver.received[1]!.body;
        expect(messageHook).toMatchObject({
          id: message.id,
          content: 'Where is my order?',
          message_type: 'incoming',
          account: { id: accountId },
          inbox: { id: inbox.id, name: 'Web' },
          sender: { id: contact.id, email: 'jane@example.com' },
          conversation: { id: conversation.display_id, status: 'open', meta: { sender: { id: contact.id, type: 'contact' } } },
        });
        expect(typeof messageHook.created_at).toBe('string');
        const pushed = (messageHook.conversation as { messages: { message_type: number; created_at: number }[] }).messages[0]!;
        expect(pushed.message_type).toBe(0);
        expect(Number.isInteger(pushed.created_at)).toBe(true);

        // CSAT: the customer rates → message_updated carrying the rating.
        fake.state.submitCsat(accountId, conversation.display_id, 5, 'great');
        await fake.flushWebhooks();
        const csat = receiver.received.filter((hook) => hook.body.event === 'message_updated').at(-1)!.body;
        expect(csat).toMatchObject({
          content_type: 'input_csat',
          message_type: 'template',
          content_attributes: { submitted_values: { csat_survey_response: { rating: 5, feedback_message: 'great' } } },
        });
        expect(fake.deliveries.every((delivery) => delivery.status === 200)).toBe(true);
      } finally {
        await fake.close();
        await receiver.close();
      }
    });

    it('fires conversation_status_changed and conversation_updated on toggle_status, and honours webhooksEnabled', async () => {
      const receiver = await startReceiver();
      try {
        const { accountId, token } = await provisionStore(fake);
        fake.state.createWebhook(accountId, {
          url: receiver.url,
          subscriptions: ['conversation_status_changed', 'conversation_updated'],
        });
        const inbox = fake.state.createInbox(
          accountId,
          { name: 'Web', channel: { website_url: 'https://s.example' } },
          { silent: true },
        );
        const contact = fake.state.createContact(accountId, { name: 'Jane', email: 'j@example.com' }, { silent: true });
        const conversation = fake.state.createConversation(
          accountId,
          { contactId: contact.id, inboxId: inbox.id },
          { silent: true },
        );

        const toggled = await call(
          fake,
          'POST',
          `/api/v1/accounts/${accountId}/conversations/${conversation.display_id}/toggle_status`,
          {
            token,
            body: { status: 'resolved' },
          },
        );
        expect(toggled.json).toEqual({
          meta: {},
          payload: { success: true, conversation_id: conversation.display_id, current_status: 'resolved', snoozed_until: null },
        });
        await fake.flushWebhooks();
        expect(receiver.received.map((hook) => hook.body.event)).toEqual(['conversation_status_changed', 'conversation_updated']);
        expect(receiver.received[0]!.body).toMatchObject({
          id: conversation.display_id,
          status: 'resolved',
          changed_attributes: null,
        });
        expect(receiver.received[1]!.body.changed_attributes).toContainEqual({
          status: { previous_value: 'open', current_value: 'resolved' },
        });

        fake.webhooksEnabled = false;
        fake.state.setStatus(accountId, conversation.display_id, 'open');
        await fake.flushWebhooks();
        expect(receiver.received).toHaveLength(2);
        expect(fake.suppressedWebhooks.map((entry) => entry.payload.event)).toEqual([
          'conversation_status_changed',
          'conversation_updated',
        ]);
      } finally {
        await fake.close();
        await receiver.close();
      }
    });

    it('builds payloads when the job runs: a quick resolve → reopen sends two deliveries that both say open', async () => {
      const receiver = await startReceiver();
      try {
        const { accountId } = await provisionStore(fake);
        fake.state.createWebhook(accountId, {
          url: receiver.url,
          subscriptions: ['conversation_status_changed', 'conversation_updated'],
        });
        const inbox = fake.state.createInbox(
          accountId,
          { name: 'Web', channel: { website_url: 'https://s.example' } },
          { silent: true },
        );
        const contact = fake.state.createContact(accountId, { name: 'Jane', email: 'j@example.com' }, { silent: true });
        const conversation = fake.state.createConversation(
          accountId,
          { contactId: contact.id, inboxId: inbox.id },
          { silent: true },
        );
        const resolved = fake.state.setStatus(accountId, conversation.display_id, 'resolved').updated_at.toISOString();
        fake.state.setStatus(accountId, conversation.display_id, 'open');
        await fake.flushWebhooks();

        const bodies = receiver.received.map((hook) => hook.body);
        const statusChanged = bodies.filter((body) => body.event === 'conversation_status_changed');
        expect(statusChanged.map((body) => body.status)).toEqual(['open', 'open']);
        const updated = bodies.filter((body) => body.event === 'conversation_updated');
        expect(updated.map((body) => body.status)).toEqual(['open', 'open']);
        // changed_attributes were captured at commit and still tell what happened, and when.
        const changes = updated.map((body) => body.changed_attributes as Record<string, { current_value: unknown }>[]);
        expect(changes[0]).toContainEqual({ status: { previous_value: 'open', current_value: 'resolved' } });
        expect(changes[0]!.find((change) => 'updated_at' in change)!.updated_at!.current_value).toBe(resolved);
        expect(changes[1]).toContainEqual({ status: { previous_value: 'resolved', current_value: 'open' } });
      } finally {
        await receiver.close();
      }
    });

    it('validates url and subscriptions, and lets tests send tampered deliveries', async () => {
      const receiver = await startReceiver();
      try {
        const { accountId, token } = await provisionStore(fake);
        const path = `/api/v1/accounts/${accountId}/webhooks`;
        const bad = await call(fake, 'POST', path, {
          token,
          body: { url: receiver.url, subscriptions: ['conversation_resolved'] },
        });
        expect(bad.status).toBe(422);
        expect(bad.json.attributes).toEqual(['subscriptions']);
        await call(fake, 'POST', path, { token, body: { url: receiver.url, subscriptions: ['contact_created'] } });
        const dup = await call(fake, 'POST', path, { token, body: { url: receiver.url, subscriptions: ['contact_created'] } });
        expect(dup.json).toEqual({ message: 'Url has already been taken', attributes: ['url'] });

        const contact = fake.state.createContact(accountId, { name: 'Jane', email: 'j@example.com' }, { silent: true });
        const results = await fake.emit(
          accountId,
          'contact_created',
          { contactId: contact.id },
          { secret: 'wrong', deliveryId: 'fixed-id' },
        );
        expect(results).toEqual([expect.objectContaining({ status: 200, deliveryId: 'fixed-id' })]);
        const secret = [...fake.state.webhooks.values()][0]!.secret;
        const hook = receiver.received.at(-1)!;
        expect(hook.body).toMatchObject({ event: 'contact_created', id: contact.id, email: 'j@example.com' });
        expect(verifySignature(secret, hook.headers, hook.raw)).toBe(false);
      } finally {
        await fake.close();
        await receiver.close();
      }
    });
  });

  describe('webhook delivery failures', () => {
    it('records non-2xx answers, refused connections and timeouts without retrying', async () => {
      const slowFake = await startFakeChatwoot({ webhookTimeoutMs: 200 });
      const failing = await startReceiver(500);
      const hanging = createServer(() => {
        /* never answers */
      });
      await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
      const hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`;
      try {
        const account = slowFake.state.createAccount({ name: 'S' });
        for (const url of [failing.url, hangingUrl, 'http://127.0.0.1:1/refused']) {
          slowFake.state.createWebhook(account.id, { url, subscriptions: ['contact_created'] });
        }
        slowFake.state.createContact(account.id, { name: 'Jane', email: 'j@example.com' });
        await slowFake.flushWebhooks();

        const byUrl = new Map(slowFake.deliveries.map((delivery) => [delivery.url, delivery]));
        expect(byUrl.get(failing.url)).toMatchObject({ status: 500, event: 'contact_created', automatic: true });
        expect(byUrl.get(hangingUrl)?.error).toMatch(/timed out/);
        expect(byUrl.get('http://127.0.0.1:1/refused')?.error).toBeTruthy();
        expect(failing.received).toHaveLength(1);
      } finally {
        await slowFake.close();
        await failing.close();
        hanging.closeAllConnections();
        await new Promise<void>((resolve) => hanging.close(() => resolve()));
      }
    });
  });

  describe('customer-side simulation', () => {
    it('an incoming message reopens a resolved conversation and bumps the contact activity (with webhooks)', async () => {
      const receiver = await startReceiver();
      try {
        const { accountId } = await provisionStore(fake);
        const inbox = fake.state.createInbox(
          accountId,
          { name: 'Web', channel: { website_url: 'https://s.example' } },
          { silent: true },
        );
        const contact = fake.state.createContact(accountId, { name: 'Jane', email: 'j@example.com' }, { silent: true });
        const conversation = fake.state.createConversation(
          accountId,
          { contactId: contact.id, inboxId: inbox.id, status: 'resolved' },
          { silent: true },
        );
        fake.state.createWebhook(accountId, {
          url: receiver.url,
          subscriptions: ['message_created', 'conversation_status_changed', 'contact_updated'],
        });

        const answer = await call(fake, 'POST', `/__fake/accounts/${accountId}/incoming_messages`, {
          body: { contact_id: contact.id, inbox_id: inbox.id, content: 'hello again' },
        });
        // The control API does not pollute the recorded Chatwoot traffic.
        expect(fake.countRequests({ path: /^\/__fake/ })).toBe(0);
        expect(answer.json.conversation_id).not.toBe(conversation.display_id);

        fake.state.addMessage(accountId, conversation.display_id, { messageType: 'incoming', content: 'reopen please' });
        await fake.flushWebhooks();
        expect(fake.state.getConversation(accountId, conversation.display_id).status).toBe('open');
        const events = receiver.received.map((hook) => hook.body.event);
        expect(events.filter((event) => event === 'message_created')).toHaveLength(2);
        expect(events).toContain('conversation_status_changed');
        const activity = receiver.received.find((hook) => hook.body.event === 'contact_updated')!.body;
        const keys = (activity.changed_attributes as Record<string, unknown>[]).flatMap((entry) => Object.keys(entry)).sort();
        expect(keys).toEqual(['last_activity_at', 'updated_at']);
      } finally {
        await fake.close();
        await receiver.close();
      }
    });

    it('assigns an agent who reopens a conversation through toggle_status', async () => {
      const { accountId } = await provisionStore(fake);
      const inbox = fake.state.createInbox(accountId, { name: 'Web', channel: { website_url: 'https://s.example' } });
      const agent = fake.state.createAgent(accountId, { name: 'Agent', email: 'agent@s.example', inboxIds: [inbox.id] });
      const contact = fake.state.createContact(accountId, { name: 'Jane', email: 'j@example.com' });
      const conversation = fake.state.createConversation(accountId, {
        contactId: contact.id,
        inboxId: inbox.id,
        status: 'resolved',
      });
      const toggled = await call(
        fake,
        'POST',
        `/api/v1/accounts/${accountId}/conversations/${conversation.display_id}/toggle_status`,
        {
          token: agent.access_token,
        },
      );
      expect(toggled.json.payload.current_status).toBe('open');
      expect(fake.state.getConversation(accountId, conversation.display_id).assignee_id).toBe(agent.id);
    });
  });

  describe('faults and rate limiting', () => {
    it('injects a 500 for the next matching request only, then succeeds', async () => {
      const { accountId, token } = await provisionStore(fake);
      fake.faults.add({ method: 'GET', path: `/api/v1/accounts/${accountId}/contacts`, status: 500, times: 1 });
      const failed = await call(fake, 'GET', `/api/v1/accounts/${accountId}/contacts`, { token });
      expect(failed.status).toBe(500);
      const retried = await call(fake, 'GET', `/api/v1/accounts/${accountId}/contacts`, { token });
      expect(retried.status).toBe(200);
      expect(retried.json).toEqual({ meta: { count: 0, current_page: 1 }, payload: [] });
      expect(fake.requests.slice(-2).map((request) => request.status)).toEqual([500, 200]);
    });

    it('adds latency without changing the answer', async () => {
      fake.faults.add({ path: /^\/platform\//, delayMs: 150, times: 1 });
      const started = Date.now();
      const answer = await call(fake, 'GET', '/platform/api/v1/accounts', { token: fake.platformToken });
      expect(answer.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('lets a client time out on a huge delay and still closes promptly', async () => {
      fake.faults.add({ path: '/platform/api/v1/accounts', delayMs: 10 * 60_000, times: 1 });
      await expect(
        fetch(`${fake.url}/platform/api/v1/accounts`, {
          headers: { api_access_token: fake.platformToken },
          signal: AbortSignal.timeout(100),
        }),
      ).rejects.toThrow();
      expect(fake.requests.at(-1)).toMatchObject({ path: '/platform/api/v1/accounts', status: 0 });
      const started = Date.now();
      await fake.close();
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('answers injected 429s exactly like rack-attack', async () => {
      fake.faults.add({ status: 429, body: { ignored: true }, times: 1 });
      const throttled = await call(fake, 'GET', '/platform/api/v1/accounts', { token: fake.platformToken });
      expect(throttled.status).toBe(429);
      expect(throttled.text).toBe('Retry later\n');
      expect(throttled.headers.get('content-type')).toBe('text/plain');
      expect(throttled.headers.get('retry-after')).toBeNull();
      const names: string[] = [];
      throttled.headers.forEach((_value, name) => names.push(name));
      expect(names.filter((name) => name.startsWith('x-ratelimit') || name === 'retry-after')).toEqual([]);
    });

    it('rate limits all requests per window, whatever the endpoint or token', async () => {
      // An hour-long window makes a window boundary inside this burst practically impossible.
      fake.faults.rateLimit(3, 3_600_000);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        statuses.push((await call(fake, 'GET', '/platform/api/v1/accounts', { token: fake.platformToken })).status);
      }
      const throttledProfile = await call(fake, 'GET', '/api/v1/profile', { token: 'whatever' });
      const throttledPlatform = await call(fake, 'GET', '/platform/api/v1/accounts', { token: fake.platformToken });
      expect(statuses).toEqual([200, 200, 200]);
      for (const answer of [throttledProfile, throttledPlatform]) {
        expect(answer.status).toBe(429);
        expect(answer.text).toBe('Retry later\n');
        expect(answer.headers.get('retry-after')).toBeNull();
      }
      expect(fake.countRequests({ path: '/platform/api/v1/accounts' })).toBe(4);

      fake.faults.clear();
      expect((await call(fake, 'GET', '/platform/api/v1/accounts', { token: fake.platformToken })).status).toBe(200);
    });

    it('counts the limit per client IP, as rack-attack keys req/ip, and never throttles /health', async () => {
      fake.faults.rateLimit(2, 3_600_000);
      const path = '/platform/api/v1/accounts';
      const first = [await callFrom(fake, '127.0.0.1', path, fake.platformToken)];
      first.push(await callFrom(fake, '127.0.0.1', path, fake.platformToken));
      first.push(await callFrom(fake, '127.0.0.1', path, fake.platformToken));
      expect(first).toEqual([200, 200, 429]);
      // Another client IP has a window of its own: a fleet behind one egress IP shares one, N IPs do not.
      expect(await callFrom(fake, '127.0.0.2', path, fake.platformToken)).toBe(200);
      expect(fake.requests.slice(-2).map((r) => r.ip)).toEqual(['127.0.0.1', '127.0.0.2']);
      // Safelisted by Chatwoot ('health check'): not counted, never 429 (the fake has no such route).
      expect(await callFrom(fake, '127.0.0.1', '/health', fake.platformToken)).not.toBe(429);
    });
  });

  describe('dashboard apps, custom attributes, conversations', () => {
    let accountId: number;
    let token: string;

    beforeEach(async () => {
      ({ accountId, token } = await provisionStore(fake));
    });

    it('validates dashboard app content', async () => {
      const path = `/api/v1/accounts/${accountId}/dashboard_apps`;
      const bad = await call(fake, 'POST', path, {
        token,
        body: { title: 'Orders', content: [{ type: 'frame', url: 'ftp://x' }] },
      });
      expect(bad.json).toEqual({ message: 'Content : Invalid data', attributes: ['content'] });
      const good = await call(fake, 'POST', path, {
        token,
        body: { dashboard_app: { title: 'Orders', content: [{ type: 'frame', url: 'https://bridge.example/panel' }] } },
      });
      expect(Object.keys(good.json).sort()).toEqual(['content', 'created_at', 'id', 'title']);
    });

    it('validates custom attribute definitions and answers with enum names', async () => {
      const path = `/api/v1/accounts/${accountId}/custom_attribute_definitions`;
      const body = {
        attribute_display_name: 'Tier',
        attribute_key: 'store_tier',
        attribute_display_type: 6,
        attribute_model: 1,
        attribute_values: ['a'],
      };
      const created = await call(fake, 'POST', path, { token, body });
      expect(created.json).toMatchObject({
        attribute_key: 'store_tier',
        attribute_display_type: 'list',
        attribute_model: 'contact_attribute',
      });
      const dup = await call(fake, 'POST', path, { token, body: { ...body, attribute_model: 'contact_attribute' } });
      expect(dup.json).toEqual({ message: 'Attribute key has already been taken', attributes: ['attribute_key'] });
      const reserved = await call(fake, 'POST', path, { token, body: { ...body, attribute_key: 'email' } });
      expect(reserved.status).toBe(422);
      const list = await call(fake, 'GET', `${path}?attribute_model=contact_attribute`, { token });
      expect(list.json).toHaveLength(1);
    });

    it('lists every custom attribute definition when attribute_model is absent', async () => {
      // with_attribute_model(nil) is nil, and a nil scope returns all (custom_attribute_definition.rb).
      const path = `/api/v1/accounts/${accountId}/custom_attribute_definitions`;
      const base = { attribute_display_name: 'X', attribute_display_type: 'text' };
      await call(fake, 'POST', path, {
        token,
        body: { ...base, attribute_key: 'all_contact', attribute_model: 'contact_attribute' },
      });
      await call(fake, 'POST', path, {
        token,
        body: { ...base, attribute_key: 'all_conversation', attribute_model: 'conversation_attribute' },
      });
      const keys = (answer: ApiAnswer) => (answer.json as { attribute_key: string }[]).map((d) => d.attribute_key);
      const all = await call(fake, 'GET', path, { token });
      expect(keys(all)).toEqual(expect.arrayContaining(['all_contact', 'all_conversation']));
      const conversations = await call(fake, 'GET', `${path}?attribute_model=0`, { token });
      expect(keys(conversations)).toContain('all_conversation');
      expect(keys(conversations)).not.toContain('all_contact');
    });

    it('replaces conversation custom attributes as Chatwoot does, and sends them in conversation payloads', async () => {
      // conversations_controller.rb (account API custom_attributes and widget set_custom_attributes):
      // `update!(custom_attributes: ...)` replaces the hash; event_data_presenter.rb puts it in payloads.
      const receiver = await startReceiver();
      try {
        await call(fake, 'POST', `/api/v1/accounts/${accountId}/webhooks`, {
          token,
          body: { url: receiver.url, subscriptions: ['conversation_created', 'conversation_updated'] },
        });
        const inbox = fake.state.createInbox(accountId, { name: 'Web', channel: { website_url: 'https://s.example' } });
        const contact = fake.state.createContact(accountId, { name: 'Jane' });
        const conversation = fake.state.createConversation(accountId, {
          contactId: contact.id,
          inboxId: inbox.id,
          customAttributes: { bridge_session_id: 'sess-12345678', prechat_topic: 'returns' },
        });
        const path = `/api/v1/accounts/${accountId}/conversations/${conversation.display_id}/custom_attributes`;
        const set = await call(fake, 'POST', path, { token, body: { custom_attributes: { agent_flag: 'vip' } } });
        expect(set.json).toEqual({ custom_attributes: { agent_flag: 'vip' } });
        await fake.flushWebhooks();
        const created = receiver.received.find((w) => w.body.event === 'conversation_created')!;
        expect(created.body.custom_attributes).toEqual({ bridge_session_id: 'sess-12345678', prechat_topic: 'returns' });
        const updated = receiver.received.find((w) => w.body.event === 'conversation_updated')!;
        expect(updated.body.custom_attributes).toEqual({ agent_flag: 'vip' });
      } finally {
        await receiver.close();
      }
    });

    it('lists conversations by status with Chatwoot meta counts', async () => {
      const inbox = fake.state.createInbox(
        accountId,
        { name: 'Web', channel: { website_url: 'https://s.example' } },
        { silent: true },
      );
      const contact = fake.state.createContact(accountId, { name: 'Jane', email: 'j@example.com' }, { silent: true });
      const agent = fake.state.createAgent(accountId, { name: 'Agent', email: 'agent@s.example', inboxIds: [inbox.id] });
      fake.state.silently(() => {
        const a = fake.state.createConversation(accountId, { contactId: contact.id, inboxId: inbox.id });
        fake.state.createConversation(accountId, { contactId: contact.id, inboxId: inbox.id });
        const c = fake.state.createConversation(accountId, { contactId: contact.id, inboxId: inbox.id });
        fake.state.assign(accountId, a.display_id, { assigneeId: agent.id });
        fake.state.setStatus(accountId, c.display_id, 'resolved');
      });
      const open = await call(fake, 'GET', `/api/v1/accounts/${accountId}/conversations`, { token });
      expect(open.json.data.meta).toEqual({ mine_count: 0, assigned_count: 1, unassigned_count: 1, all_count: 2 });
      expect(open.json.data.payload.map((c: { id: number }) => c.id)).toEqual([2, 1]);
      const all = await call(fake, 'GET', `/api/v1/accounts/${accountId}/conversations?status=all&sort_by=last_activity_at_asc`, {
        token,
      });
      expect(all.json.data.payload.map((c: { id: number }) => c.id)).toEqual([1, 2, 3]);

      const mine = await call(fake, 'GET', `/api/v1/accounts/${accountId}/conversations?assignee_type=me`, {
        token: agent.access_token,
      });
      expect(mine.json.data.payload.map((c: { id: number; meta: { assignee: { id: number } } }) => c.meta.assignee.id)).toEqual([
        agent.id,
      ]);
    });

    it('assigns an agent bot like AssignmentService: agent cleared, assignee_type AgentBot, bot push data', async () => {
      const receiver = await startReceiver();
      try {
        fake.state.createWebhook(accountId, { url: receiver.url, subscriptions: ['conversation_updated'] });
        const inbox = fake.state.createInbox(
          accountId,
          { name: 'Web', channel: { website_url: 'https://s.example' } },
          { silent: true },
        );
        const contact = fake.state.createContact(accountId, { name: 'Jane', email: 'j@example.com' }, { silent: true });
        const agent = fake.state.createAgent(accountId, { name: 'Agent', email: 'agent@s.example', inboxIds: [inbox.id] });
        const conversation = fake.state.createConversation(
          accountId,
          { contactId: contact.id, inboxId: inbox.id, assigneeId: agent.id },
          { silent: true },
        );
        const bot = fake.state.createAgentBot(accountId, { name: 'Order bot', outgoingUrl: 'https://bot.example/hook' });
        const path = `/api/v1/accounts/${accountId}/conversations/${conversation.display_id}`;

        const assigned = await call(fake, 'POST', `${path}/assignments`, {
          token,
          body: { assignee_id: bot.id, assignee_type: 'AgentBot' },
        });
        expect(assigned.json).toMatchObject({ id: bot.id, name: 'Order bot', outgoing_url: 'https://bot.example/hook' });
        await fake.flushWebhooks();
        const [hook] = receiver.received;
        expect(hook!.body.meta).toMatchObject({
          assignee: { id: bot.id, name: 'Order bot', type: 'agent_bot' },
          assignee_type: 'AgentBot',
        });
        expect(hook!.body.changed_attributes).toEqual(
          expect.arrayContaining([
            { assignee_id: { previous_value: agent.id, current_value: null } },
            { assignee_agent_bot_id: { previous_value: null, current_value: bot.id } },
          ]),
        );
        // The REST view renders the bot slim (no `type`): only assignee_type tells it apart.
        const shown = await call(fake, 'GET', path, { token });
        expect(shown.json.meta.assignee_type).toBe('AgentBot');
        expect(shown.json.meta.assignee).not.toHaveProperty('type');
        // Assigning an agent again clears the bot.
        await call(fake, 'POST', `${path}/assignments`, { token, body: { assignee_id: agent.id } });
        expect(fake.state.getConversation(accountId, conversation.display_id)).toMatchObject({
          assignee_id: agent.id,
          assignee_agent_bot_id: null,
        });
      } finally {
        await receiver.close();
      }
    });

    it('sets first_reply_created_at only for a human response (no campaign, no automation rule)', async () => {
      const inbox = fake.state.createInbox(
        accountId,
        { name: 'Web', channel: { website_url: 'https://s.example' } },
        { silent: true },
      );
      const contact = fake.state.createContact(accountId, { name: 'Jane', email: 'j@example.com' }, { silent: true });
      const conversation = fake.state.createConversation(
        accountId,
        { contactId: contact.id, inboxId: inbox.id },
        { silent: true },
      );
      const path = `/api/v1/accounts/${accountId}/conversations/${conversation.display_id}`;
      const campaign = await call(fake, 'POST', `${path}/messages`, { token, body: { content: 'Spring sale', campaign_id: 3 } });
      expect(campaign.json).toMatchObject({ sender_type: 'User', additional_attributes: { campaign_id: 3 } });
      // An automation rule's message has no sender (MessageBuilder.new(nil, ...)).
      fake.state.addMessage(accountId, conversation.display_id, {
        messageType: 'outgoing',
        content: 'We got your message',
        contentAttributes: { automation_rule_id: 7 },
      });
      expect(fake.state.getConversation(accountId, conversation.display_id).first_reply_created_at).toBeNull();

      const reply = await call(fake, 'POST', `${path}/messages`, { token, body: { content: 'Hello, how can I help?' } });
      expect(reply.status).toBe(200);
      expect(fake.state.getConversation(accountId, conversation.display_id).first_reply_created_at?.getTime()).toBe(
        fake.state.messages.get(reply.json.id)!.created_at.getTime(),
      );
    });

    it('pages 25 per page without updated_within and returns every match at once with it (ConversationFinder)', async () => {
      const inbox = fake.state.createInbox(
        accountId,
        { name: 'Web', channel: { website_url: 'https://s.example' } },
        { silent: true },
      );
      const contact = fake.state.createContact(accountId, { name: 'Jane', email: 'j@example.com' }, { silent: true });
      let clock = Date.now() + 86_400_000;
      fake.state.now = () => clock;
      fake.state.silently(() => {
        for (let i = 0; i < 10; i++) fake.state.createConversation(accountId, { contactId: contact.id, inboxId: inbox.id });
        clock += 3_600_000;
        for (let i = 0; i < 60; i++) fake.state.createConversation(accountId, { contactId: contact.id, inboxId: inbox.id });
      });
      clock += 60_000;
      const list = (query: string) =>
        call(fake, 'GET', `/api/v1/accounts/${accountId}/conversations?status=all${query}`, { token });

      const pages = await Promise.all([1, 2, 3, 4].map((page) => list(`&page=${page}`)));
      expect(pages.map((answer) => answer.json.data.payload.length)).toEqual([25, 25, 20, 0]);
      expect(pages[3]!.json.data.meta.all_count).toBe(70);

      // updated_within: the 60 changed in the last ~minute, all in one answer, whatever the page.
      for (const page of [1, 2, 3]) {
        const recent = await list(`&updated_within=120&page=${page}`);
        expect(recent.json.data.payload).toHaveLength(60);
        // The counts are taken before updated_within applies.
        expect(recent.json.data.meta.all_count).toBe(70);
      }
      // `updated_at > now - n`: the first of the 60, updated exactly 60 s ago, is left out (the
      // others follow it by a millisecond each).
      expect((await list('&updated_within=60')).json.data.payload).toHaveLength(59);
    });
  });
});

describe('standalone defaults', () => {
  let fake: FakeChatwoot;
  beforeAll(async () => {
    fake = await startFakeChatwoot({ port: 0 });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('uses the default platform token and a loopback URL', () => {
    expect(fake.platformToken).toBe('platform-dev-token');
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
