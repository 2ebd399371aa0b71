import { CronTime } from 'cron';
import { DEFAULT_STORE_SETTINGS } from '../accounts/store-settings';

/**
 * The first time the store's cron expression fires after `from`, in the store's time zone. A
 * broken expression or zone falls back to the default nightly schedule rather than never syncing.
 */
export function nextSyncAt(cron: string, timeZone: string, from: Date): Date {
  for (const [expression, zone] of [
    [cron, timeZone],
    [cron, 'UTC'],
    [DEFAULT_STORE_SETTINGS.contactSyncCron, 'UTC'],
  ] as const) {
    try {
      return new CronTime(expression, zone).getNextDateFrom(from, zone).toJSDate();
    } catch {
      // try the next fallback
    }
  }
  return new Date(from.getTime() + 86_400_000);
}
