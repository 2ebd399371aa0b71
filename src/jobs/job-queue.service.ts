import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { isDatabaseUnavailable } from '../common/errors/service-unavailable';
import { AppConfig } from '../config/app-config';
import type { DomainEventName, DomainEvents } from '../common/events/domain-events';
import { jobsDbOf } from '../database/transaction-jobs';
import { subscribedQueues } from './job-subscriptions.repository';
import { MetricsService } from '../observability/metrics.service';
import type { QueueName, QueuePayloads } from './queues';

export interface QueueDefinition {
  /** Attempts after the first failure. */
  retryLimit?: number;
  /** Seconds before the first retry; doubled each time when `retryBackoff` (the default). */
  retryDelay?: number;
  retryBackoff?: boolean;
  expireInSeconds?: number;
  /** Jobs handled together by one worker call. */
  batchSize?: number;
  /** Parallel worker loops in this process. */
  concurrency?: number;
}

export type JobHandler<T> = (data: T, job: PgBoss.Job<T>) => Promise<void>;

export type SendOptions = PgBoss.SendOptions;

/**
 * `tx`: insert the jobs in the caller's transaction, so they commit (and become visible to
 * workers) with the state that planned them, or not at all. Call {@link JobQueue.wake} after the
 * commit to start local workers at once instead of at their next poll.
 */
export interface InTransaction {
  tx?: EntityManager;
}

/** pg-boss hands its options to pg.Pool; its types do not list the pool's own settings. */
const POOL_EXTRAS = { connectionTimeoutMillis: 3000 };

/** pg-boss runs higher numbers first: real-time work overtakes bulk work in every queue. */
export const JobPriority = { realtime: 10, normal: 5, bulk: 0 } as const;

interface Registration {
  name: string;
  events: string[];
  definition: QueueDefinition;
  handler: JobHandler<unknown>;
  workerIds: string[];
}

/**
 * pg-boss on the service's own database: durable jobs, retries with backoff, singleton keys,
 * delayed jobs and dead letters without another engine. Modules `register` their queues in
 * their constructor or `onModuleInit`; workers start once the app has bootstrapped.
 */
@Injectable()
export class JobQueue implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly boss: PgBoss;
  private readonly registrations = new Map<string, Registration>();
  private started: Promise<void> | undefined;
  private running = false;
  private stopping = false;
  private readonly processed;
  private readonly duration;

  constructor(
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.boss = new PgBoss({
      connectionString: config.DATABASE_URL,
      schema: 'pgboss',
      application_name: 'chatwoot-bridge-jobs',
      max: 6,
      ...POOL_EXTRAS,
      // Keep maintenance light in tests, where a database lives for seconds.
      maintenanceIntervalSeconds: 120,
    });
    this.boss.on('error', (error: unknown) => this.onError(error));
    this.processed = metrics.counter('jobs_processed_total', 'Jobs handled, by queue and outcome', ['queue', 'outcome']);
    this.duration = metrics.histogram('job_duration_seconds', 'Job handling time by queue', ['queue']);
  }

  onModuleInit(): Promise<void> {
    return this.start();
  }

  private outageErrors = 0;
  private outageLoggedAt = 0;

  /**
   * pg-boss errors. While stopping they are the service closing its own connections: debug. While
   * PostgreSQL is away every worker's poll fails: the workers are in effect paused and resume on
   * their next poll once it is back, logged once per 10 s, not once per poll. Logged without the
   * pg client pg attaches to the error (several KB of connection state per line).
   */
  private onError(error: unknown): void {
    const e = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown; queue?: unknown };
    const err = { type: e.name, message: e.message, code: e.code, queue: e.queue, stack: e.stack };
    if (this.stopping) {
      this.logger.debug({ err }, 'job queue error while stopping');
      return;
    }
    if (!isDatabaseUnavailable(error)) {
      this.logger.error({ err }, 'job queue error');
      return;
    }
    this.outageErrors++;
    if (Date.now() - this.outageLoggedAt < 10_000) return;
    this.outageLoggedAt = Date.now();
    this.logger.warn(
      { err, errors: this.outageErrors },
      'job queue paused: database unavailable (workers resume when it is back)',
    );
    this.outageErrors = 0;
  }

  private start(): Promise<void> {
    this.started ??= this.boss.start().then(() => {
      this.running = true;
    });
    return this.started;
  }

  /** Declares a queue and its handler; the worker starts with the app (when JOBS_ENABLED). */
  register<Q extends QueueName>(name: Q, handler: JobHandler<QueuePayloads[Q]>, definition: QueueDefinition = {}): void {
    this.add(name, handler as JobHandler<unknown>, definition);
  }

  private add(name: string, handler: JobHandler<unknown>, definition: QueueDefinition): void {
    if (this.registrations.has(name)) throw new Error(`Queue ${name} registered twice`);
    this.registrations.set(name, { name, events: [], definition, handler, workerIds: [] });
  }

  /**
   * Subscribes a queue of the caller's own (`<module>.<purpose>`) to a domain event: every
   * `publish` of it becomes a durable job in that queue, retried like any other.
   */
  on<E extends DomainEventName>(
    event: E,
    queue: string,
    handler: JobHandler<DomainEvents[E]>,
    definition: QueueDefinition = {},
  ): void {
    this.add(queue, handler as JobHandler<unknown>, definition);
    this.registrations.get(queue)!.events.push(event);
  }

  /** Announces a domain event to every queue subscribed to it (see {@link publishMany}). */
  publish<E extends DomainEventName>(event: E, data: DomainEvents[E], inTransaction: InTransaction = {}): Promise<void> {
    return this.publishMany(event, [data], inTransaction);
  }

  /**
   * Announces events of one kind to every queue subscribed to them (pg-boss's subscription table,
   * which every instance fills at bootstrap), as one insert. Not pg-boss's own `publish`, which
   * settles each send apart and drops a failed one: inside a transaction that failure aborts it,
   * and the COMMIT that follows silently rolls everything back. Here a failure throws, with or
   * without `tx`.
   */
  async publishMany<E extends DomainEventName>(event: E, items: DomainEvents[E][], { tx }: InTransaction = {}): Promise<void> {
    if (items.length === 0) return;
    await this.start();
    const db = tx ? jobsDbOf(tx) : this.boss.getDb();
    const queues = await subscribedQueues(db, event);
    if (queues.length === 0) return;
    await this.boss.insert(
      queues.flatMap((name) => items.map((data) => ({ name, data, priority: JobPriority.normal }))) as PgBoss.JobInsert[],
      { db },
    );
    if (!tx) this.wakeSubscribers(event);
  }

  /** Starts the local workers of a queue now (after a commit that sent it jobs with `tx`). */
  wake(name: QueueName): void {
    for (const workerId of this.registrations.get(name)?.workerIds ?? []) this.boss.notifyWorker(workerId);
  }

  /** Starts the local workers of every queue subscribed to `event`. */
  wakeSubscribers(event: DomainEventName): void {
    for (const registration of this.registrations.values()) {
      if (registration.events.includes(event)) for (const workerId of registration.workerIds) this.boss.notifyWorker(workerId);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
    for (const registration of this.registrations.values()) {
      await this.ensureQueue(registration);
      for (const event of registration.events) await this.boss.subscribe(event, registration.name);
      if (this.config.JOBS_ENABLED) await this.startWorkers(registration);
    }
  }

  async send<Q extends QueueName>(name: Q, data: QueuePayloads[Q], options: SendOptions = {}): Promise<string | null> {
    await this.start();
    const registration = this.registrations.get(name);
    if (registration) await this.ensureQueue(registration);
    const id = await this.boss.send(name, data, { priority: JobPriority.normal, ...options });
    // Wake a local worker at once instead of waiting for its next poll.
    this.wake(name);
    return id;
  }

  async sendMany<Q extends QueueName>(
    name: Q,
    items: { data: QueuePayloads[Q]; options?: SendOptions }[],
    { tx }: InTransaction = {},
  ): Promise<void> {
    if (items.length === 0) return;
    await this.start();
    const registration = this.registrations.get(name);
    if (registration) await this.ensureQueue(registration);
    await this.boss.insert(
      items.map(({ data, options }) => ({ name, data, priority: JobPriority.normal, ...options })) as PgBoss.JobInsert[],
      tx ? { db: jobsDbOf(tx) } : {},
    );
    if (!tx) this.wake(name);
  }

  /** Jobs of a queue that are not finished yet (created, retry or active). */
  async pending(name: string): Promise<number> {
    await this.start();
    return this.boss.getQueueSize(name, { before: 'completed' });
  }

  async isHealthy(): Promise<boolean> {
    if (!this.running) return false;
    try {
      await this.boss.getQueues();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Before, not on, application shutdown: the workers must finish (or be failed back to the
   * queue) while TypeORM's connections are still open; TypeORM closes them on shutdown.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    this.running = false;
    this.stopping = true;
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 }).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'job queue did not stop cleanly');
    });
  }

  private readonly ensured = new Map<string, Promise<void>>();
  /** The tail of the queue creations, which run one at a time (see ensureQueue). */
  private creations: Promise<unknown> = Promise.resolve();

  /**
   * pg-boss 10 creates a queue's partition under locks on its job table: two creations at once
   * (start-up declaring queues while a start-up job is sent to another) can deadlock (40P01).
   * So this process creates one queue at a time, and a deadlock another instance caused is retried.
   */
  private ensureQueue(registration: Registration): Promise<void> {
    let ensured = this.ensured.get(registration.name);
    if (!ensured) {
      const { retryLimit = 5, retryDelay = 2, retryBackoff = true, expireInSeconds = 600 } = registration.definition;
      const create = async () => {
        for (let attempt = 1; ; attempt++) {
          try {
            if (await this.boss.getQueue(registration.name)) return;
            await this.boss.createQueue(registration.name, {
              name: registration.name,
              retryLimit,
              retryDelay,
              retryBackoff,
              expireInSeconds,
            });
            return;
          } catch (error) {
            if ((error as { code?: unknown }).code !== '40P01' || attempt >= 5) throw error;
            await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
          }
        }
      };
      ensured = this.creations.then(create);
      this.creations = ensured.catch(() => undefined);
      // A failed creation is tried again by the next caller, not remembered.
      ensured.catch(() => this.ensured.delete(registration.name));
      this.ensured.set(registration.name, ensured);
    }
    return ensured;
  }

  private async startWorkers(registration: Registration): Promise<void> {
    const { batchSize = 1, concurrency = 1 } = registration.definition;
    for (let i = 0; i < concurrency; i++) {
      const id = await this.boss.work(
        registration.name,
        { batchSize, pollingIntervalSeconds: this.config.JOBS_POLL_SECONDS, priority: true },
        (jobs: PgBoss.Job<unknown>[]) => this.handle(registration, jobs),
      );
      registration.workerIds.push(id);
    }
  }

  private async handle(registration: Registration, jobs: PgBoss.Job<unknown>[]): Promise<void> {
    for (const job of jobs) {
      const stop = this.duration.startTimer({ queue: registration.name });
      try {
        await registration.handler(job.data, job);
        this.processed.inc({ queue: registration.name, outcome: 'completed' });
      } catch (error) {
        this.processed.inc({ queue: registration.name, outcome: 'failed' });
        this.logger.warn({ err: error, queue: registration.name, jobId: job.id }, 'job failed; pg-boss will retry');
        throw error;
      } finally {
        stop();
      }
    }
  }
}
