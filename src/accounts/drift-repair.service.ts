import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { ChatwootApiError } from '../chatwoot/chatwoot-api.error';
import { ChatwootClient } from '../chatwoot/chatwoot.client';
import type { ChatwootLane } from '../chatwoot/chatwoot-transport';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { enqueueTick } from '../jobs/cron-enqueuer';
import { JobQueue } from '../jobs/job-queue.service';
import { MetricsService } from '../observability/metrics.service';
import { AccountLinkRepository, AccountLinkScanRepository } from './account-link.repository';
import type { ChatwootAccountLink } from './entities/chatwoot-account-link.entity';
import { StoreRepository } from './store.repository';
import { initialSteps, ProvisioningService } from './provisioning/provisioning.service';
import { ProvisioningSteps, type AccountChange } from './provisioning/provisioning.steps';
import type { Store } from './entities/store.entity';
import type { CwProfile } from '../chatwoot/chatwoot.types';
import { StoreLock } from './store-lock.service';
import { TokenRotationService } from './token-rotation.service';

export const DRIFT_SCAN_QUEUE = 'accounts.drift-scan';
export const DRIFT_REPAIR_QUEUE = 'accounts.drift-repair';
const SCAN_SLOT_SECONDS = 15 * 60;
/** Provisioning untouched this long lost its job (retries exhausted): the scan restarts it. */
const STALLED_PROVISIONING_MS = 30 * 60 * 1000;

export interface DriftRepairResult {
  storeId: string;
  changes: AccountChange[];
}

/**
 * Compares each store with its Chatwoot account (exists, status, admin token, inbox and its
 * allowed domains, labels the service attaches, webhook URL and subscriptions, dashboard app) and puts back what drifted, e.g. after someone edited
 * the account in Chatwoot's UI.
 */
@Injectable()
export class DriftRepairService {
  private readonly logger = new Logger(DriftRepairService.name);
  private readonly repairs;

  constructor(
    private readonly links: AccountLinkRepository,
    private readonly scans: AccountLinkScanRepository,
    private readonly stores: StoreRepository,
    private readonly provisioning: ProvisioningService,
    private readonly steps: ProvisioningSteps,
    private readonly tokens: TokenRotationService,
    private readonly chatwoot: ChatwootClient,
    private readonly lock: StoreLock,
    private readonly jobs: JobQueue,
    metrics: MetricsService,
  ) {
    this.repairs = metrics.counter('accounts_drift_repairs_total', 'Drift found and repaired in store Chatwoot accounts', [
      'kind',
    ]);
    jobs.register(DRIFT_SCAN_QUEUE, async () => void (await this.scan()), { retryLimit: 2 });
    jobs.register(DRIFT_REPAIR_QUEUE, async ({ storeId }) => void (await this.repairQuietly(storeId)), {
      retryLimit: 3,
      retryDelay: 30,
      concurrency: 2,
    });
  }

  @Cron('*/15 * * * *')
  async tick(): Promise<void> {
    await enqueueTick(this.jobs, DRIFT_SCAN_QUEUE, SCAN_SLOT_SECONDS);
  }

  /** Fans out one repair job per provisioned store, so one broken store delays nobody. */
  async scan(): Promise<number> {
    const stores = (await this.scans.storeIdsIn(['active', 'suspended'])).map((storeId) => ({ storeId }));
    await this.jobs.sendMany(
      DRIFT_REPAIR_QUEUE,
      stores.map(({ storeId }) => ({
        data: { storeId },
        options: { singletonKey: storeId, singletonSeconds: SCAN_SLOT_SECONDS },
      })),
    );
    await this.provisioning.resumeStalled(STALLED_PROVISIONING_MS);
    return stores.length;
  }

  private async repairQuietly(storeId: string): Promise<DriftRepairResult | null> {
    try {
      return await this.repair(storeId, 'bulk');
    } catch (error) {
      if (error instanceof ConflictError || error instanceof NotFoundError) return null;
      throw error;
    }
  }

  async repair(storeId: string, lane: ChatwootLane = 'realtime'): Promise<DriftRepairResult> {
    return this.lock.withStoreLock(storeId, 'drift-repair', async () => {
      const loaded = await this.stores.forStore(storeId).withLink();
      if (!loaded) throw new NotFoundError(`Store ${storeId}`, 'STORE_NOT_FOUND');
      const { store, link } = loaded;
      if (!link.accountId || (link.state !== 'active' && link.state !== 'suspended')) {
        throw new ConflictError(`Store ${storeId} has no provisioned Chatwoot account (state: ${link.state})`, 'STORE_NOT_READY');
      }
      const changes: AccountChange[] = [];
      const platform = this.chatwoot.platform.withContext({ storeId, lane });

      const account = await platform.getAccount(link.accountId).catch((error: unknown) => {
        if (error instanceof ChatwootApiError && error.isNotFound) return null;
        throw error;
      });
      if (!account) {
        // Gone from Chatwoot: provision a new one rather than leave the store without support.
        changes.push({ kind: 'account_missing', detail: `account ${link.accountId} no longer exists; provisioning a new one` });
        // Never over a deletion in progress.
        await this.links
          .forStore(storeId)
          .transition(['pending', 'provisioning', 'active', 'suspended', 'failed'], 'provisioning', {
            accountId: null,
            inboxId: null,
            websiteToken: null,
            hmacTokenEnc: null,
            webhookId: null,
            webhookSecretEnc: null,
            dashboardAppId: null,
            teams: {},
            steps: initialSteps(),
          });
        await this.provisioning.enqueue(storeId);
        return this.finish(storeId, changes);
      }

      const target = store.status === 'suspended' ? 'suspended' : 'active';
      if (account.status !== target) {
        await platform.updateAccount(link.accountId, { status: target });
        changes.push({ kind: 'account_status', detail: `account was ${account.status}, set to ${target}` });
      }
      if (link.state !== target) await this.links.forStore(storeId).transition(['active', 'suspended'], target);
      if (target === 'suspended') return this.finish(storeId, changes);

      let profile = await this.profile(store, link, lane);
      if (!profile && (await this.tokens.recoverAdminToken(store, link))) {
        changes.push({ kind: 'admin_token', detail: 're-read the administrator token through the Platform API' });
        profile = await this.profile(store, link, lane);
      }
      const role = profile?.accounts?.find((a) => a.id === link.accountId)?.role;
      if (profile && role !== 'administrator') {
        await platform.addAccountUser(link.accountId, link.adminUserId!, 'administrator');
        changes.push({ kind: 'admin_role', detail: `bridge user was ${role ?? 'not a member'}; made administrator again` });
      }
      const outcome = await this.provisioning.verifySteps(store, link, ['inbox', 'labels', 'webhook', 'dashboard_app'], lane);
      changes.push(...outcome.changes);
      if (!outcome.ok) changes.push({ kind: 'failed', detail: link.lastError ?? 'a repair step was refused by Chatwoot' });
      return this.finish(storeId, changes);
    });
  }

  /** The administrator's profile, or null when Chatwoot no longer accepts the stored token. */
  private async profile(store: Store, link: ChatwootAccountLink, lane: ChatwootLane): Promise<CwProfile | null> {
    try {
      return await this.steps.api({ store, link, lane }).getProfile();
    } catch (error) {
      if (error instanceof ChatwootApiError && error.isUnauthorized) return null;
      throw error;
    }
  }

  private finish(storeId: string, changes: AccountChange[]): DriftRepairResult {
    for (const change of changes) {
      this.repairs.inc({ kind: change.kind });
      this.logger.log(`store ${storeId}: drift repaired (${change.kind}): ${change.detail}`);
    }
    return { storeId, changes };
  }
}
