import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECONCILE_SCAN_QUEUE, WebhookReconcileService } from '../../../src/webhooks/webhook-reconcile.service';
import { eventually } from '../../support/eventually';
import { seedStore, type SeededStore } from '../../support/seed-store';
import { startTestApp, type TestApp } from '../../support/test-app';

describe('reconciliation interval (WEBHOOK_RECONCILE_SECONDS)', () => {
  let t: TestApp;
  let s: SeededStore;

  beforeAll(async () => {
    t = await startTestApp({ env: { CRON_ENABLED: 'true', WEBHOOK_RECONCILE_SECONDS: '1' } });
    s = await seedStore(t);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('ticks on the configured interval, so a store is reconciled without anyone calling it', async () => {
    expect(t.get(WebhookReconcileService).intervalSeconds).toBe(1);
    expect(t.get(SchedulerRegistry).getIntervals()).toContain(RECONCILE_SCAN_QUEUE);
    const db = t.get(DataSource);
    // With the old fixed `*/5 * * * *` cron nothing would run within the wait.
    await eventually(async () => {
      const rows = (await db.query('select last_run_at from webhook_reconcile_cursors where store_id = $1', [
        s.storeId,
      ])) as unknown[];
      expect(rows).toHaveLength(1);
    });
    const listed = t.fake.countRequests({ method: 'GET', path: `/api/v1/accounts/${s.accountId}/conversations` });
    expect(listed).toBeGreaterThanOrEqual(1);
  });
});
