import { Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { enqueueTick } from '../jobs/cron-enqueuer';
import { JobQueue } from '../jobs/job-queue.service';
import { SCAN_QUEUE } from './sync-run.service';

const SCAN_EVERY_SECONDS = 300;

/** Every few minutes, one scan job (whatever the number of instances) checks which stores are due. */
@Injectable()
export class ContactSyncScheduler {
  constructor(private readonly jobs: JobQueue) {}

  @Cron('*/5 * * * *', { name: 'contacts.schedule-scan' })
  tick(): Promise<string | null> {
    return enqueueTick(this.jobs, SCAN_QUEUE, SCAN_EVERY_SECONDS);
  }
}
