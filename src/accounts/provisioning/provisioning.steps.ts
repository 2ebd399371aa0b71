import { Injectable } from '@nestjs/common';
import { ChatwootApiError } from '../../chatwoot/chatwoot-api.error';
import type { ChatwootAccountClient } from '../../chatwoot/chatwoot-account.client';
import { ChatwootClient } from '../../chatwoot/chatwoot.client';
import type { ChatwootLane } from '../../chatwoot/chatwoot-transport';
import type { CwInbox } from '../../chatwoot/chatwoot.types';
import { SecretBox } from '../../common/crypto/secret-box.service';
import { AppConfig } from '../../config/app-config';
import {
  ACCOUNT_STORE_ATTRIBUTE,
  adminEmailFor,
  DASHBOARD_APP_TITLE,
  dashboardAppUrl,
  dashboardAppUrlPrefix,
  DEFAULT_TEAMS,
  inboxName,
  newContextToken,
  sameDomains,
  sameSubscriptions,
  strongPassword,
  WEBHOOK_NAME,
  WEBHOOK_SUBSCRIPTIONS,
  webhookUrl,
  webWidgetInbox,
  widgetChannel,
} from '../chatwoot-targets';
import { CONTACT_ATTRIBUTE_DEFINITIONS } from '../contact-attribute-definitions';
import type { ChatwootAccountLink, StoreTeams } from '../entities/chatwoot-account-link.entity';
import type { Store } from '../entities/store.entity';
import { toChatwootLocale } from '../locale-mapping';
import { labelsToProvision } from '../service-labels';
import { resolveStoreSettings } from '../store-settings';
import { hashToken } from '../store-directory.service';
import { WebhookTargetCheck } from '../webhook-target';

/** In the order they run; each needs what the ones before it recorded. */
export const PROVISIONING_STEPS = [
  'account',
  'admin_user',
  'account_user',
  'inbox',
  'contact_attributes',
  'teams',
  'labels',
  'webhook',
  'dashboard_app',
] as const;

export type ProvisioningStepName = (typeof PROVISIONING_STEPS)[number];

/** The steps that live inside the account and can be re-created on their own ("default inboxes"). */
export const ACCOUNT_CONTENT_STEPS: readonly ProvisioningStepName[] = [
  'inbox',
  'contact_attributes',
  'teams',
  'labels',
  'webhook',
  'dashboard_app',
];

export interface AccountChange {
  kind: string;
  detail: string;
}

export interface StepContext {
  store: Store;
  /** Mutated by the steps; the runner persists it after each one. */
  link: ChatwootAccountLink;
  /**
   * Look in Chatwoot before creating: a previous attempt of this step may have created the object
   * and crashed before recording it. False only for a step that has never been started.
   */
  check: boolean;
  /** Repair mode: also confirm that recorded objects still exist and still look as they should. */
  verify: boolean;
  lane: ChatwootLane;
  changes: AccountChange[];
  /** Persists the link now (before a create whose result must be findable after a crash). */
  save(): Promise<void>;
}

/**
 * The provisioning saga's steps. Every step is idempotent: it adopts what already exists in
 * Chatwoot (matched by a stable key: our marker attribute, e-mail, name, URL) before creating.
 */
@Injectable()
export class ProvisioningSteps {
  constructor(
    private readonly chatwoot: ChatwootClient,
    private readonly secrets: SecretBox,
    private readonly config: AppConfig,
    private readonly webhookTarget: WebhookTargetCheck,
  ) {}

  run(name: ProvisioningStepName, ctx: StepContext): Promise<void> {
    switch (name) {
      case 'account':
        return this.account(ctx);
      case 'admin_user':
        return this.adminUser(ctx);
      case 'account_user':
        return this.accountUser(ctx);
      case 'inbox':
        return this.inbox(ctx);
      case 'contact_attributes':
        return this.contactAttributes(ctx);
      case 'teams':
        return this.teams(ctx);
      case 'labels':
        return this.labels(ctx);
      case 'webhook':
        return this.webhook(ctx);
      case 'dashboard_app':
        return this.dashboardApp(ctx);
    }
  }

  private platform(ctx: StepContext) {
    return this.chatwoot.platform.withContext({ storeId: ctx.store.id, lane: ctx.lane });
  }

  api(ctx: Pick<StepContext, 'link' | 'store' | 'lane'>): ChatwootAccountClient {
    const { link } = ctx;
    if (!link.accountId || !link.adminTokenEnc)
      throw new Error(`store ${ctx.store.id}: account and admin token must exist first`);
    return this.chatwoot.account(link.accountId, this.secrets.decrypt(link.adminTokenEnc), {
      storeId: ctx.store.id,
      lane: ctx.lane,
    });
  }

  private async account(ctx: StepContext): Promise<void> {
    const { store, link } = ctx;
    if (link.accountId) return;
    if (ctx.check) {
      const existing = (await this.listOwnAccounts(ctx)).find((a) => a.custom_attributes?.[ACCOUNT_STORE_ATTRIBUTE] === store.id);
      if (existing) {
        link.accountId = existing.id;
        ctx.changes.push({ kind: 'account', detail: `adopted existing account ${existing.id}` });
        return;
      }
    }
    const created = await this.platform(ctx).createAccount({
      name: store.name,
      locale: toChatwootLocale(store.locale),
      support_email: store.email,
      custom_attributes: { [ACCOUNT_STORE_ATTRIBUTE]: store.id },
    });
    link.accountId = created.id;
    ctx.changes.push({ kind: 'account', detail: `created account ${created.id}` });
  }

  /** `GET /platform/api/v1/accounts` exists since Chatwoot v4.5.0; older versions answer 404. */
  private async listOwnAccounts(ctx: StepContext) {
    try {
      return await this.platform(ctx).listAccounts();
    } catch (error) {
      if (error instanceof ChatwootApiError && error.isNotFound) return [];
      throw error;
    }
  }

  private async adminUser(ctx: StepContext): Promise<void> {
    const { store, link } = ctx;
    if (link.adminUserId && link.adminTokenEnc) return;
    const email = link.adminEmail ?? adminEmailFor(store.id, this.config.PUBLIC_URL);
    // Find-or-create by e-mail across the installation: a retry, or a user left from an earlier
    // attempt, comes back as the same user with its token, so no check is needed first.
    const user = await this.platform(ctx).createUser({
      name: `${store.name} bridge`,
      display_name: 'Store bridge',
      email,
      password: strongPassword(),
    });
    link.adminUserId = user.id;
    link.adminEmail = user.email;
    link.adminTokenEnc = this.secrets.encrypt(user.access_token);
    ctx.changes.push({ kind: 'admin_user', detail: `administrator user ${user.id}` });
  }

  private async accountUser(ctx: StepContext): Promise<void> {
    const { link } = ctx;
    if (!link.accountId || !link.adminUserId) throw new Error('account and admin user must exist first');
    // find_or_initialize_by(user_id) on Chatwoot's side: safe to repeat.
    await this.platform(ctx).addAccountUser(link.accountId, link.adminUserId, 'administrator');
  }

  private async inbox(ctx: StepContext): Promise<void> {
    const { store, link } = ctx;
    const api = this.api(ctx);
    if (link.inboxId) {
      if (!ctx.verify) return;
      const current = await api.getInbox(link.inboxId).catch((error: unknown) => {
        if (error instanceof ChatwootApiError && error.isNotFound) return null;
        throw error;
      });
      if (current) {
        await this.repairInboxSettings(ctx, api, current);
        return;
      }
      ctx.changes.push({ kind: 'inbox', detail: `inbox ${link.inboxId} no longer exists; creating a new one` });
      link.inboxId = null;
      link.websiteToken = null;
      link.hmacTokenEnc = null;
    }
    let inbox: CwInbox | undefined;
    if (ctx.check || ctx.verify) {
      inbox = (await api.listInboxes()).find(
        (i) => i.channel_type === 'Channel::WebWidget' && (i.name === inboxName(store) || i.website_url === store.websiteUrl),
      );
      if (inbox) {
        ctx.changes.push({ kind: 'inbox', detail: `adopted existing inbox ${inbox.id}` });
        await this.repairInboxSettings(ctx, api, inbox);
      }
    }
    if (!inbox) {
      inbox = await api.createWebWidgetInbox(webWidgetInbox(store));
      ctx.changes.push({ kind: 'inbox', detail: `created web widget inbox ${inbox.id}` });
    }
    link.inboxId = inbox.id;
    link.websiteToken = inbox.website_token ?? null;
    link.hmacTokenEnc = this.secrets.encryptNullable(inbox.hmac_token);
  }

  private async repairInboxSettings(ctx: StepContext, api: ChatwootAccountClient, inbox: CwInbox): Promise<void> {
    const want = widgetChannel(ctx.store);
    const drifted = (Object.keys(want) as (keyof typeof want)[]).filter((key) =>
      key === 'allowed_domains' ? !sameDomains(inbox.allowed_domains, want.allowed_domains) : (inbox[key] ?? '') !== want[key],
    );
    const nameDrift = inbox.name !== inboxName(ctx.store);
    if (drifted.length === 0 && !nameDrift) return;
    await api.updateInbox(inbox.id, { name: inboxName(ctx.store), channel: want });
    ctx.changes.push({
      kind: 'inbox_settings',
      detail: `inbox ${inbox.id}: reset ${[...drifted, ...(nameDrift ? ['name'] : [])].join(', ')}`,
    });
  }

  private async contactAttributes(ctx: StepContext): Promise<void> {
    const api = this.api(ctx);
    const existing = new Set<string>();
    if (ctx.check || ctx.verify) {
      for (const definition of await api.listCustomAttributeDefinitions('contact_attribute'))
        existing.add(definition.attribute_key);
    }
    const missing = CONTACT_ATTRIBUTE_DEFINITIONS.filter((d) => !existing.has(d.key));
    for (const definition of missing) {
      await ignoreTaken(
        api.createCustomAttributeDefinition({
          attribute_display_name: definition.displayName,
          attribute_display_type: definition.displayType,
          attribute_key: definition.key,
          attribute_model: 'contact_attribute',
          attribute_description: definition.description,
          ...('values' in definition ? { attribute_values: [...definition.values] } : {}),
        }),
      );
    }
    if (missing.length > 0 && (ctx.check || ctx.verify)) {
      ctx.changes.push({ kind: 'contact_attributes', detail: `created ${missing.map((d) => d.key).join(', ')}` });
    }
  }

  private async teams(ctx: StepContext): Promise<void> {
    const api = this.api(ctx);
    const existing = ctx.check || ctx.verify ? await api.listTeams() : [];
    const teams: StoreTeams = {};
    for (const name of DEFAULT_TEAMS) {
      let team = existing.find((t) => t.name.toLowerCase() === name);
      if (!team) {
        team = await api.createTeam({
          name,
          description: name === 'vip' ? 'High-tier customers' : 'Store managers',
          allow_auto_assign: true,
        });
        if (ctx.check || ctx.verify) ctx.changes.push({ kind: 'teams', detail: `created team ${name}` });
      }
      teams[name] = team.id;
    }
    ctx.link.teams = teams;
  }

  /** Every label the service attaches (its own and those the store's rules name); missing ones are created. */
  private async labels(ctx: StepContext): Promise<void> {
    const api = this.api(ctx);
    const existing = new Set(ctx.check || ctx.verify ? (await api.listLabels()).map((l) => l.title.toLowerCase()) : []);
    for (const label of labelsToProvision(resolveStoreSettings(ctx.store.settings))) {
      if (existing.has(label.title)) continue;
      await ignoreTaken(api.createLabel({ ...label, show_on_sidebar: true }));
      if (ctx.check || ctx.verify) ctx.changes.push({ kind: 'labels', detail: `created label ${label.title}` });
    }
  }

  private async webhook(ctx: StepContext): Promise<void> {
    const { link, store } = ctx;
    const api = this.api(ctx);
    const url = webhookUrl(this.config.PUBLIC_URL, store.id);
    const subscriptions = [...WEBHOOK_SUBSCRIPTIONS];
    if (link.webhookId && !ctx.verify) return;
    // Not a failure: the installation may allow private targets (SAFE_FETCH_ALLOW_PRIVATE_NETWORK).
    link.warnings = await this.webhookTarget.warnings();
    const hooks = ctx.check || ctx.verify ? await api.listWebhooks() : [];
    let hook = hooks.find((h) => h.id === link.webhookId) ?? hooks.find((h) => h.url === url);
    if (hook && (hook.url !== url || !sameSubscriptions(hook.subscriptions))) {
      hook = await api.updateWebhook(hook.id, { url, subscriptions, name: WEBHOOK_NAME });
      ctx.changes.push({ kind: 'webhook_config', detail: `webhook ${hook.id}: reset url and subscriptions` });
    }
    if (!hook) {
      hook = await api.createWebhook({ url, subscriptions, name: WEBHOOK_NAME });
      ctx.changes.push({ kind: 'webhook', detail: `created webhook ${hook.id}` });
    } else if (hook.id !== link.webhookId) {
      ctx.changes.push({ kind: 'webhook', detail: `adopted existing webhook ${hook.id}` });
    }
    link.webhookId = hook.id;
    const known = this.secrets.decryptNullable(link.webhookSecretEnc);
    if (hook.secret && hook.secret !== known) link.webhookSecretEnc = this.secrets.encrypt(hook.secret);
  }

  private async dashboardApp(ctx: StepContext): Promise<void> {
    const { link } = ctx;
    if (link.dashboardAppId && link.contextTokenEnc && !ctx.verify) return;
    if (!link.contextTokenEnc) {
      const token = newContextToken();
      link.contextTokenEnc = this.secrets.encrypt(token);
      link.contextTokenHash = hashToken(token);
      // Recorded before the app exists, so the URL we are about to register is always one we can verify.
      await ctx.save();
    }
    const api = this.api(ctx);
    const url = dashboardAppUrl(this.config.PUBLIC_URL, this.secrets.decrypt(link.contextTokenEnc));
    const prefix = dashboardAppUrlPrefix(this.config.PUBLIC_URL);
    const apps = ctx.check || ctx.verify ? await api.listDashboardApps() : [];
    let app =
      apps.find((a) => a.id === link.dashboardAppId) ??
      apps.find((a) => a.title === DASHBOARD_APP_TITLE && a.content?.some((c) => c.url.startsWith(prefix)));
    if (app && (app.title !== DASHBOARD_APP_TITLE || app.content?.length !== 1 || app.content[0].url !== url)) {
      app = await api.updateDashboardApp(app.id, { title: DASHBOARD_APP_TITLE, content: [{ type: 'frame', url }] });
      ctx.changes.push({ kind: 'dashboard_app', detail: `dashboard app ${app.id}: URL re-registered` });
    }
    if (!app) {
      app = await api.createDashboardApp({ title: DASHBOARD_APP_TITLE, content: [{ type: 'frame', url }] });
      ctx.changes.push({ kind: 'dashboard_app', detail: `created dashboard app ${app.id}` });
    } else if (app.id !== link.dashboardAppId) {
      ctx.changes.push({ kind: 'dashboard_app', detail: `adopted existing dashboard app ${app.id}` });
    }
    link.dashboardAppId = app.id;
  }
}

/** A concurrent or earlier create already made it: Chatwoot's uniqueness answer means "exists". */
async function ignoreTaken<T>(create: Promise<T>): Promise<T | undefined> {
  try {
    return await create;
  } catch (error) {
    if (error instanceof ChatwootApiError && error.isValidation && /already been taken/i.test(error.chatwootMessage))
      return undefined;
    throw error;
  }
}
