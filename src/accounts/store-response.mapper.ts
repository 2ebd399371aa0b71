import type { CreatedStoreResponseDto, StoreChatwootDto, StoreResponseDto } from './dto/store-response.dto';
import type { ChatwootAccountLink } from './entities/chatwoot-account-link.entity';
import type { Store } from './entities/store.entity';
import { PROVISIONING_STEPS } from './provisioning/provisioning.steps';

/** The read view of a store: an allow-list of fields, so a new secret column can never leak. */
export function toStoreResponse(store: Store, link: ChatwootAccountLink | null | undefined): StoreResponseDto {
  return {
    id: store.id,
    name: store.name,
    slug: store.slug,
    email: store.email,
    websiteUrl: store.websiteUrl,
    locale: store.locale,
    timezone: store.timezone,
    currency: store.currency,
    status: store.status,
    branding: {
      ...(store.branding?.color !== undefined ? { color: store.branding.color } : {}),
      ...(store.branding?.welcomeTitle !== undefined ? { welcomeTitle: store.branding.welcomeTitle } : {}),
      ...(store.branding?.welcomeTagline !== undefined ? { welcomeTagline: store.branding.welcomeTagline } : {}),
    },
    notificationUrl: store.notificationUrl,
    actionUrl: store.actionUrl ?? null,
    chatwoot: toChatwootResponse(link),
    createdAt: store.createdAt.toISOString(),
    updatedAt: store.updatedAt.toISOString(),
  };
}

export function toChatwootResponse(link: ChatwootAccountLink | null | undefined): StoreChatwootDto {
  const recorded = new Map((link?.steps ?? []).map((s) => [s.name, s]));
  return {
    state: link?.state ?? 'pending',
    accountId: link?.accountId ?? null,
    inboxId: link?.inboxId ?? null,
    websiteToken: link?.websiteToken ?? null,
    steps: PROVISIONING_STEPS.map((name) => {
      const step = recorded.get(name);
      return { name, state: step?.state ?? 'pending', ...(step?.error ? { error: step.error } : {}) };
    }),
    lastError: link?.lastError ?? null,
    warnings: (link?.warnings ?? []).map(({ code, message }) => ({ code, message })),
  };
}

export function withNotificationSecret(view: StoreResponseDto, secret: string): CreatedStoreResponseDto {
  return { ...view, notificationSecret: secret };
}
