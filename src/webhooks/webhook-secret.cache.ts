import { Injectable } from '@nestjs/common';
import { StoreDirectory } from '../accounts/store-directory.service';

export interface StoreWebhookKey {
  storeId: string;
  accountId: number | null;
  secret: string | null;
  loadedAt: number;
}

const TTL_MS = 30_000;

/**
 * Decrypted webhook secrets per store, kept briefly in process: intake is the hot path and the
 * secret rarely changes. A failed verification forces a reload (the secret may have been rotated).
 */
@Injectable()
export class WebhookSecretCache {
  private readonly entries = new Map<string, StoreWebhookKey>();
  private readonly loading = new Map<string, Promise<StoreWebhookKey | null>>();
  private readonly byAccount = new Map<number, { storeId: string; at: number }>();

  constructor(private readonly stores: StoreDirectory) {}

  /** null: no such store. */
  async get(storeId: string, now = Date.now()): Promise<StoreWebhookKey | null> {
    const cached = this.entries.get(storeId);
    if (cached && now - cached.loadedAt < TTL_MS) return cached;
    return this.load(storeId);
  }

  /** Reloads unless the entry is fresher than a second (bounds reloads under a flood of bad signatures). */
  async refresh(storeId: string, now = Date.now()): Promise<StoreWebhookKey | null> {
    const cached = this.entries.get(storeId);
    if (cached && now - cached.loadedAt < 1_000) return cached;
    return this.load(storeId);
  }

  /** The store a Chatwoot account belongs to (for deliveries to the URL without a store id); null when unknown. */
  async storeIdForAccount(accountId: number, now = Date.now()): Promise<string | null> {
    const known = this.byAccount.get(accountId);
    if (known && now - known.at < TTL_MS) return known.storeId;
    const store = await this.stores.findByChatwootAccountId(accountId);
    if (!store) {
      this.byAccount.delete(accountId);
      return null;
    }
    this.byAccount.set(accountId, { storeId: store.id, at: now });
    return store.id;
  }

  invalidate(storeId: string): void {
    this.entries.delete(storeId);
  }

  private load(storeId: string): Promise<StoreWebhookKey | null> {
    let pending = this.loading.get(storeId);
    if (!pending) {
      pending = (async () => {
        const store = await this.stores.find(storeId);
        if (!store) {
          this.entries.delete(storeId);
          return null;
        }
        const entry: StoreWebhookKey = {
          storeId,
          accountId: store.chatwoot.accountId,
          secret: await this.stores.webhookSecret(storeId),
          loadedAt: Date.now(),
        };
        this.entries.set(storeId, entry);
        return entry;
      })().finally(() => this.loading.delete(storeId));
      this.loading.set(storeId, pending);
    }
    return pending;
  }
}
