import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RedisService } from '../common/redis/redis.service';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';

/** Real-time work (a customer just changed) overtakes bulk work (a nightly re-sync). */
export type ChatwootLane = 'realtime' | 'bulk';

/** `shared`: one count in Redis for the fleet; `fallback`: Redis unreachable, 1/N each; `process`: no REDIS_URL. */
export type BudgetMode = 'shared' | 'fallback' | 'process';

/** How often an instance says it is alive, and how long the fleet remembers it. */
export const FLEET_HEARTBEAT_MS = 2_000;
export const FLEET_INSTANCE_TTL_MS = 3 * FLEET_HEARTBEAT_MS + 1_000;

/** Thrown to calls still waiting for the budget when the app shuts down: they were never sent. */
export class BudgetClosedError extends Error {
  constructor() {
    super('the Chatwoot budget closed while this call waited for its turn');
    this.name = 'BudgetClosedError';
  }
}

/**
 * The outbound Chatwoot budget of the whole fleet (REDIS_URL set).
 *
 * Chatwoot counts every request of one client IP in fixed windows aligned to the epoch
 * (rack-attack's `req/ip` throttle keys its counter on `Time.now.to_i / period`,
 * `config/initializers/rack_attack.rb`). The fleet counts the same way: one Redis counter per
 * window index (rate-limiter-flexible's atomic INCR + TTL), so the instances together send at
 * most CHATWOOT_BUDGET_PER_WINDOW in any of Chatwoot's windows and, with a backlog, use all of it.
 * A window-aligned count cannot straddle two of Chatwoot's windows, which a reservoir refreshed
 * N ms after its own start (Bottleneck's clustering) can.
 *
 * No call starts in the last fifth of a window (at most 1 s): it could reach Chatwoot after the
 * boundary and count in the next window, which may be spent already. With a backlog the budget is
 * spent early in each window, so this costs nothing; a lone call waits at most that long.
 *
 * Real-time lane across the fleet: a refused bulk call waits for the next window plus a short
 * yield, so real-time calls refused on any instance take the new window's first tokens.
 *
 * Fallback: while Redis is unreachable each instance counts alone, at 1/N of the budget, where N
 * is the number of live instances it last saw in Redis (heartbeats every FLEET_HEARTBEAT_MS,
 * forgotten after FLEET_INSTANCE_TTL_MS), and at least CHATWOOT_FLEET_MIN_INSTANCES. A change of
 * mode takes effect at the next window boundary only, so a window is never counted half in Redis
 * and half in process. Back on Redis, an instance keeps to its 1/N for FLEET_INSTANCE_TTL_MS more,
 * since instances that have not reconnected yet still count alone meanwhile.
 */
@Injectable()
export class ChatwootFleetBudget implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ChatwootBudget');
  private readonly shared: RateLimiterRedis | null;
  private readonly windowMs: number;
  private readonly perWindow: number;
  private readonly bulkYieldMs: number;
  private readonly tailGuardMs: number;
  private readonly instanceKey: string;
  private readonly id = randomUUID();
  private mode: BudgetMode;
  /** First window in which the current mode may grant calls (a switch waits for a fresh window). */
  private usableFrom = 0;
  private local = { window: -1, used: 0 };
  /** Until then (ms) the 1/N share applies on top of the shared count: peers may still be counting alone. */
  private cappedUntil = 0;
  private instances: number;
  private readonly minInstances: number;
  private heartbeat?: NodeJS.Timeout;
  private readonly closing = new AbortController();
  private readonly m;

  constructor(
    config: AppConfig,
    private readonly redis: RedisService,
    metrics: MetricsService,
  ) {
    this.windowMs = config.CHATWOOT_BUDGET_WINDOW_MS;
    this.perWindow = config.CHATWOOT_BUDGET_PER_WINDOW;
    this.bulkYieldMs = Math.min(250, Math.floor(this.windowMs / 20));
    this.tailGuardMs = Math.min(1_000, Math.floor(this.windowMs / 5));
    this.minInstances = config.CHATWOOT_FLEET_MIN_INSTANCES;
    this.instances = this.minInstances;
    const host = new URL(config.CHATWOOT_URL).host;
    this.instanceKey = `bridge:chatwoot-fleet:${host}`;
    this.shared = redis.client
      ? new RateLimiterRedis({
          storeClient: redis.client,
          keyPrefix: `bridge:chatwoot-budget:${host}:${this.perWindow}:${this.windowMs}`,
          points: this.perWindow,
          // The key names its window; the TTL only cleans up once the window is over.
          duration: Math.ceil(this.windowMs / 1000) + 1,
          rejectIfRedisNotReady: true,
        })
      : null;
    this.mode = this.shared ? 'shared' : 'process';
    this.m = {
      mode: metrics.gauge('chatwoot_budget_mode', '1 for the way the Chatwoot budget is counted now', ['mode']),
      instances: metrics.gauge('chatwoot_fleet_instances', 'Live instances last seen in Redis (N of the 1/N fallback)'),
      waits: metrics.counter('chatwoot_budget_waits_total', 'Chatwoot calls that waited for the next budget window', ['lane']),
      waited: metrics.histogram(
        'chatwoot_budget_wait_seconds',
        'Time Chatwoot calls waited for the fleet budget',
        ['lane'],
        [0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      ),
      switches: metrics.counter('chatwoot_budget_mode_changes_total', 'Changes between shared and fallback counting', ['mode']),
    };
    this.showMode();
  }

  /** True when the budget is counted for the fleet (REDIS_URL); otherwise the transport keeps its own. */
  get enabled(): boolean {
    return this.shared !== null;
  }

  get currentMode(): BudgetMode {
    return this.mode;
  }

  /** Calls this instance may send per window while Redis is unreachable. */
  get fallbackShare(): number {
    return Math.max(1, Math.floor(this.perWindow / Math.max(this.instances, this.minInstances)));
  }

  get liveInstances(): number {
    return this.instances;
  }

  async onModuleInit(): Promise<void> {
    if (!this.shared) return;
    // The first calls would otherwise find Redis still connecting and count alone for a window.
    const client = this.redis.client!;
    if (client.status !== 'ready') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, 2_000);
        function done() {
          clearTimeout(timer);
          client.off('ready', done);
          resolve();
        }
        client.once('ready', done);
      });
    }
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), FLEET_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closing.abort();
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.redis.ready) await this.redis.client!.zrem(this.instanceKey, this.id).catch(() => undefined);
  }

  /** Resolves when one call may be sent now; waits for later windows while the budget is spent. */
  async take(lane: ChatwootLane): Promise<void> {
    const started = Date.now();
    let waited = false;
    for (;;) {
      if (this.closing.signal.aborted) throw new BudgetClosedError();
      const now = Date.now();
      const window = Math.floor(now / this.windowMs);
      this.follow(this.redis.ready ? 'shared' : 'fallback', window);
      const inTail = now >= (window + 1) * this.windowMs - this.tailGuardMs;
      if (window >= this.usableFrom && !inTail && (await this.grant(window))) break;
      if (!waited) this.m.waits.inc({ lane });
      waited = true;
      const next = Math.max(window + 1, this.usableFrom) * this.windowMs;
      await sleep(next - Date.now() + (lane === 'bulk' ? this.bulkYieldMs : 0), this.closing.signal);
    }
    if (waited) this.m.waited.observe({ lane }, (Date.now() - started) / 1000);
  }

  private async grant(window: number): Promise<boolean> {
    const capped = this.mode === 'fallback' || Date.now() < this.cappedUntil;
    if (capped) {
      if (this.local.window !== window) this.local = { window, used: 0 };
      if (this.local.used >= this.fallbackShare) return false;
    }
    if (this.mode === 'shared') {
      try {
        await this.shared!.consume(String(window));
      } catch (error) {
        if (error instanceof RateLimiterRes) return false;
        // Redis failed mid-command: count alone from the next window on.
        this.redis.fellBack('chatwoot_budget');
        this.follow('fallback', window);
        return false;
      }
    }
    if (capped) this.local.used += 1;
    return true;
  }

  private follow(wanted: 'shared' | 'fallback', window: number): void {
    if (this.mode === wanted) return;
    this.mode = wanted;
    this.usableFrom = window + 1;
    this.m.switches.inc({ mode: wanted });
    this.showMode();
    if (wanted === 'fallback') {
      this.logger.warn(
        { instances: this.instances, perWindow: this.fallbackShare },
        'Redis unreachable: counting the Chatwoot budget in process at 1/N until it is back',
      );
    } else {
      this.cappedUntil = Date.now() + this.windowMs + FLEET_INSTANCE_TTL_MS;
      this.logger.log('Redis is back: the Chatwoot budget is shared by the fleet again');
    }
  }

  private showMode(): void {
    for (const mode of ['shared', 'fallback', 'process'] as const) this.m.mode.set({ mode }, mode === this.mode ? 1 : 0);
  }

  /** Says this instance is alive and counts the live ones; on failure the last count stands. */
  private async beat(): Promise<void> {
    if (!this.redis.ready) return;
    const now = Date.now();
    try {
      const results = await this.redis
        .client!.multi()
        .zadd(this.instanceKey, now, this.id)
        .zremrangebyscore(this.instanceKey, 0, now - FLEET_INSTANCE_TTL_MS)
        .zcard(this.instanceKey)
        .pexpire(this.instanceKey, FLEET_INSTANCE_TTL_MS * 2)
        .exec();
      const count = Number(results?.[2]?.[1]);
      if (Number.isInteger(count) && count > 0) {
        // Just back from an outage (Redis may have restarted empty), peers that have not beaten
        // yet still count alone: the N they were counted with stands until the cap ends.
        this.instances = Date.now() < this.cappedUntil ? Math.max(this.instances, count) : count;
        this.m.instances.set(count);
      }
    } catch {
      this.redis.fellBack('chatwoot_fleet_heartbeat');
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new BudgetClosedError());
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(1, ms),
    );
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
