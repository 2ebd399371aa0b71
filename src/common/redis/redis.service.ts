import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { MetricsService } from '../../observability/metrics.service';

type Listener = (message: string) => void;

/**
 * The optional shared state of several instances (REDIS_URL): rate-limit counters and cache
 * invalidations. Unset, everything stays in process and this service does nothing. Redis is a
 * helper, never a dependency: a command that fails is counted and logged, and callers fall back
 * to their in-process behaviour, so a Redis outage never fails a request.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  /** Commands: no offline queue, so a down Redis answers at once (callers fall back) instead of hanging. */
  readonly client: Redis | null;
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, Listener[]>();
  private readonly errors;

  constructor(
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.errors = metrics.counter('redis_errors_total', 'Redis commands or connections that failed, by operation', ['operation']);
    this.client = config.REDIS_URL ? this.connect('commands', { enableOfflineQueue: false, maxRetriesPerRequest: 1 }) : null;
  }

  get enabled(): boolean {
    return this.client !== null;
  }

  /** Sends to every instance subscribed to `channel` (this one included); failures are logged, not thrown. */
  async publish(channel: string, message: string): Promise<void> {
    if (!this.client) return;
    await this.client.publish(channel, message).catch((error: unknown) => this.failed('publish', error));
  }

  /** Calls `listener` for every message on `channel`, resubscribing after reconnects. */
  subscribe(channel: string, listener: Listener): void {
    if (!this.config.REDIS_URL) return;
    if (!this.subscriber) {
      // A subscribed connection can run nothing else; its offline queue keeps SUBSCRIBE until it is up.
      this.subscriber = this.connect('subscriber', {});
      this.subscriber.on('message', (name: string, message: string) => {
        for (const handle of this.listeners.get(name) ?? []) handle(message);
      });
    }
    const existing = this.listeners.get(channel);
    if (existing) existing.push(listener);
    else {
      this.listeners.set(channel, [listener]);
      this.subscriber.subscribe(channel).catch((error: unknown) => this.failed('subscribe', error));
    }
  }

  /** True while commands can be sent (callers that fall back on their own use it to count fallbacks). */
  get ready(): boolean {
    return this.client?.status === 'ready';
  }

  /** Counts work done in process because Redis was unreachable (not logged: it can happen per request). */
  fellBack(operation: string): void {
    this.errors.inc({ operation });
  }

  private failed(operation: string, error: unknown): void {
    this.errors.inc({ operation });
    this.logger.warn({ err: error, operation }, 'redis operation failed');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(
      [this.client, this.subscriber].map((connection) => connection?.quit().catch(() => connection.disconnect())),
    );
  }

  private connect(role: string, options: { enableOfflineQueue?: boolean; maxRetriesPerRequest?: number }): Redis {
    const connection = new Redis(this.config.REDIS_URL!, {
      connectionName: `chatwoot-bridge:${role}`,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
      ...options,
    });
    let reported = false;
    connection.on('error', (error: unknown) => {
      // ioredis reconnects by itself; say so once per outage, not on every retry.
      if (reported) return;
      reported = true;
      this.failed(`connection:${role}`, error);
    });
    connection.on('ready', () => (reported = false));
    return connection;
  }
}
