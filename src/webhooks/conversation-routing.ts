import type { StoreTeams } from '../accounts/entities/chatwoot-account-link.entity';
import type { AutoAssignmentRule } from '../accounts/store-settings';

/** The first rule whose tiers include the customer's tier (case-insensitive). */
export function matchAssignmentRule(
  rules: AutoAssignmentRule[],
  tier: string | null | undefined,
): AutoAssignmentRule | undefined {
  if (!tier) return undefined;
  const wanted = tier.trim().toLowerCase();
  return rules.find((rule) => rule.tiers.some((t) => t.toLowerCase() === wanted));
}

/** A rule's team as a Chatwoot team id: numbers as-is, `vip` / `managers` through the teams provisioning created. */
export function resolveTeamId(team: AutoAssignmentRule['team'], teams: StoreTeams): number | undefined {
  if (typeof team === 'number') return team;
  if (team === 'vip' || team === 'managers') return teams[team];
  return undefined;
}

/** Labels to set so that `wanted` are present; undefined when nothing is missing (no write needed). */
export function mergeLabels(current: string[], wanted: string[] | undefined): string[] | undefined {
  const missing = (wanted ?? []).filter((label) => !current.includes(label));
  return missing.length ? [...current, ...missing] : undefined;
}
