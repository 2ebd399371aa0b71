import { Injectable, Logger } from '@nestjs/common';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { ChatwootClient } from '../chatwoot/chatwoot.client';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { JobQueue } from '../jobs/job-queue.service';
import { inboxName, widgetChannel } from './chatwoot-targets';
import { AccountLinkRepository } from './account-link.repository';
import type { ChatwootAccountLink } from './entities/chatwoot-account-link.entity';
import type { Store, StoreBranding, StoreStatus } from './entities/store.entity';
import { StoreRepository } from './store.repository';
import { toChatwootLocale } from './locale-mapping';
import { ProvisioningService } from './provisioning/provisioning.service';
import { ProvisioningSteps } from './provisioning/provisioning.steps';
import { StoreLock } from './store-lock.service';

export const PROPAGATE_QUEUE = 'accounts.propagate';
export const DELETE_QUEUE = 'accounts.delete';

/** Which parts of the Chatwoot side follow a store change. */
export type PropagationPart = 'account' | 'inbox' | 'status' | 'labels';

export interface PropagateJob {
  storeId: string;
  parts: PropagationPart[];
}

/**
 * Keeps a provisioned Chatwoot account in step with its store: field changes, suspension and
 * reactivation, branding, and deletion. Every Chatwoot write runs under the store lock.
 */
@Injectable()
export class AccountLifecycleService {
  private readonly logger = new Logger(AccountLifecycleService.name);

  constructor(
    private readonly stores: StoreRepository,
    private readonly links: AccountLinkRepository,
    private readonly chatwoot: ChatwootClient,
    private readonly provisioning: ProvisioningService,
    private readonly steps: ProvisioningSteps,
    private readonly lock: StoreLock,
    private readonly jobs: JobQueue,
  ) {
    jobs.register(PROPAGATE_QUEUE, ({ storeId, parts }) => this.propagate(storeId, parts), {
      retryLimit: 8,
      retryDelay: 2,
    });
    jobs.register(DELETE_QUEUE, ({ storeId }) => this.completeDeletion(storeId), {
      retryLimit: 10,
      retryDelay: 5,
    });
  }

  enqueuePropagation(storeId: string, parts: PropagationPart[]): Promise<string | null> {
    return this.jobs.send(PROPAGATE_QUEUE, { storeId, parts });
  }

  /**
   * Pushes the store's current values (not the diff: a late or repeated job converges instead of
   * replaying history). Before the account exists there is nothing to do: provisioning reads the
   * store as it goes, and applies the status at its end.
   */
  async propagate(storeId: string, parts: PropagationPart[]): Promise<void> {
    await this.lock.withStoreLock(storeId, 'propagation', async () => {
      const loaded = await this.stores.forStore(storeId).withLink();
      if (!loaded) return;
      const { store, link } = loaded;
      if (!link.accountId || !['active', 'suspended', 'provisioning', 'failed'].includes(link.state)) return;
      try {
        await this.push(store, link, new Set(parts));
      } catch (error) {
        if (error instanceof ChatwootApiError && !error.retryable) {
          link.lastError = `propagate: ${error.message}`;
          await this.links.forStore(storeId).persist(link);
          this.logger.warn(`store ${storeId}: Chatwoot refused an update: ${error.message}`);
          return;
        }
        throw error;
      }
    });
  }

  private async push(store: Store, link: ChatwootAccountLink, parts: Set<PropagationPart>): Promise<void> {
    const platform = this.chatwoot.platform.withContext({ storeId: store.id });
    const settled = link.state === 'active' || link.state === 'suspended';
    const wantSuspended = store.status === 'suspended';
    // A suspended account refuses every account-scoped call: reactivate first, suspend last.
    if (parts.has('status') && settled && !wantSuspended) await this.applyStatus(store, link);
    if (parts.has('account')) {
      await platform.updateAccount(link.accountId!, {
        name: store.name,
        locale: toChatwootLocale(store.locale),
        support_email: store.email,
      });
    }
    const reachable = !wantSuspended && link.state !== 'suspended';
    if ((parts.has('inbox') || (parts.has('status') && !wantSuspended)) && link.inboxId && link.adminTokenEnc && reachable) {
      await this.steps.api({ store, link, lane: 'realtime' }).updateInbox(link.inboxId, {
        name: inboxName(store),
        timezone: store.timezone,
        channel: widgetChannel(store),
      });
    }
    if (parts.has('labels') && link.adminTokenEnc && reachable) {
      await this.provisioning.runSteps(store, link, ['labels'], { verify: true, lane: 'realtime', failLink: false });
    }
    if (parts.has('status') && settled && wantSuspended) await this.applyStatus(store, link);
  }

  private async applyStatus(store: Store, link: ChatwootAccountLink): Promise<void> {
    const target = store.status === 'suspended' ? 'suspended' : 'active';
    await this.chatwoot.platform.withContext({ storeId: store.id }).updateAccount(link.accountId!, { status: target });
    await this.links.forStore(store.id).transition(['active', 'suspended'], target);
    link.state = target;
    this.logger.log(`store ${store.id}: Chatwoot account ${link.accountId} is now ${target}`);
  }

  /** `POST .../chatwoot/suspend|reactivate`: the store's status follows, so drift repair keeps it that way. */
  async setStatus(storeId: string, status: StoreStatus): Promise<void> {
    await this.lock.withStoreLock(storeId, 'set-status', async () => {
      const loaded = await this.stores.forStore(storeId).withLink();
      if (!loaded) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
      const { store, link } = loaded;
      assertNotDeleted(storeId, link);
      if (store.status !== status) await this.stores.forStore(storeId).update({ status });
      store.status = status;
      if (!link.accountId || (link.state !== 'active' && link.state !== 'suspended')) return;
      await this.push(store, link, new Set<PropagationPart>(['status']));
    });
  }

  async setBranding(storeId: string, branding: StoreBranding): Promise<void> {
    await this.lock.withStoreLock(storeId, 'set-branding', async () => {
      const loaded = await this.stores.forStore(storeId).withLink();
      if (!loaded) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
      const { store, link } = loaded;
      assertNotDeleted(storeId, link);
      store.branding = { ...store.branding, ...branding };
      await this.stores.forStore(storeId).update({ branding: store.branding });
      if (link.state === 'active' && link.inboxId && link.adminTokenEnc) {
        await this.steps.api({ store, link, lane: 'realtime' }).updateInbox(link.inboxId, { channel: widgetChannel(store) });
      }
    });
  }

  /** `DELETE /v1/stores/:id`: marks it at once, then a job removes the Chatwoot side. */
  async requestDeletion(storeId: string): Promise<void> {
    const link = this.links.forStore(storeId);
    const state = await link.state();
    if (!state) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
    if (state === 'deleted') return;
    await link.transition(['pending', 'provisioning', 'active', 'suspended', 'failed'], 'deleting');
    await this.jobs.publish('store.deleted', { storeId });
    await this.jobs.send(DELETE_QUEUE, { storeId }, { singletonKey: storeId });
  }

  async completeDeletion(storeId: string): Promise<void> {
    await this.lock.withStoreLock(storeId, 'deletion', async () => {
      const loaded = await this.stores.forStore(storeId).withLink();
      if (!loaded || loaded.link.state !== 'deleting') return;
      const { link } = loaded;
      const platform = this.chatwoot.platform.withContext({ storeId });
      if (link.accountId) await ignoreNotFound(platform.deleteAccount(link.accountId));
      // The service-owned administrator has no other use; its token dies with it.
      if (link.adminUserId) await ignoreNotFound(platform.deleteUser(link.adminUserId));
      await this.links.forStore(storeId).transition(['deleting'], 'deleted', {
        adminTokenEnc: null,
        hmacTokenEnc: null,
        webhookSecretEnc: null,
        contextTokenEnc: null,
        contextTokenHash: null,
        websiteToken: null,
        lastError: null,
      });
      await this.stores
        .forStore(storeId)
        .update({ notificationSecretEnc: null, notificationUrl: null, actionUrl: null, settings: {} });
      this.logger.log(`store ${storeId}: Chatwoot account ${link.accountId ?? '-'} deleted`);
    });
  }
}

export function assertNotDeleted(storeId: string, link: ChatwootAccountLink): void {
  if (link.state === 'deleting' || link.state === 'deleted') {
    throw new ConflictError(`Store ${storeId} has been deleted`, 'STORE_DELETED');
  }
}

async function ignoreNotFound(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ChatwootApiError && error.isNotFound) return;
    throw error;
  }
}
