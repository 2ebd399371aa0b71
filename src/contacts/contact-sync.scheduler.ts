import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { enqueueTick } from '../jobs/cron-enqueuer';
import { JobQueue } from '../jobs/job-queue.service';
import { LEASE_SECONDS, RECOVER_QUEUE, SCAN_QUEUE } from './sync-run.service';

const SCAN_EVERY_SECONDS = 300;
const RECOVER_EVERY_SECONDS = 30;

/** Every few minutes, one scan job (whatever the number of instances) checks which stores are due. */
@Injectable()
export class ContactSyncScheduler implements OnApplicationBootstrap {
  constructor(private readonly jobs: JobQueue) {}

  @Cron('*/5 * * * *', { name: 'contacts.schedule-scan' })
  tick(): Promise<string | null> {
    return enqueueTick(this.jobs, SCAN_QUEUE, SCAN_EVERY_SECONDS);
  }

  /** Runs whose instance died while another instance stays up: their lease runs out, this resumes them. */
  @Cron(`*/${RECOVER_EVERY_SECONDS} * * * * *`, { name: RECOVER_QUEUE })
  recoverTick(): Promise<string | null> {
    return enqueueTick(this.jobs, RECOVER_QUEUE, RECOVER_EVERY_SECONDS);
  }

  /**
   * A (re)started instance looks for runs left by a dead one at once and again just after a lease
   * has surely run out, so a crash costs seconds, not the next tick.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.send(RECOVER_QUEUE, {});
    await this.jobs.send(RECOVER_QUEUE, {}, { startAfter: LEASE_SECONDS + 1 });
  }
}
