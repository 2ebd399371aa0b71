import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { StoreDirectory, type StoreView } from '../accounts/store-directory.service';
import type { ChatwootAccountClient } from '../chatwoot/chatwoot-account.client';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import type { ChatwootLane } from '../chatwoot/chatwoot-transport';
import type { CwContact, CwContactInput } from '../chatwoot/chatwoot.types';
import { PaceAbortedError, PaceDeferredError, RateLimitService } from '../common/rate-limit/rate-limit.service';
import { AppConfig } from '../config/app-config';
import { JobPriority, JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import { diffAttributes } from './attributes/attribute-diff';
import { computeContactAttributes, type CustomerBasis, type StoreFormat } from './attributes/compute-attributes';
import type { ContactAttributes } from './contact-attributes';
import { ContactLinkRepository, type LinkRow, type LinkWrite } from './contact-link.repository';
import { CustomerBasisRepository } from './customer-basis.repository';

export type SyncLane = ChatwootLane;
export type SyncResult = 'created' | 'updated' | 'unchanged' | 'failed';

export const SYNC_QUEUE = 'contacts.sync';
/** Updates to one customer within this window coalesce into one sync (pg-boss singleton slot). */
export const SYNC_DEBOUNCE_SECONDS = 2;
/** Customers pushed in parallel; the transport caps in-flight calls per store anyway. */
const PUSH_CONCURRENCY = 8;
/**
 * A real-time sync waits at most this long for its store's contact write pace; beyond it the job
 * is re-queued for when the pace allows, so one busy store never holds the workers other stores need.
 */
const REALTIME_MAX_PACE_WAIT_MS = 1000;
const E164 = /^\+[1-9]\d{1,14}$/;
/** Pages of Chatwoot search results read when looking for an existing contact (15 each). */
const MAX_SEARCH_PAGES = 10;

interface SyncJob {
  storeId: string;
  customerId: string;
}

/** The contact fields we own besides custom attributes. The identifier is set once, never diffed. */
interface Identity {
  name: string;
  email: string;
  phone_number: string | null;
}

export interface ChunkOutcome {
  results: Map<string, SyncResult>;
  /** A transient Chatwoot failure: the caller lets the job fail so pg-boss retries it. */
  retryable?: unknown;
}

/** Whose pace a write keeps to, and whether it may wait for it. */
interface PaceTarget {
  storeId: string;
  lane: SyncLane;
}

interface PushOutcome {
  result: Exclude<SyncResult, 'failed'>;
  contactId?: number;
}

export function storeFormat(store: StoreView): StoreFormat {
  return {
    currency: store.currency,
    locale: store.locale,
    timezone: store.timezone,
    tiers: store.settings.tiers,
  };
}

/**
 * Pushes customers to their Chatwoot contacts: only attributes that differ from what we last
 * pushed, nothing at all when nothing differs. Links by identifier (= platform customer id) and
 * adopts an existing contact when Chatwoot refuses a duplicate email or phone.
 */
@Injectable()
export class ContactSyncService implements OnModuleDestroy {
  private readonly logger = new Logger(ContactSyncService.name);
  private readonly synced;
  private readonly duration;
  private readonly pacedWrites;
  private readonly paceWaiting;
  /** Aborts writes still waiting for their store's pace when the app stops (their jobs are retried). */
  private readonly stopping = new AbortController();

  constructor(
    private readonly jobs: JobQueue,
    private readonly directory: StoreDirectory,
    private readonly bases: CustomerBasisRepository,
    private readonly links: ContactLinkRepository,
    private readonly limits: RateLimitService,
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.synced = metrics.counter('contacts_synced_total', 'Contacts synced to Chatwoot, by result', ['result']);
    this.duration = metrics.histogram('contacts_sync_duration_seconds', 'Time to sync one contact to Chatwoot', ['lane']);
    this.pacedWrites = metrics.counter(
      'contacts_sync_paced_total',
      'Chatwoot contact writes that waited for their store pace (CONTACT_SYNC_RATE_PER_MINUTE)',
    );
    this.paceWaiting = metrics.gauge('contacts_sync_pace_waiting', 'Chatwoot contact writes waiting for their store pace now');
    jobs.register(SYNC_QUEUE, (data) => this.handleSyncJob(data), { retryLimit: 6, retryDelay: 2, concurrency: 2 });
  }

  onModuleDestroy(): void {
    this.stopping.abort();
  }

  /**
   * Every contact create/update of a store goes through here: at most CONTACT_SYNC_RATE_PER_MINUTE
   * per store per minute (across instances with REDIS_URL). Bulk writes wait for their turn;
   * real-time ones give up after a second and their job is re-queued. The platform writes that
   * caused them were accepted long before.
   */
  private async paced<T>({ storeId, lane }: PaceTarget, write: () => Promise<T>): Promise<T> {
    let waiting = false;
    try {
      await this.limits.pace('contact-writes', storeId, this.config.CONTACT_SYNC_RATE_PER_MINUTE, 60, {
        signal: this.stopping.signal,
        maxWaitMs: lane === 'realtime' ? REALTIME_MAX_PACE_WAIT_MS : undefined,
        onWait: () => {
          waiting = true;
          this.pacedWrites.inc();
          this.paceWaiting.inc();
        },
      });
    } finally {
      if (waiting) this.paceWaiting.dec();
    }
    return write();
  }

  /** Queues a debounced sync of one customer; bursts of updates coalesce per store+customer. */
  async requestSync(storeId: string, customerId: string, lane: SyncLane = 'realtime'): Promise<void> {
    await this.jobs.send(
      SYNC_QUEUE,
      { storeId, customerId },
      {
        singletonKey: `${storeId}:${customerId}`,
        singletonSeconds: SYNC_DEBOUNCE_SECONDS,
        // A request while this slot's job exists goes to the next slot instead of being dropped,
        // so a change arriving while a sync is running is still pushed.
        singletonNextSlot: true,
        priority: lane === 'realtime' ? JobPriority.realtime : JobPriority.bulk,
      },
    );
  }

  private async handleSyncJob({ storeId, customerId }: SyncJob): Promise<void> {
    const store = await this.directory.find(storeId);
    // Data is kept for stores without a usable account; the first bulk run after activation syncs it.
    if (!store || store.chatwoot.state !== 'active') return;
    const bases = await this.bases.forStore(storeId).forCustomers(store.currency, [customerId]);
    if (bases.length === 0) return;
    const outcome = await this.syncChunk(store, bases, 'realtime', null);
    if (outcome.retryable instanceof PaceDeferredError) {
      // Not a failure: the same sync again once the store's pace allows (no singleton key, so it
      // can never be merged away; a repeat that finds nothing changed calls nothing).
      await this.jobs.send(
        SYNC_QUEUE,
        { storeId, customerId },
        { startAfter: Math.ceil(outcome.retryable.waitMs / 1000), priority: JobPriority.realtime },
      );
      return;
    }
    if (outcome.retryable) throw outcome.retryable;
  }

  /**
   * Syncs a chunk of customers (bases already loaded set-based): one query for their links, the
   * Chatwoot calls that are needed, one upsert of the links written. With `runId`, a customer a
   * previous attempt of the same run already pushed counts as what that attempt did.
   */
  async syncChunk(store: StoreView, bases: CustomerBasis[], lane: SyncLane, runId: string | null): Promise<ChunkOutcome> {
    const api = await this.directory.chatwootFor(store.id, lane);
    const format = storeFormat(store);
    const links = await this.links.forStore(store.id).forCustomers(bases.map((b) => b.customerId));
    const results = new Map<string, SyncResult>();
    const writes: LinkWrite[] = [];
    let retryable: unknown;

    const work = async (basis: CustomerBasis) => {
      if (retryable) return;
      const stop = this.duration.startTimer({ lane });
      const link = links.get(basis.customerId);
      const attributes = computeContactAttributes(basis, format);
      const identity = identityOf(basis);
      try {
        const outcome = await this.pushOne({ storeId: store.id, lane }, api, basis.customerId, attributes, identity, link);
        let result: SyncResult = outcome.result;
        if (result === 'unchanged' && runId && link?.syncedRunId === runId && isResult(link.syncedResult))
          result = link.syncedResult;
        results.set(basis.customerId, result);
        if (outcome.contactId !== undefined) {
          writes.push({
            customerId: basis.customerId,
            contactId: outcome.contactId,
            attributes,
            identity: { ...identity },
            hash: hashOf(attributes, identity),
            runId,
            result,
          });
        }
      } catch (error) {
        if (
          (error instanceof ChatwootApiError && error.retryable) ||
          error instanceof PaceAbortedError ||
          error instanceof PaceDeferredError
        ) {
          retryable ??= error;
        } else {
          results.set(basis.customerId, 'failed');
          this.logger.warn({ err: error, storeId: store.id, customerId: basis.customerId }, 'contact sync failed');
        }
      } finally {
        stop();
      }
    };

    try {
      const limit = pLimit(PUSH_CONCURRENCY);
      await Promise.all(bases.map((basis) => limit(() => work(basis))));
    } finally {
      // Whatever reached Chatwoot is recorded, even when the chunk as a whole will be retried.
      await this.links.forStore(store.id).save(writes);
    }
    for (const result of results.values()) this.synced.inc({ result });
    return { results, retryable };
  }

  private async pushOne(
    target: PaceTarget,
    api: ChatwootAccountClient,
    customerId: string,
    attributes: ContactAttributes,
    identity: Identity,
    link: LinkRow | undefined,
  ): Promise<PushOutcome> {
    if (link) {
      if (link.lastPushedHash === hashOf(attributes, identity)) return { result: 'unchanged' };
      const changed = diffAttributes(link.lastPushedAttributes, attributes);
      const identityChanges = diffIdentity(link.lastPushedIdentity, identity);
      if (Object.keys(changed).length === 0 && Object.keys(identityChanges).length === 0) {
        // Same values, stale hash (e.g. written by an older version): refresh the row, call nothing.
        return { result: 'unchanged', contactId: link.contactId };
      }
      try {
        await this.update(target, api, link.contactId, identityChanges, changed);
        return { result: 'updated', contactId: link.contactId };
      } catch (error) {
        // Deleted in Chatwoot: create it again below.
        if (!(error instanceof ChatwootApiError && error.isNotFound)) throw error;
      }
    }
    return this.createOrAdopt(target, api, customerId, attributes, identity);
  }

  private async update(
    target: PaceTarget,
    api: ChatwootAccountClient,
    contactId: number,
    identityChanges: Partial<Identity>,
    attributes: Partial<ContactAttributes>,
  ): Promise<void> {
    const hasAttributes = Object.keys(attributes).length > 0;
    const input: CwContactInput = {
      ...identityInput(identityChanges),
      ...(hasAttributes ? { custom_attributes: attributes } : {}),
    };
    try {
      await this.paced(target, () => api.updateContact(contactId, input));
    } catch (error) {
      // Chatwoot refuses an email/phone another contact holds; the attributes must still arrive.
      if (!(error instanceof ChatwootApiError && error.isValidation && Object.keys(identityChanges).length > 0)) throw error;
      this.logger.warn(
        { contactId, fields: Object.keys(identityChanges) },
        'Chatwoot refused the new contact details; kept the old',
      );
      if (hasAttributes) await this.paced(target, () => api.updateContact(contactId, { custom_attributes: attributes }));
    }
  }

  private async createOrAdopt(
    target: PaceTarget,
    api: ChatwootAccountClient,
    customerId: string,
    attributes: ContactAttributes,
    identity: Identity,
  ): Promise<PushOutcome> {
    try {
      const input: CwContactInput = { ...identityInput(identity), identifier: customerId, custom_attributes: attributes };
      if (!identity.phone_number) delete input.phone_number;
      const contact = await this.paced(target, () => api.createContact(input));
      return { result: 'created', contactId: contact.id };
    } catch (error) {
      if (!(error instanceof ChatwootApiError && error.isValidation)) throw error;
      const existing = await this.findExisting(api, customerId, identity);
      if (!existing) throw error;
      const input: CwContactInput = { custom_attributes: attributes };
      // Never take over an identifier that names another customer.
      if (!existing.identifier) input.identifier = customerId;
      if (!existing.name?.trim()) input.name = identity.name;
      await this.paced(target, () => api.updateContact(existing.id, input));
      return { result: 'updated', contactId: existing.id };
    }
  }

  /** By identifier (filter), then email, then phone (search, compared exactly). */
  private async findExisting(api: ChatwootAccountClient, customerId: string, identity: Identity): Promise<CwContact | null> {
    const byIdentifier = await api.filterContacts([
      { attribute_key: 'identifier', filter_operator: 'equal_to', values: [customerId] },
    ]);
    const exact = byIdentifier.payload.find((c) => c.identifier === customerId);
    if (exact) return exact;
    const probes: [string | null, (c: CwContact) => boolean][] = [
      [identity.email, (c) => c.email?.toLowerCase() === identity.email],
      [identity.phone_number, (c) => c.phone_number === identity.phone_number],
    ];
    for (const [query, matches] of probes) {
      if (!query) continue;
      const hit = await this.searchExact(api, query, matches);
      if (hit) return hit;
    }
    return null;
  }

  /**
   * Chatwoot's search is a substring match (`ILIKE %q%`, where `_` and `%` are wildcards) over
   * every contact of the account, 15 a page with `has_more` (contacts_controller.rb#search): the
   * exact contact can sit behind a page of near matches (`xann@…`, `ann@….nl`), so read on.
   */
  private async searchExact(
    api: ChatwootAccountClient,
    query: string,
    matches: (c: CwContact) => boolean,
  ): Promise<CwContact | null> {
    for (let page = 1; page <= MAX_SEARCH_PAGES; page++) {
      const found = await api.searchContacts(query, page);
      const hit = found.payload.find(matches);
      if (hit) return hit;
      if (!found.meta?.has_more || found.payload.length === 0) return null;
    }
    this.logger.warn(`contact search for an existing contact stopped after ${MAX_SEARCH_PAGES} pages of near matches`);
    return null;
  }
}

function identityOf(basis: CustomerBasis): Identity {
  const phone = basis.phone?.replace(/[\s()-]/g, '') ?? null;
  return { name: basis.name, email: basis.email.trim().toLowerCase(), phone_number: phone && E164.test(phone) ? phone : null };
}

function diffIdentity(last: Record<string, unknown>, next: Identity): Partial<Identity> {
  const changes: Partial<Record<keyof Identity, string | null>> = {};
  for (const key of ['name', 'email', 'phone_number'] as const) {
    if ((last[key] ?? null) !== next[key]) changes[key] = next[key];
  }
  return changes as Partial<Identity>;
}

/** Chatwoot stores a blank phone as NULL; an absent key leaves the field as it is. */
function identityInput(identity: Partial<Identity>): CwContactInput {
  const input: CwContactInput = {};
  if (identity.name !== undefined) input.name = identity.name;
  if (identity.email !== undefined) input.email = identity.email;
  if (identity.phone_number !== undefined) input.phone_number = identity.phone_number ?? '';
  return input;
}

export function hashOf(attributes: ContactAttributes, identity: Identity): string {
  return createHash('sha256')
    .update(JSON.stringify([attributes, identity]))
    .digest('hex');
}

function isResult(value: string | null): value is SyncResult {
  return value === 'created' || value === 'updated' || value === 'unchanged' || value === 'failed';
}
