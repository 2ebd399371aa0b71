import { HttpService } from '@nestjs/axios';
import { Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import { AxiosError, type Method } from 'axios';
import Bottleneck from 'bottleneck';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  type CircuitBreakerPolicy,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../observability/metrics.service';
import { ChatwootApiError, parseChatwootError } from './chatwoot-api.error';
import { ChatwootFleetBudget, type ChatwootLane } from './chatwoot-fleet-budget';
import { ChatwootStoreShare } from './chatwoot-store-share';

export type { ChatwootLane } from './chatwoot-fleet-budget';

export interface ChatwootCallContext {
  /** Fair sharing: each store gets its own concurrency slice of the host budget. */
  storeId?: string;
  lane?: ChatwootLane;
}

export interface ChatwootRequest {
  method: Method;
  path: string;
  /** `api_access_token`: the platform app token or a user token. */
  token: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Stable operation name for metrics and errors, e.g. `contacts.create`. */
  operation: string;
  context?: ChatwootCallContext;
  /**
   * Whether sending the request twice has the effect of sending it once. Default: true for
   * GET/PUT/PATCH/DELETE, false for POST (creates: messages, contacts, accounts, inboxes...).
   * Set it for POSTs that set a state (toggle_status, labels, assignments) or find-or-create.
   */
  idempotent?: boolean;
}

/** Connection errors raised before a byte of the request left: Chatwoot cannot have applied it. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

export function isIdempotent(req: Pick<ChatwootRequest, 'method' | 'idempotent'>): boolean {
  return req.idempotent ?? req.method.toUpperCase() !== 'POST';
}

const LANE_PRIORITY: Record<ChatwootLane, number> = { realtime: 1, bulk: 7 };

/**
 * The single door to Chatwoot: base URL, auth header, the outbound budget, retries with
 * exponential backoff and jitter, a circuit breaker, request timeouts, metrics and error mapping.
 * Feature code never sees axios; it calls the typed clients built on this.
 */
@Injectable()
export class ChatwootTransport implements OnModuleDestroy {
  private readonly logger = new Logger('Chatwoot');
  private readonly budget: Bottleneck;
  private readonly perStore: Bottleneck.Group;
  private readonly retryPolicy: RetryPolicy;
  /** For non-idempotent POSTs: a timed-out create may have been applied, so only provably unsent failures are resent. */
  private readonly createRetryPolicy: RetryPolicy;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly timeoutPolicy: TimeoutPolicy;
  private readonly baseUrl: string;
  private readonly m;

  constructor(
    private readonly http: HttpService,
    private readonly config: AppConfig,
    metrics: MetricsService,
    /** With REDIS_URL the window budget is the fleet's (see ChatwootFleetBudget); without it, this process's. */
    @Optional() private readonly fleet?: ChatwootFleetBudget,
    /** With REDIS_URL the per-store share is the fleet's too (see ChatwootStoreShare). */
    @Optional() private readonly storeShare?: ChatwootStoreShare,
  ) {
    this.baseUrl = config.CHATWOOT_URL.replace(/\/+$/, '');
    this.m = {
      duration: metrics.histogram('chatwoot_request_duration_seconds', 'Chatwoot call duration by operation and status', [
        'operation',
        'status',
      ]),
      calls: metrics.counter('chatwoot_requests_total', 'Chatwoot calls by operation and outcome', ['operation', 'outcome']),
      retries: metrics.counter('chatwoot_retries_total', 'Chatwoot call retries by operation and reason', [
        'operation',
        'reason',
      ]),
      timeouts: metrics.counter('chatwoot_timeouts_total', 'Chatwoot calls that timed out', ['operation']),
      errors: metrics.counter('chatwoot_errors_total', 'Chatwoot calls that finally failed, by kind', ['operation', 'kind']),
      withheld: metrics.counter(
        'chatwoot_retries_withheld_total',
        'Non-idempotent Chatwoot calls not resent because the failed attempt may have been applied',
        ['operation', 'reason'],
      ),
      breaker: metrics.gauge('chatwoot_circuit_open', '1 while the Chatwoot circuit breaker is open'),
      queued: metrics.gauge('chatwoot_budget_queued', 'Chatwoot calls waiting for the outbound budget'),
    };

    // One budget per Chatwoot host: Chatwoot limits per client IP, across all stores. Shared by
    // the fleet, the window count moves to ChatwootFleetBudget; Bottleneck keeps the lanes' order
    // and the concurrency of this instance.
    this.budget = new Bottleneck(
      fleet?.enabled
        ? { maxConcurrent: 32 }
        : {
            reservoir: config.CHATWOOT_BUDGET_PER_WINDOW,
            reservoirRefreshAmount: config.CHATWOOT_BUDGET_PER_WINDOW,
            reservoirRefreshInterval: config.CHATWOOT_BUDGET_WINDOW_MS,
            maxConcurrent: 32,
          },
    );
    // Per store and per process; with REDIS_URL each call also holds one of the store's fleet
    // slots (ChatwootStoreShare), so N instances together stay at CHATWOOT_STORE_CONCURRENCY.
    this.perStore = new Bottleneck.Group({ maxConcurrent: config.CHATWOOT_STORE_CONCURRENCY });
    this.perStore.on('created', (limiter) => limiter.chain(this.budget));

    const transient = handleWhen(
      (error) => error instanceof ChatwootApiError && error.retryable && error.kind !== 'circuit_open',
    );
    const backoff = () => new ExponentialBackoff({ initialDelay: config.CHATWOOT_RETRY_BASE_MS, maxDelay: 30_000 });
    this.retryPolicy = retry(transient, { maxAttempts: config.CHATWOOT_MAX_RETRIES, backoff: backoff() });
    const unapplied = handleWhen(
      (error) =>
        error instanceof ChatwootApiError && error.retryable && error.kind !== 'circuit_open' && error.provablyNotApplied,
    );
    this.createRetryPolicy = retry(unapplied, { maxAttempts: config.CHATWOOT_MAX_RETRIES, backoff: backoff() });
    // 429 means "slow down", not "Chatwoot is broken": it does not count towards opening the breaker.
    this.breaker = circuitBreaker(
      handleWhen((error) => error instanceof ChatwootApiError && error.retryable && error.kind !== 'rate_limited'),
      { halfOpenAfter: config.CHATWOOT_BREAKER_HALF_OPEN_MS, breaker: new ConsecutiveBreaker(config.CHATWOOT_BREAKER_THRESHOLD) },
    );
    this.breaker.onStateChange((state) => {
      this.m.breaker.set(state === CircuitState.Open ? 1 : 0);
      this.logger.warn(`circuit breaker is now ${CircuitState[state]}`);
    });
    this.timeoutPolicy = timeout(config.CHATWOOT_TIMEOUT_MS, TimeoutStrategy.Aggressive);
  }

  get circuitOpen(): boolean {
    return this.breaker.state === CircuitState.Open;
  }

  async request<T>(req: ChatwootRequest): Promise<T> {
    const lane = req.context?.lane ?? 'realtime';
    const limiter = req.context?.storeId ? this.perStore.key(req.context.storeId) : this.budget;
    const idempotent = isIdempotent(req);
    let lastKind = 'unknown';
    try {
      return await (idempotent ? this.retryPolicy : this.createRetryPolicy).execute(({ attempt }) => {
        if (attempt > 0) this.m.retries.inc({ operation: req.operation, reason: lastKind });
        return this.breaker
          .execute(() => {
            this.m.queued.inc();
            let queued = true;
            const dequeue = () => {
              if (queued) this.m.queued.dec();
              queued = false;
            };
            const send = async () => {
              try {
                if (this.fleet?.enabled) await this.fleet.take(lane);
              } finally {
                dequeue();
              }
              return this.attempt<T>(req);
            };
            return limiter.schedule({ priority: LANE_PRIORITY[lane] }, () =>
              (this.storeShare?.enabled ? this.storeShare.run(req.context?.storeId, lane, send) : send()).finally(dequeue),
            );
          })
          .catch((error: unknown) => {
            if (error instanceof ChatwootApiError) lastKind = error.kind;
            throw error;
          });
      });
    } catch (error) {
      const mapped =
        error instanceof BrokenCircuitError
          ? new ChatwootApiError(503, req.operation, 'Chatwoot circuit breaker is open; try again later', 'circuit_open')
          : error;
      if (mapped instanceof ChatwootApiError) {
        this.m.errors.inc({ operation: req.operation, kind: mapped.kind });
        if (!idempotent && mapped.retryable && !mapped.provablyNotApplied) {
          this.m.withheld.inc({ operation: req.operation, reason: mapped.kind });
          this.logger.warn(
            { operation: req.operation, kind: mapped.kind },
            'not resending a Chatwoot create that may already have been applied',
          );
        }
      }
      throw mapped;
    }
  }

  private async attempt<T>(req: ChatwootRequest): Promise<T> {
    const stop = this.m.duration.startTimer({ operation: req.operation });
    try {
      const response = await this.timeoutPolicy.execute(({ signal }) =>
        this.http.axiosRef.request<T>({
          baseURL: this.baseUrl,
          url: req.path,
          method: req.method,
          data: req.body,
          params: req.query,
          signal,
          headers: { api_access_token: req.token, accept: 'application/json' },
          // We map every status ourselves.
          validateStatus: () => true,
          transitional: { clarifyTimeoutError: true },
        }),
      );
      stop({ status: String(response.status) });
      if (response.status >= 200 && response.status < 300) {
        this.m.calls.inc({ operation: req.operation, outcome: 'ok' });
        return response.data;
      }
      this.m.calls.inc({ operation: req.operation, outcome: String(response.status) });
      throw parseChatwootError(response.status, req.operation, response.data);
    } catch (error) {
      if (error instanceof ChatwootApiError) throw error;
      if (error instanceof TaskCancelledError || (error instanceof AxiosError && error.code === 'ERR_CANCELED')) {
        stop({ status: 'timeout' });
        this.m.timeouts.inc({ operation: req.operation });
        this.m.calls.inc({ operation: req.operation, outcome: 'timeout' });
        throw new ChatwootApiError(0, req.operation, `no answer within ${this.config.CHATWOOT_TIMEOUT_MS} ms`, 'timeout');
      }
      stop({ status: 'network' });
      this.m.calls.inc({ operation: req.operation, outcome: 'network' });
      const message = error instanceof Error ? error.message : String(error);
      const code = (error as { code?: unknown } | null)?.code;
      const neverSent = typeof code === 'string' && NEVER_SENT_CODES.has(code);
      throw new ChatwootApiError(0, req.operation, message, 'network', [], neverSent);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.budget.disconnect(false);
  }
}
