import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SecretBox } from '../common/crypto/secret-box.service';
import { InvalidRequestError, NotFoundError } from '../common/errors/domain-error';
import { RateLimitService } from '../common/rate-limit/rate-limit.service';
import { AppConfig } from '../config/app-config';
import { AccountLifecycleService, assertNotDeleted, type PropagationPart } from './account-lifecycle.service';
import { DEFAULT_TIMEZONE, newNotificationSecret } from './chatwoot-targets';
import type { CreatedStoreResponseDto, StoreResponseDto } from './dto/store-response.dto';
import type { StoreSettingsDto } from './dto/store-settings.dto';
import type { UpsertStoreDto } from './dto/upsert-store.dto';
import { AccountLinkRepository } from './account-link.repository';
import type { Store, StoreBranding, StoreSettings } from './entities/store.entity';
import { StoreRepository, type StoreFields } from './store.repository';
import { initialSteps, ProvisioningService } from './provisioning/provisioning.service';
import { labelsToProvision } from './service-labels';
import { resolveStoreSettings, type ResolvedStoreSettings } from './store-settings';
import { toStoreResponse, withNotificationSecret } from './store-response.mapper';
import { StoreStatusParts } from './store-status-parts';

const STORE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const STORE_DEFAULTS = { locale: 'nl-NL', timezone: DEFAULT_TIMEZONE, currency: 'EUR', status: 'active' } as const;

export type UpsertResult = { created: true; body: CreatedStoreResponseDto } | { created: false; body: StoreResponseDto };

/** Which Chatwoot parts each store field feeds. */
const FIELD_PARTS: Partial<Record<keyof Store, PropagationPart[]>> = {
  name: ['account', 'inbox'],
  locale: ['account'],
  email: ['account'],
  websiteUrl: ['inbox'],
  timezone: ['inbox'],
  branding: ['inbox'],
  status: ['status'],
};

export function assertStoreId(storeId: string): void {
  if (!STORE_ID.test(storeId)) {
    throw new InvalidRequestError(
      'storeId must be 1-64 characters of letters, digits, dot, underscore or dash',
      'INVALID_STORE_ID',
    );
  }
}

@Injectable()
export class StoresService {
  private readonly logger = new Logger(StoresService.name);

  constructor(
    private readonly stores: StoreRepository,
    private readonly links: AccountLinkRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly provisioning: ProvisioningService,
    private readonly lifecycle: AccountLifecycleService,
    private readonly secrets: SecretBox,
    private readonly rateLimit: RateLimitService,
    private readonly config: AppConfig,
    private readonly statusParts: StoreStatusParts,
  ) {}

  /**
   * Creates the store (202, provisioning enqueued, notification secret returned once) or applies
   * what changed (200, propagation enqueued). An identical repeat writes and calls nothing.
   */
  async upsert(storeId: string, dto: UpsertStoreDto): Promise<UpsertResult> {
    assertStoreId(storeId);
    const existing = await this.stores.forStore(storeId).get();
    if (!existing) {
      const created = await this.create(storeId, dto);
      if (created) return created;
    }
    return this.update(storeId, dto);
  }

  private async create(storeId: string, dto: UpsertStoreDto): Promise<UpsertResult | null> {
    await this.rateLimit.consume(
      'accounts.create',
      'all',
      this.config.ACCOUNT_CREATION_PER_HOUR,
      3600,
      'store creations (ACCOUNT_CREATION_PER_HOUR)',
    );
    const secret = newNotificationSecret();
    const inserted = await this.dataSource.transaction(async (tx) => {
      const created = await this.stores.forStore(storeId, tx).insertIfAbsent({
        name: dto.name,
        slug: dto.slug,
        email: dto.email,
        websiteUrl: dto.websiteUrl,
        locale: dto.locale ?? STORE_DEFAULTS.locale,
        timezone: dto.timezone ?? STORE_DEFAULTS.timezone,
        currency: dto.currency ?? STORE_DEFAULTS.currency,
        status: dto.status ?? STORE_DEFAULTS.status,
        branding: cleanBranding(dto.branding) ?? {},
        notificationUrl: dto.notificationUrl ?? null,
        actionUrl: dto.actionUrl ?? null,
        notificationSecretEnc: this.secrets.encrypt(secret),
        settings: {},
      });
      if (created) await this.links.forStore(storeId, tx).create(initialSteps());
      return created;
    });
    // A concurrent PUT created it first: this call becomes an update.
    if (!inserted) return null;
    await this.provisioning.enqueue(storeId);
    this.logger.log(`store ${storeId}: created; provisioning enqueued`);
    const store = (await this.stores.forStore(storeId).getWithLink())!;
    return { created: true, body: withNotificationSecret(toStoreResponse(store, store.chatwoot), secret) };
  }

  private async update(storeId: string, dto: UpsertStoreDto): Promise<UpsertResult> {
    const store = await this.stores.forStore(storeId).getWithLink();
    if (!store?.chatwoot) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
    const link = store.chatwoot;
    assertNotDeleted(storeId, link);
    const next: Partial<Store> = {
      name: dto.name,
      slug: dto.slug,
      email: dto.email,
      websiteUrl: dto.websiteUrl,
      ...(dto.locale !== undefined ? { locale: dto.locale } : {}),
      ...(dto.timezone !== undefined ? { timezone: dto.timezone } : {}),
      ...(dto.currency !== undefined ? { currency: dto.currency } : {}),
      ...(dto.status !== undefined ? { status: dto.status } : {}),
      ...(dto.branding !== undefined ? { branding: { ...store.branding, ...cleanBranding(dto.branding) } } : {}),
      ...(dto.notificationUrl !== undefined ? { notificationUrl: dto.notificationUrl } : {}),
      ...(dto.actionUrl !== undefined ? { actionUrl: dto.actionUrl } : {}),
    };
    const changed = (Object.keys(next) as (keyof Store)[]).filter((key) => !sameValue(store[key], next[key]));
    if (changed.length > 0) {
      await this.stores.forStore(storeId).update(Object.fromEntries(changed.map((key) => [key, next[key]])) as StoreFields);
      const parts = [...new Set(changed.flatMap((key) => FIELD_PARTS[key] ?? []))];
      if (parts.length > 0 && link.accountId) await this.lifecycle.enqueuePropagation(storeId, parts);
      this.logger.log(`store ${storeId}: updated ${changed.join(', ')}`);
    }
    // The platform repeating its PUT is the natural "try again" for a store whose provisioning failed.
    if (link.state === 'failed') await this.provisioning.resume(storeId);
    return { created: false, body: await this.get(storeId) };
  }

  async get(storeId: string): Promise<StoreResponseDto> {
    assertStoreId(storeId);
    const store = await this.stores.forStore(storeId).getWithLink();
    if (!store) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
    const webhooks = await this.statusParts.webhookIntakeOf(storeId);
    return { ...toStoreResponse(store, store.chatwoot), ...(webhooks ? { webhooks } : {}) };
  }

  async remove(storeId: string): Promise<StoreResponseDto> {
    assertStoreId(storeId);
    await this.lifecycle.requestDeletion(storeId);
    return this.get(storeId);
  }

  async getSettings(storeId: string): Promise<ResolvedStoreSettings> {
    assertStoreId(storeId);
    const store = await this.stores.forStore(storeId).get();
    if (!store) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
    return resolveStoreSettings(store.settings);
  }

  async updateSettings(storeId: string, dto: StoreSettingsDto): Promise<ResolvedStoreSettings> {
    assertStoreId(storeId);
    const store = await this.stores.forStore(storeId).getWithLink();
    if (!store) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
    assertNotDeleted(storeId, store.chatwoot!);
    const merged = mergeSettings(store.settings, dto);
    const resolved = resolveStoreSettings(merged);
    const { silver, gold, platinum } = resolved.tiers;
    if (!(silver < gold && gold < platinum)) {
      throw new InvalidRequestError('tiers must increase: silver < gold < platinum', 'INVALID_SETTINGS');
    }
    await this.stores.forStore(storeId).update({ settings: merged });
    // A rule that attaches a new label: define it in the account before a conversation gets it.
    const before = labelsToProvision(resolveStoreSettings(store.settings)).map((l) => l.title);
    const newLabel = labelsToProvision(resolved).some((l) => !before.includes(l.title));
    if (newLabel && store.chatwoot!.accountId) await this.lifecycle.enqueuePropagation(storeId, ['labels']);
    return resolved;
  }
}

/** Stored settings with a partial update laid over them, one level deep per section. */
export function mergeSettings(stored: StoreSettings | null | undefined, patch: StoreSettingsDto): StoreSettings {
  const merged: Record<string, unknown> = { ...(stored ?? {}) };
  for (const [key, value] of Object.entries(plain(patch))) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current &&
      typeof current === 'object' &&
      !Array.isArray(current)
        ? { ...current, ...(value as object) }
        : value;
  }
  return merged;
}

/** DTO instances to plain JSON (nested class instances and undefined fields dropped). */
function plain<T>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value ?? {})) as Record<string, unknown>;
}

function cleanBranding(branding: StoreBranding | undefined): StoreBranding | undefined {
  return branding === undefined ? undefined : (plain(branding) as StoreBranding);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a && b && typeof a === 'object' && typeof b === 'object')
    return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
  return a === b;
}

function sortKeys(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([x], [y]) => x.localeCompare(y)));
}
