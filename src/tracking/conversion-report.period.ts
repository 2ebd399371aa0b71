import { InvalidRequestError } from '../common/errors/domain-error';

export const MAX_REPORT_DAYS = 366;
const DAY_MS = 86_400_000;

export interface ReportPeriod {
  from: string;
  to: string;
  /** Every day from `from` to `to`, inclusive. */
  days: string[];
}

/** Today's date (YYYY-MM-DD) in a timezone. */
export function todayIn(timezone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function safeTimezone(timezone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: timezone });
    return timezone;
  } catch {
    return 'UTC';
  }
}

/** Both ends inclusive, as whole days; default: the 30 days ending today. */
export function resolvePeriod(from: string | undefined, to: string | undefined, today: string): ReportPeriod {
  const end = to ?? today;
  const endMs = Date.parse(`${end}T00:00:00Z`);
  const start = from ?? new Date(endMs - 29 * DAY_MS).toISOString().slice(0, 10);
  const startMs = Date.parse(`${start}T00:00:00Z`);
  if (startMs > endMs) throw new InvalidRequestError(`from (${start}) must not be after to (${end})`, 'INVALID_PERIOD');
  const count = Math.round((endMs - startMs) / DAY_MS) + 1;
  if (count > MAX_REPORT_DAYS) {
    throw new InvalidRequestError(`The period spans ${count} days; at most ${MAX_REPORT_DAYS} are allowed`, 'PERIOD_TOO_LONG');
  }
  const days = Array.from({ length: count }, (_, i) => new Date(startMs + i * DAY_MS).toISOString().slice(0, 10));
  return { from: start, to: end, days };
}
