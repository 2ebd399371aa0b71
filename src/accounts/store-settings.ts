import type { StoreSettings } from './entities/store.entity';
import { SERVICE_LABELS } from './service-labels';

export type CustomerTier = 'Bronze' | 'Silver' | 'Gold' | 'Platinum';
export type ConversationPriority = 'low' | 'medium' | 'high' | 'urgent';

/** What agents may do to an order from the panel (the order-actions module); amounts in minor units. */
export type OrderActionType = 'cancel' | 'refund' | 'resend_confirmation';
export const ORDER_ACTION_TYPES: readonly OrderActionType[] = ['cancel', 'refund', 'resend_confirmation'];

export interface AutoAssignmentRule {
  tiers: CustomerTier[];
  /** A Chatwoot team id, or the name of a default team provisioning created (`vip`, `managers`). */
  team?: number | 'vip' | 'managers';
  agentId?: number;
  priority?: ConversationPriority;
  labels?: string[];
  notifyManagers?: boolean;
}

/** Every per-store setting with its default; modules read theirs through {@link resolveStoreSettings}. */
export interface ResolvedStoreSettings {
  /** Lifetime spend (minor units) at which a customer reaches each tier. */
  tiers: { silver: number; gold: number; platinum: number };
  /** Hours after a conversation in which an order counts as converted by chat. */
  attributionWindowHours: number;
  autoAssignment: AutoAssignmentRule[];
  /** CSAT ratings at or below this trigger a manager notification and a follow-up. */
  lowCsatThreshold: number;
  followUps: { lowCsatDelayMinutes: number; cartReminder: boolean; cartReminderDelayMinutes: number };
  discounts: { maxPercent: number; maxFixedAmount: number; maxPerAgentPerDay: number };
  /** Cron expression (store timezone) for the periodic full contact re-sync. */
  contactSyncCron: string;
  /**
   * Order actions from the panel (sent to the store's actionUrl): which types, the refund ceiling
   * per action and per agent over 24 h; `timeoutMs` overrides ORDER_ACTION_TIMEOUT_MS for this store.
   */
  orderActions: { allowed: OrderActionType[]; refundMaxPerAction: number; refundMaxPerAgentPerDay: number; timeoutMs?: number };
}

export const DEFAULT_STORE_SETTINGS: ResolvedStoreSettings = {
  tiers: { silver: 20_000, gold: 50_000, platinum: 100_000 },
  attributionWindowHours: 72,
  autoAssignment: [
    { tiers: ['Gold', 'Platinum'], team: 'vip', priority: 'high', labels: [SERVICE_LABELS.vip.title], notifyManagers: true },
  ],
  lowCsatThreshold: 2,
  followUps: { lowCsatDelayMinutes: 60, cartReminder: true, cartReminderDelayMinutes: 30 },
  discounts: { maxPercent: 20, maxFixedAmount: 2_500, maxPerAgentPerDay: 10 },
  contactSyncCron: '0 3 * * *',
  orderActions: {
    allowed: ['cancel', 'refund', 'resend_confirmation'],
    refundMaxPerAction: 10_000,
    refundMaxPerAgentPerDay: 50_000,
  },
};

/** Stored settings over the defaults, one level deep per section. */
export function resolveStoreSettings(stored: StoreSettings | ResolvedStoreSettings | null | undefined): ResolvedStoreSettings {
  const s = (stored ?? {}) as Partial<ResolvedStoreSettings>;
  return {
    tiers: { ...DEFAULT_STORE_SETTINGS.tiers, ...s.tiers },
    attributionWindowHours: s.attributionWindowHours ?? DEFAULT_STORE_SETTINGS.attributionWindowHours,
    autoAssignment: s.autoAssignment ?? DEFAULT_STORE_SETTINGS.autoAssignment,
    lowCsatThreshold: s.lowCsatThreshold ?? DEFAULT_STORE_SETTINGS.lowCsatThreshold,
    followUps: { ...DEFAULT_STORE_SETTINGS.followUps, ...s.followUps },
    discounts: { ...DEFAULT_STORE_SETTINGS.discounts, ...s.discounts },
    contactSyncCron: s.contactSyncCron ?? DEFAULT_STORE_SETTINGS.contactSyncCron,
    orderActions: { ...DEFAULT_STORE_SETTINGS.orderActions, ...s.orderActions },
  };
}
