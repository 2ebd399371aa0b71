import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ChatwootAccountLink } from '../../src/accounts/entities/chatwoot-account-link.entity';
import { Store } from '../../src/accounts/entities/store.entity';
import { hashToken } from '../../src/accounts/store-directory.service';
import { ChatwootClient } from '../../src/chatwoot/chatwoot.client';
import { SUBSCRIBED_EVENTS } from '../../src/chatwoot/webhook-events';
import { SecretBox } from '../../src/common/crypto/secret-box.service';
import type { TestApp } from './test-app';

export interface SeededStore {
  storeId: string;
  accountId: number;
  adminToken: string;
  adminUserId: number;
  inboxId: number;
  websiteToken: string;
  webhookSecret: string;
  contextToken: string;
  notificationSecret: string;
}

export const WEBHOOK_EVENTS: string[] = [...SUBSCRIBED_EVENTS];

/**
 * A store with a ready Chatwoot account, created directly (account, admin, inbox, webhook on the
 * fake; rows in our tables) for tests of modules that need one but are not about provisioning.
 */
export async function seedStore(t: TestApp, overrides: Partial<Store> & { id?: string } = {}): Promise<SeededStore> {
  const storeId = overrides.id ?? `store-${randomBytes(4).toString('hex')}`;
  const chatwoot = t.get(ChatwootClient);
  const secrets = t.get(SecretBox);
  const db = t.get(DataSource);

  const account = await chatwoot.platform.createAccount({ name: overrides.name ?? `Store ${storeId}`, locale: 'en' });
  const user = await chatwoot.platform.createUser({
    name: 'Bridge admin',
    email: `bridge+${storeId}@example.test`,
    password: `Aa1!${randomBytes(12).toString('hex')}`,
  });
  await chatwoot.platform.addAccountUser(account.id, user.id, 'administrator');
  const api = chatwoot.account(account.id, user.access_token);
  const inbox = await api.createWebWidgetInbox({
    name: 'Web',
    channel: { type: 'web_widget', website_url: overrides.websiteUrl ?? 'https://shop.example.test', hmac_mandatory: true },
  });
  const webhook = await api.createWebhook({ url: `${t.url}/v1/webhooks/chatwoot/${storeId}`, subscriptions: WEBHOOK_EVENTS });
  const managers = await api.createTeam({ name: 'managers' });
  const vip = await api.createTeam({ name: 'vip' });
  const contextToken = randomBytes(24).toString('base64url');
  const notificationSecret = randomBytes(24).toString('base64url');

  const store: Partial<Store> = {
    id: storeId,
    name: `Store ${storeId}`,
    slug: storeId,
    email: `owner@${storeId}.example.test`,
    websiteUrl: 'https://shop.example.test',
    locale: 'en',
    timezone: 'Europe/Amsterdam',
    currency: 'EUR',
    status: 'active',
    branding: {},
    notificationUrl: null,
    settings: {},
    ...overrides,
    notificationSecretEnc: secrets.encrypt(notificationSecret),
  };
  await db.getRepository(Store).save(store);
  await db.getRepository(ChatwootAccountLink).insert({
    storeId,
    state: 'active',
    accountId: account.id,
    adminUserId: user.id,
    adminEmail: user.email,
    adminTokenEnc: secrets.encrypt(user.access_token),
    inboxId: inbox.id,
    websiteToken: inbox.website_token ?? null,
    hmacTokenEnc: secrets.encryptNullable(inbox.hmac_token),
    webhookId: webhook.id,
    webhookSecretEnc: secrets.encryptNullable(webhook.secret),
    contextTokenEnc: secrets.encrypt(contextToken),
    contextTokenHash: hashToken(contextToken),
    teams: { managers: managers.id, vip: vip.id },
    steps: [],
  });
  return {
    storeId,
    accountId: account.id,
    adminToken: user.access_token,
    adminUserId: user.id,
    inboxId: inbox.id,
    websiteToken: inbox.website_token ?? '',
    webhookSecret: webhook.secret ?? '',
    contextToken,
    notificationSecret,
  };
}
