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
  private windowIndex = -1;
  private windowCount = 0;

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
   * Fixed window aligned to the epoch, like rack-attack's throttle (`Time.now.to_i / period`):
   * a burst straddling a boundary can get up to twice the limit, as on the real server.
   */
  rateLimit(perWindow: number, windowMs: number): void {
    this.limit = { perWindow, windowMs };
    this.windowIndex = -1;
    this.windowCount = 0;
  }

  /** True when the request must be answered 429 by the limiter. */
  throttled(now: number): boolean {
    if (!this.limit) return false;
    const index = Math.floor(now / this.limit.windowMs);
    if (index !== this.windowIndex) {
      this.windowIndex = index;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    return this.windowCount > this.limit.perWindow;
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
