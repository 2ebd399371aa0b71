/**
 * Fault injection and the rack-attack-like limiter. Both run before routing, like rack-attack
 * (a middleware) and like a flaky proxy in front of Chatwoot.
 */

export interface FaultRule {
  method?: string;
  /** String = path prefix; RegExp is tested against the path without query string. */
  path?: string | RegExp;
  /** Status to answer instead of handling the request; omit to only add latency. */
  status?: number;
  body?: unknown;
  delayMs?: number;
  /** How many matching requests the rule applies to (default: unlimited). */
  times?: number;
  /** Probability 0..1 that a matching request is affected. */
  rate?: number;
}

export interface FakeFaults {
  add(rule: FaultRule): void;
  clear(): void;
  rateLimit(perWindow: number, windowMs: number): void;
}

export interface FaultDecision {
  delayMs: number;
  status?: number;
  body?: unknown;
}

interface ActiveRule extends FaultRule {
  remaining: number;
}

/** rack-attack's default throttled response. */
export const THROTTLED_BODY = 'Retry later\n';

export class FakeFaultsController implements FakeFaults {
  private rules: ActiveRule[] = [];
  private limit: { perWindow: number; windowMs: number } | undefined;
  /** Per client IP: the window index and the requests counted in it. */
  private windows = new Map<string, { index: number; count: number }>();

  constructor(private readonly random: () => number = Math.random) {}

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  /** Removes fault rules and the limiter. */
  clear(): void {
    this.rules = [];
    this.limit = undefined;
  }

  /**
   * Chatwoot's `req/ip` throttle (`config/initializers/rack_attack.rb`: `throttle('req/ip', limit:
   * RACK_ATTACK_LIMIT, period: 1.minute, &:ip)`): every request of one client IP counts, whatever
   * the endpoint or token, in a fixed window aligned to the epoch (rack-attack keys the counter on
   * `Time.now.to_i / period`), so a burst straddling a boundary can get up to twice the limit, as
   * on the real server. Chatwoot also safelists `/health` (kept here) and, by default, 127.0.0.1
   * and ::1 (not kept: every test client is on loopback, and a real Chatwoot sees our egress IP).
   */
  rateLimit(perWindow: number, windowMs: number): void {
    this.limit = { perWindow, windowMs };
    this.windows.clear();
  }

  /** True when the request must be answered 429 by the limiter. */
  throttled(now: number, ip = 'unknown', path = ''): boolean {
    if (!this.limit || path === '/health') return false;
    const index = Math.floor(now / this.limit.windowMs);
    let window = this.windows.get(ip);
    if (!window || window.index !== index) {
      window = { index, count: 0 };
      this.windows.set(ip, window);
    }
    window.count += 1;
    return window.count > this.limit.perWindow;
  }

  /** First matching rule wins; latency-only rules fall through to normal handling. */
  decide(method: string, path: string): FaultDecision | undefined {
    for (const rule of this.rules) {
      if (rule.remaining <= 0) continue;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path !== undefined && !pathMatches(rule.path, path)) continue;
      if (rule.rate !== undefined && this.random() >= rule.rate) continue;
      rule.remaining -= 1;
      return { delayMs: rule.delayMs ?? 0, status: rule.status, body: rule.body };
    }
    return undefined;
  }
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  if (typeof pattern === 'string') return path.startsWith(pattern);
  pattern.lastIndex = 0; // a /g or /y RegExp would otherwise remember its previous match position
  return pattern.test(path);
}
