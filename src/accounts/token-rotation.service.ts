import { Injectable, Logger } from '@nestjs/common';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { ChatwootClient } from '../chatwoot/chatwoot.client';
import { SecretBox } from '../common/crypto/secret-box.service';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { dashboardAppUrl, newContextToken, webhookUrl } from './chatwoot-targets';
import type { ChatwootAccountLink } from './entities/chatwoot-account-link.entity';
import type { Store } from './entities/store.entity';
import { AccountLinkRepository } from './account-link.repository';
import { ProvisioningService } from './provisioning/provisioning.service';
import { StoreRepository } from './store.repository';
import { ProvisioningSteps } from './provisioning/provisioning.steps';
import { hashToken } from './store-directory.service';
import { StoreLock } from './store-lock.service';

export interface TokenCheck {
  name: 'admin_token' | 'account_access' | 'inbox' | 'webhook' | 'dashboard_app';
  valid: boolean;
  detail: string;
}

export interface RotationResult {
  rotated: string[];
  dashboardAppId: number | null;
}

/**
 * Rotation of what can be rotated: the administrator's API token (only as that user, via
 * `reset_access_token`) and our own per-store context token. A web widget's website_token and
 * hmac_token have no regenerate endpoint in Chatwoot; replacing them means a new inbox.
 */
@Injectable()
export class TokenRotationService {
  private readonly logger = new Logger(TokenRotationService.name);

  constructor(
    private readonly provisioning: ProvisioningService,
    private readonly stores: StoreRepository,
    private readonly links: AccountLinkRepository,
    private readonly steps: ProvisioningSteps,
    private readonly chatwoot: ChatwootClient,
    private readonly secrets: SecretBox,
    private readonly lock: StoreLock,
    private readonly config: AppConfig,
  ) {}

  async rotate(storeId: string): Promise<RotationResult> {
    return this.lock.withStoreLock(storeId, 'token-rotation', async () => {
      const { store, link } = await this.activeStore(storeId);
      let profile;
      try {
        profile = await this.steps.api({ store, link, lane: 'realtime' }).resetAccessToken();
      } catch (error) {
        if (!(error instanceof ChatwootApiError && error.isUnauthorized && (await this.recoverAdminToken(store, link))))
          throw error;
        profile = await this.steps.api({ store, link, lane: 'realtime' }).resetAccessToken();
      }
      // Stored before anything else: the old token is already dead in Chatwoot.
      link.adminTokenEnc = this.secrets.encrypt(profile.access_token);
      await this.links.forStore(link.storeId).persist(link);

      const token = newContextToken();
      link.contextTokenEnc = this.secrets.encrypt(token);
      link.contextTokenHash = hashToken(token);
      await this.links.forStore(link.storeId).persist(link);
      const outcome = await this.provisioning.verifySteps(store, link, ['dashboard_app'], 'realtime');
      if (!outcome.ok)
        throw new ConflictError(`Dashboard app could not be re-registered: ${link.lastError}`, 'DASHBOARD_APP_FAILED');
      this.logger.log(`store ${storeId}: admin and context tokens rotated`);
      return { rotated: ['admin_token', 'context_token'], dashboardAppId: link.dashboardAppId };
    });
  }

  /** Asks Chatwoot whether each stored credential and object still works. */
  async validate(storeId: string): Promise<{ valid: boolean; checks: TokenCheck[] }> {
    const loaded = await this.stores.forStore(storeId).withLink();
    if (!loaded) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
    const { store, link } = loaded;
    if (!link.accountId || !link.adminTokenEnc) {
      throw new ConflictError(`Store ${storeId} has no Chatwoot account yet (state: ${link.state})`, 'STORE_NOT_READY');
    }
    const api = this.steps.api({ store, link, lane: 'realtime' });
    const checks: TokenCheck[] = [];
    const check = async (name: TokenCheck['name'], run: () => Promise<string>) => {
      try {
        checks.push({ name, valid: true, detail: await run() });
      } catch (error) {
        checks.push({ name, valid: false, detail: describe(error) });
      }
    };
    await check('admin_token', async () => {
      const profile = await api.getProfile();
      if (profile.id !== link.adminUserId) throw new Error(`token belongs to user ${profile.id}, not ${link.adminUserId}`);
      const membership = profile.accounts?.find((a) => a.id === link.accountId);
      if (!membership) throw new Error(`user ${profile.id} is not a member of account ${link.accountId}`);
      if (membership.role !== 'administrator') throw new Error(`user ${profile.id} is ${membership.role}, not administrator`);
      return `user ${profile.id}, administrator of account ${link.accountId}`;
    });
    await check('account_access', async () => {
      const teams = await api.listTeams();
      return `account ${link.accountId} reachable (${teams.length} teams)`;
    });
    await check('inbox', async () => {
      if (!link.inboxId) throw new Error('no inbox recorded');
      const inbox = await api.getInbox(link.inboxId);
      if (inbox.website_token && inbox.website_token !== link.websiteToken)
        throw new Error('website token differs from the stored one');
      const hmac = this.secrets.decryptNullable(link.hmacTokenEnc);
      if (inbox.hmac_token && inbox.hmac_token !== hmac) throw new Error('hmac token differs from the stored one');
      return `inbox ${inbox.id} exists`;
    });
    await check('webhook', async () => {
      if (!link.webhookId) throw new Error('no webhook recorded');
      const hook = (await api.listWebhooks()).find((h) => h.id === link.webhookId);
      if (!hook) throw new Error(`webhook ${link.webhookId} does not exist`);
      const url = webhookUrl(this.config.PUBLIC_URL, storeId);
      if (hook.url !== url) throw new Error(`webhook points at ${hook.url}, expected ${url}`);
      const secret = this.secrets.decryptNullable(link.webhookSecretEnc);
      if (hook.secret && hook.secret !== secret) throw new Error('webhook secret differs from the stored one');
      return `webhook ${hook.id} exists`;
    });
    await check('dashboard_app', async () => this.checkDashboardApp(store, link));
    return { valid: checks.every((c) => c.valid), checks };
  }

  private async checkDashboardApp(store: Store, link: ChatwootAccountLink): Promise<string> {
    if (!link.dashboardAppId || !link.contextTokenEnc) throw new Error('no dashboard app recorded');
    const apps = await this.steps.api({ store, link, lane: 'realtime' }).listDashboardApps();
    const app = apps.find((a) => a.id === link.dashboardAppId);
    if (!app) throw new Error(`dashboard app ${link.dashboardAppId} does not exist`);
    const url = dashboardAppUrl(this.config.PUBLIC_URL, this.secrets.decrypt(link.contextTokenEnc));
    if (!app.content?.some((c) => c.url === url)) throw new Error('dashboard app URL does not carry the current context token');
    return `dashboard app ${app.id} carries the current context token`;
  }

  private async activeStore(storeId: string) {
    const loaded = await this.stores.forStore(storeId).withLink();
    if (!loaded) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
    if (loaded.link.state !== 'active' || !loaded.link.adminTokenEnc) {
      throw new ConflictError(`Store ${storeId} has no active Chatwoot account (state: ${loaded.link.state})`, 'STORE_NOT_READY');
    }
    return loaded;
  }

  /**
   * The stored admin token stopped working (rotated elsewhere, or a crash between Chatwoot's
   * reset and our write): read the user's current token through the Platform API.
   */
  async recoverAdminToken(store: Store, link: ChatwootAccountLink): Promise<boolean> {
    if (!link.adminUserId) return false;
    const user = await this.chatwoot.platform.withContext({ storeId: store.id }).getUser(link.adminUserId);
    if (!user.access_token || user.access_token === this.secrets.decryptNullable(link.adminTokenEnc)) return false;
    link.adminTokenEnc = this.secrets.encrypt(user.access_token);
    await this.links.forStore(link.storeId).persist(link);
    return true;
  }
}

function describe(error: unknown): string {
  if (error instanceof ChatwootApiError) return `Chatwoot answered ${error.status || error.kind}: ${error.chatwootMessage}`;
  return error instanceof Error ? error.message : String(error);
}
