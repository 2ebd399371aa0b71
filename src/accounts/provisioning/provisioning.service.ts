import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ChatwootApiError } from '../../chatwoot/chatwoot-api.error';
import { ChatwootClient } from '../../chatwoot/chatwoot.client';
import type { ChatwootLane } from '../../chatwoot/chatwoot-transport';
import { JobQueue } from '../../jobs/job-queue.service';
import { MetricsService } from '../../observability/metrics.service';
import { AccountLinkRepository, AccountLinkScanRepository } from '../account-link.repository';
import type { ChatwootAccountLink, ChatwootAccountState, ProvisioningStep } from '../entities/chatwoot-account-link.entity';
import type { Store } from '../entities/store.entity';
import { StoreRepository } from '../store.repository';
import { StoreLock } from '../store-lock.service';
import {
  ACCOUNT_CONTENT_STEPS,
  PROVISIONING_STEPS,
  ProvisioningSteps,
  type AccountChange,
  type ProvisioningStepName,
  type StepContext,
} from './provisioning.steps';

export const PROVISION_QUEUE = 'accounts.provision';

export interface ProvisionJob {
  storeId: string;
}

/** States in which provisioning still has work to do. */
const UNFINISHED: ChatwootAccountState[] = ['pending', 'provisioning'];

export function initialSteps(): ProvisioningStep[] {
  return PROVISIONING_STEPS.map((name) => ({ name, state: 'pending' }));
}

export interface StepsOutcome {
  /** False when a step was refused by Chatwoot (non-retryable); recorded on the link. */
  ok: boolean;
  changes: AccountChange[];
}

/**
 * Runs the provisioning saga: one recorded step after another, each persisted as soon as it is
 * done, so a crash or a Chatwoot error resumes at the step that did not finish. Retryable
 * Chatwoot errors are rethrown for pg-boss to retry with backoff; a refusal (4xx) marks the step
 * and the store `failed` with Chatwoot's message.
 */
@Injectable()
export class ProvisioningService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ProvisioningService.name);
  private readonly created;
  private readonly failures;
  private readonly stepDuration;

  constructor(
    private readonly stores: StoreRepository,
    private readonly links: AccountLinkRepository,
    private readonly scans: AccountLinkScanRepository,
    private readonly steps: ProvisioningSteps,
    private readonly chatwoot: ChatwootClient,
    private readonly lock: StoreLock,
    private readonly jobs: JobQueue,
    metrics: MetricsService,
  ) {
    this.created = metrics.counter('accounts_created_total', 'Store Chatwoot accounts fully provisioned');
    this.failures = metrics.counter('accounts_provisioning_failures_total', 'Provisioning step failures', ['step', 'reason']);
    this.stepDuration = metrics.histogram('accounts_provisioning_step_duration_seconds', 'Provisioning step duration', ['step']);
    jobs.register(PROVISION_QUEUE, ({ storeId }) => this.provision(storeId), {
      retryLimit: 10,
      retryDelay: 2,
      retryBackoff: true,
    });
  }

  /** Resumes provisioning that a stopped or crashed instance left unfinished. */
  async onApplicationBootstrap(): Promise<void> {
    for (const storeId of await this.scans.storeIdsIn(UNFINISHED)) await this.enqueue(storeId);
  }

  enqueue(storeId: string): Promise<string | null> {
    return this.jobs.send(PROVISION_QUEUE, { storeId }, { singletonKey: storeId });
  }

  /** Re-enqueues provisioning that has not moved for a while (its job ran out of retries). */
  async resumeStalled(olderThanMs: number): Promise<number> {
    const stalled = await this.scans.storeIdsIn(UNFINISHED, new Date(Date.now() - olderThanMs));
    for (const storeId of stalled) await this.enqueue(storeId);
    return stalled.length;
  }

  /** A failed store tries again from the step that failed (the platform repeating its PUT, or an operator). */
  async resume(storeId: string): Promise<void> {
    if (await this.links.forStore(storeId).retryFailed()) await this.enqueue(storeId);
  }

  /** The job: runs every unfinished step; a no-op for stores that are done, deleted or failed. */
  async provision(storeId: string): Promise<void> {
    await this.lock.withStoreLock(storeId, 'provisioning', async () => {
      const loaded = await this.stores.forStore(storeId).withLink();
      if (!loaded || !UNFINISHED.includes(loaded.link.state)) return;
      const { store, link } = loaded;
      await this.transition(storeId, UNFINISHED, 'provisioning');
      link.state = 'provisioning';
      const outcome = await this.runSteps(store, link, PROVISIONING_STEPS, { verify: false, lane: 'realtime', failLink: true });
      if (!outcome.ok) return;
      const suspended = store.status === 'suspended';
      if (suspended)
        await this.chatwoot.platform.withContext({ storeId }).updateAccount(link.accountId!, { status: 'suspended' });
      if (await this.transition(storeId, ['provisioning'], suspended ? 'suspended' : 'active')) {
        this.created.inc();
        this.logger.log(`store ${storeId}: Chatwoot account ${link.accountId} provisioned`);
        await this.jobs.publish('store.provisioned', { storeId, accountId: link.accountId! });
      }
    });
  }

  /**
   * Re-creates whatever is missing inside an existing account (inbox, attribute definitions,
   * teams, labels, webhook, dashboard app), checking each recorded object. Caller holds the lock.
   */
  ensureAccountContent(store: Store, link: ChatwootAccountLink, lane: ChatwootLane): Promise<StepsOutcome> {
    return this.runSteps(store, link, ACCOUNT_CONTENT_STEPS, { verify: true, lane, failLink: false });
  }

  /** Repair subset: the objects drift repair compares (inbox, webhook, dashboard app). Caller holds the lock. */
  verifySteps(store: Store, link: ChatwootAccountLink, names: readonly ProvisioningStepName[], lane: ChatwootLane) {
    return this.runSteps(store, link, names, { verify: true, lane, failLink: false });
  }

  async runSteps(
    store: Store,
    link: ChatwootAccountLink,
    names: readonly ProvisioningStepName[],
    options: { verify: boolean; lane: ChatwootLane; failLink: boolean },
  ): Promise<StepsOutcome> {
    const changes: AccountChange[] = [];
    link.steps = mergeSteps(link.steps);
    for (const name of names) {
      const step = link.steps.find((s) => s.name === name)!;
      if (step.state === 'done' && !options.verify) continue;
      if (await this.isBeingDeleted(store.id)) return { ok: false, changes };
      const neverStarted = step.state === 'pending';
      if (step.state !== 'done') {
        step.state = 'running';
        await this.persist(link);
      }
      const ctx: StepContext = {
        store,
        link,
        check: !neverStarted,
        verify: options.verify,
        lane: options.lane,
        changes,
        save: () => this.persist(link),
      };
      const stop = this.stepDuration.startTimer({ step: name });
      try {
        await this.steps.run(name, ctx);
        stop();
        Object.assign(step, { state: 'done', at: new Date().toISOString() });
        delete step.error;
        await this.persist(link);
      } catch (error) {
        stop();
        if (!(error instanceof ChatwootApiError)) throw error;
        step.error = error.chatwootMessage;
        if (error.retryable) {
          this.failures.inc({ step: name, reason: 'retrying' });
          link.lastError = `${name}: ${error.message} (retrying)`;
          await this.persist(link);
          throw error;
        }
        this.failures.inc({ step: name, reason: 'rejected' });
        step.state = 'failed';
        link.lastError = `${name}: ${error.message}`;
        await this.persist(link);
        if (options.failLink) await this.transition(store.id, ['provisioning'], 'failed');
        this.logger.warn(`store ${store.id}: provisioning step ${name} refused by Chatwoot: ${error.message}`);
        return { ok: false, changes };
      }
    }
    if (!link.steps.some((s) => s.state === 'failed') && link.lastError) {
      link.lastError = null;
      await this.persist(link);
    }
    return { ok: true, changes };
  }

  private persist(link: ChatwootAccountLink): Promise<void> {
    return this.links.forStore(link.storeId).persist(link);
  }

  private transition(storeId: string, from: ChatwootAccountState[], to: ChatwootAccountState): Promise<boolean> {
    return this.links.forStore(storeId).transition(from, to);
  }

  private async isBeingDeleted(storeId: string): Promise<boolean> {
    const state = await this.links.forStore(storeId).state();
    return !state || state === 'deleting' || state === 'deleted';
  }
}

/** Steps recorded by an older version keep their state; steps added since start pending. */
function mergeSteps(recorded: ProvisioningStep[] | null | undefined): ProvisioningStep[] {
  const byName = new Map((recorded ?? []).map((s) => [s.name, s]));
  return PROVISIONING_STEPS.map((name) => byName.get(name) ?? { name, state: 'pending' as const });
}
