const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** `YYYY-MM-DD` of an instant as seen in the store's time zone (UTC when the zone is unknown). */
export function isoDate(value: Date | null | undefined, timeZone = 'UTC'): string | null {
  if (!value || Number.isNaN(value.getTime())) return null;
  const format = formatterFor(timeZone);
  if (!format) return value.toISOString().slice(0, 10);
  const parts = format.formatToParts(value);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  if (!formatters.has(timeZone)) {
    let format: Intl.DateTimeFormat | null;
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      format = null;
    }
    formatters.set(timeZone, format);
  }
  return formatters.get(timeZone) ?? null;
}
