import { JobQueue } from './job-queue.service';
import type { QueueName, QueuePayloads } from './queues';

/** The tick's payload: optional where the queue's jobs carry nothing. */
type TickData<Q extends QueueName> =
  Record<string, never> extends QueuePayloads[Q] ? [data?: QueuePayloads[Q]] : [data: QueuePayloads[Q]];

/**
 * What a cron tick does: enqueue one singleton job for its time slot. Every instance ticks, but
 * pg-boss keeps one job per `singletonKey` and slot, so the work runs once however many run.
 */
export function enqueueTick<Q extends QueueName>(
  jobs: JobQueue,
  queue: Q,
  slotSeconds: number,
  ...[data = {} as QueuePayloads[Q]]: TickData<Q>
): Promise<string | null> {
  return jobs.send(queue, data, { singletonKey: queue, singletonSeconds: slotSeconds });
}
