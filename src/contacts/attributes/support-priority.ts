import type { CustomerTier } from '../../accounts/store-settings';

export type SupportPriority = 'low' | 'normal' | 'high' | 'urgent';

/**
 * Tier sets the level; spend separates a Bronze customer who has bought something (normal)
 * from one who never has (low), so a first-time buyer is not queued behind browsers.
 */
export function supportPriority(tier: CustomerTier, totalSpent: number): SupportPriority {
  switch (tier) {
    case 'Platinum':
      return 'urgent';
    case 'Gold':
      return 'high';
    case 'Silver':
      return 'normal';
    default:
      return totalSpent > 0 ? 'normal' : 'low';
  }
}
