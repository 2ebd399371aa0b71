import { JobQueue } from './job-queue.service';

/**
 * What a cron tick does: enqueue one singleton job for its time slot. Every instance ticks, but
 * pg-boss keeps one job per `singletonKey` and slot, so the work runs once however many run.
 */
export function enqueueTick(jobs: JobQueue, queue: string, slotSeconds: number, data: object = {}): Promise<string | null> {
  return jobs.send(queue, data, { singletonKey: queue, singletonSeconds: slotSeconds });
}
