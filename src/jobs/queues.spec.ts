import { describe, expect, it } from 'vitest';
import { enqueueTick } from './cron-enqueuer';
import type { JobQueue } from './job-queue.service';

/** Never called: it only has to compile, and the compiler has to refuse each marked line. */
export async function queuesAreTyped(jobs: JobQueue) {
  // @ts-expect-error a queue that is not in QueuePayloads
  await jobs.send('webhooks.proces', { storeId: 's', id: '1' });
  // @ts-expect-error a payload missing a field
  await jobs.send('webhooks.process', { storeId: 's' });
  // @ts-expect-error a payload of the wrong type
  await jobs.send('contacts.sync-batch', { runId: 1 });
  // @ts-expect-error a payload of another queue
  await jobs.send('accounts.drift-repair', { runId: 'r' });
  // @ts-expect-error a tick carries nothing
  await jobs.send('webhooks.drain', { storeId: 's' });
  // @ts-expect-error sendMany too
  await jobs.sendMany('accounts.drift-repair', [{ data: { store: 's' } }]);
  // @ts-expect-error nor can a queue be registered under a name outside the map
  jobs.register('contacts.unknown', async () => undefined);
  // @ts-expect-error and the handler gets the queue's payload, not anything
  jobs.register('notifications.deliver', async (data: { runId: string }) => void data);
  jobs.register('notifications.deliver', async (data) => {
    // @ts-expect-error the payload has no such field
    void data.runId;
    void data.storeId;
  });
  // @ts-expect-error an explicit payload type argument is no longer a thing: the name decides it
  jobs.register<{ storeId: string }>('accounts.delete', async () => undefined);
  // @ts-expect-error a cron tick for a queue that needs a payload must pass it
  await enqueueTick(jobs, 'accounts.drift-repair', 60);
  // @ts-expect-error domain events stay typed: unknown event
  await jobs.publish('store.exploded', { storeId: 's' });
  // @ts-expect-error and their payload is the event's
  await jobs.publish('store.deleted', { customerId: 'c' });
  // @ts-expect-error a subscriber gets the event's payload
  jobs.on('store.deleted', 'x.store-deleted', async ({ customerId }: { customerId: string }) => void customerId);

  // What compiles:
  await jobs.send('webhooks.process', { storeId: 's', id: '1' });
  await jobs.send('webhooks.drain', {});
  await jobs.sendMany('accounts.drift-repair', [{ data: { storeId: 's' }, options: { singletonKey: 's' } }]);
  await enqueueTick(jobs, 'webhooks.drain', 60);
  await enqueueTick(jobs, 'accounts.drift-repair', 60, { storeId: 's' });
  jobs.register('webhooks.reconcile', async ({ storeId }) => void storeId);
  await jobs.publish('store.deleted', { storeId: 's' });
}

describe('queue names and payloads', () => {
  it('are checked by the compiler (see queuesAreTyped; tsc fails if a marked line compiles)', () => {
    expect(typeof queuesAreTyped).toBe('function');
  });
});
