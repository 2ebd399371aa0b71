import type { ResolvedStoreSettings } from './store-settings';

export interface LabelDefinition {
  title: string;
  description: string;
  color: string;
}

/**
 * Every conversation label the service itself attaches. The attaching code takes its titles from
 * here and provisioning creates exactly these (plus the ones a store's rules name), so a label is
 * never attached without being defined: Chatwoot accepts an undefined label on a conversation,
 * but it then has no colour and no sidebar entry (`app/models/label.rb`).
 */
export const SERVICE_LABELS = {
  vip: { title: 'vip', description: 'High-tier customer', color: '#d4a017' },
  escalated: { title: 'escalated', description: 'Needs a manager', color: '#e0464d' },
  lowCsat: { title: 'low-csat', description: 'Customer gave a low CSAT rating', color: '#f59e0b' },
} as const satisfies Record<string, LabelDefinition>;

/** Chatwoot's label title format (`UNICODE_CHARACTER_NUMBER_HYPHEN_UNDERSCORE`); titles are stored lower-cased. */
export const LABEL_TITLE = /^[\p{L}\p{N}_-]+$/u;

const RULE_LABEL_COLOR = '#6b7280';

/**
 * The labels a store's account must define: the service's own and every label its
 * auto-assignment rules attach, lower-cased and without repeats, in a stable order.
 */
export function labelsToProvision(settings: Pick<ResolvedStoreSettings, 'autoAssignment'>): LabelDefinition[] {
  const wanted = new Map<string, LabelDefinition>(Object.values(SERVICE_LABELS).map((label) => [label.title, label]));
  for (const rule of settings.autoAssignment) {
    for (const raw of rule.labels ?? []) {
      const title = raw.trim().toLowerCase();
      if (!LABEL_TITLE.test(title) || wanted.has(title)) continue;
      wanted.set(title, { title, description: 'Attached by a store auto-assignment rule', color: RULE_LABEL_COLOR });
    }
  }
  return [...wanted.values()];
}
