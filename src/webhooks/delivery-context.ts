import type { StoreView } from '../accounts/store-directory.service';
import { DEFAULT_STORE_SETTINGS, type ResolvedStoreSettings } from '../accounts/store-settings';

/**
 * What one delivery (or one reconcile run) knows about its store, loaded once and handed down to
 * every handler: the store view with its settings already resolved by StoreDirectory, and a guard
 * that lets the delivery ask for each customer's contact sync once.
 */
export class DeliveryContext {
  private readonly syncs = new Set<string>();

  constructor(
    readonly storeId: string,
    /** Null when the store is gone (a late delivery): defaults apply, nothing reaches Chatwoot. */
    readonly store: StoreView | null,
  ) {}

  get settings(): ResolvedStoreSettings {
    return this.store?.settings ?? DEFAULT_STORE_SETTINGS;
  }

  /** True the first time a sync of `customerId` is asked for in this delivery. */
  firstSyncOf(customerId: string): boolean {
    if (this.syncs.has(customerId)) return false;
    this.syncs.add(customerId);
    return true;
  }
}
