import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { ChatwootAccountClient } from '../chatwoot/chatwoot-account.client';
import { ChatwootClient } from '../chatwoot/chatwoot.client';
import type { ChatwootLane } from '../chatwoot/chatwoot-transport';
import { SecretBox } from '../common/crypto/secret-box.service';
import { DomainError, NotFoundError } from '../common/errors/domain-error';
import { AccountLinkRepository, AccountLinkScanRepository } from './account-link.repository';
import type { ChatwootAccountState, StoreTeams } from './entities/chatwoot-account-link.entity';
import type { Store } from './entities/store.entity';
import { StoreRepository } from './store.repository';
import { resolveStoreSettings, type ResolvedStoreSettings } from './store-settings';

/** What other modules may know about a store: no secrets unless they ask for access. */
export interface StoreView {
  id: string;
  name: string;
  locale: string;
  currency: string;
  timezone: string;
  websiteUrl: string;
  status: Store['status'];
  notificationUrl: string | null;
  /** Order actions from the panel are off without one. */
  actionUrl: string | null;
  /** Stored settings over the defaults, resolved here once for every module. */
  settings: ResolvedStoreSettings;
  chatwoot: {
    state: ChatwootAccountState;
    accountId: number | null;
    inboxId: number | null;
    websiteToken: string | null;
    teams: StoreTeams;
  };
}

/** Decrypted credentials for talking to a store's Chatwoot account. */
export interface ChatwootAccess {
  storeId: string;
  accountId: number;
  inboxId: number | null;
  adminToken: string;
  hmacToken: string | null;
  teams: StoreTeams;
}

export class StoreNotReadyError extends DomainError {
  constructor(storeId: string, state: string) {
    super(409, 'STORE_NOT_READY', `Store ${storeId} has no usable Chatwoot account yet (state: ${state})`);
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The accounts module's answer to "which store is this, and how do I reach its Chatwoot?".
 * Other modules use this service, never the accounts tables.
 */
@Injectable()
export class StoreDirectory {
  constructor(
    private readonly stores: StoreRepository,
    private readonly links: AccountLinkRepository,
    private readonly scans: AccountLinkScanRepository,
    private readonly secrets: SecretBox,
    private readonly chatwoot: ChatwootClient,
  ) {}

  async find(storeId: string): Promise<StoreView | null> {
    const store = await this.stores.forStore(storeId).getWithLink();
    return store ? toView(store) : null;
  }

  /** Throws 404 for an unknown store. */
  async get(storeId: string): Promise<StoreView> {
    const store = await this.find(storeId);
    if (!store) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
    return store;
  }

  /** Ids of the stores whose Chatwoot account is in one of `states`: what periodic jobs fan out over. */
  async listStoreIds(states: ChatwootAccountState[] = ['active']): Promise<string[]> {
    return this.scans.storeIdsIn(states);
  }

  async findByChatwootAccountId(accountId: number): Promise<StoreView | null> {
    const store = await this.scans.storeBy('accountId', accountId);
    return store ? toView(store) : null;
  }

  async findByWebsiteToken(websiteToken: string): Promise<StoreView | null> {
    const store = await this.scans.storeBy('websiteToken', websiteToken);
    return store ? toView(store) : null;
  }

  /** The store a dashboard-app context token belongs to, or null. */
  async findByContextToken(token: string): Promise<StoreView | null> {
    const store = await this.scans.storeBy('contextTokenHash', hashToken(token));
    return store ? toView(store) : null;
  }

  async webhookSecret(storeId: string): Promise<string | null> {
    const link = await this.links.forStore(storeId).get();
    return this.secrets.decryptNullable(link?.webhookSecretEnc);
  }

  /** The store's order-action endpoint and the key that signs what we send it (the notification secret). */
  async actionTarget(storeId: string): Promise<{ url: string; secret: string } | null> {
    const store = await this.stores.forStore(storeId).get();
    if (!store?.actionUrl || !store.notificationSecretEnc) return null;
    return { url: store.actionUrl, secret: this.secrets.decrypt(store.notificationSecretEnc) };
  }

  async notificationTarget(storeId: string): Promise<{ url: string; secret: string } | null> {
    const store = await this.stores.forStore(storeId).get();
    if (!store?.notificationUrl || !store.notificationSecretEnc) return null;
    return { url: store.notificationUrl, secret: this.secrets.decrypt(store.notificationSecretEnc) };
  }

  /** Credentials of an active account; 409 STORE_NOT_READY otherwise. */
  async access(storeId: string): Promise<ChatwootAccess> {
    const link = await this.links.forStore(storeId).get();
    if (!link) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
    if (link.state !== 'active' || !link.accountId || !link.adminTokenEnc) throw new StoreNotReadyError(storeId, link.state);
    return {
      storeId,
      accountId: link.accountId,
      inboxId: link.inboxId,
      adminToken: this.secrets.decrypt(link.adminTokenEnc),
      hmacToken: this.secrets.decryptNullable(link.hmacTokenEnc),
      teams: link.teams,
    };
  }

  /**
   * The web widget's website token and the inbox `hmac_token` (decrypted) for identity validation.
   * The hmac_token is for computing identifier hashes on the server; it must never leave the service.
   */
  async widgetCredentials(storeId: string): Promise<{ websiteToken: string; hmacToken: string }> {
    const link = await this.links.forStore(storeId).get();
    if (!link) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
    const hmacToken = this.secrets.decryptNullable(link.hmacTokenEnc);
    if (link.state !== 'active' || !link.websiteToken || !hmacToken) throw new StoreNotReadyError(storeId, link.state);
    return { websiteToken: link.websiteToken, hmacToken };
  }

  /** A Chatwoot client for the store's account, on the store's share of the budget. */
  async chatwootFor(storeId: string, lane: ChatwootLane = 'realtime'): Promise<ChatwootAccountClient> {
    const access = await this.access(storeId);
    return this.chatwoot.account(access.accountId, access.adminToken, { storeId, lane });
  }

  /**
   * The store and, when its account is active, a Chatwoot client for it, from one lookup: for
   * work that needs both (conversation effects). Null for an unknown store.
   */
  async withChatwoot(
    storeId: string,
    lane: ChatwootLane = 'realtime',
  ): Promise<{ store: StoreView; api: ChatwootAccountClient | null } | null> {
    const store = await this.stores.forStore(storeId).getWithLink();
    if (!store) return null;
    const link = store.chatwoot;
    const usable = link?.state === 'active' && link.accountId && link.adminTokenEnc;
    const api = usable
      ? this.chatwoot.account(link.accountId!, this.secrets.decrypt(link.adminTokenEnc!), { storeId, lane })
      : null;
    return { store: toView(store), api };
  }
}

function toView(store: Store): StoreView {
  const link = store.chatwoot;
  return {
    id: store.id,
    name: store.name,
    locale: store.locale,
    currency: store.currency,
    timezone: store.timezone,
    websiteUrl: store.websiteUrl,
    status: store.status,
    notificationUrl: store.notificationUrl,
    actionUrl: store.actionUrl ?? null,
    settings: resolveStoreSettings(store.settings),
    chatwoot: {
      state: link?.state ?? 'pending',
      accountId: link?.accountId ?? null,
      inboxId: link?.inboxId ?? null,
      websiteToken: link?.websiteToken ?? null,
      teams: link?.teams ?? {},
    },
  };
}
