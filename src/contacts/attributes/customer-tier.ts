import type { CustomerTier, ResolvedStoreSettings } from '../../accounts/store-settings';

export type TierThresholds = ResolvedStoreSettings['tiers'];

/** Lifetime spend (minor units, counted orders only) against the store's thresholds. */
export function customerTier(totalSpent: number, thresholds: TierThresholds): CustomerTier {
  if (totalSpent >= thresholds.platinum) return 'Platinum';
  if (totalSpent >= thresholds.gold) return 'Gold';
  if (totalSpent >= thresholds.silver) return 'Silver';
  return 'Bronze';
}
