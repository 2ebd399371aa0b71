import { Injectable } from '@nestjs/common';
import { NotificationService } from '../../notifications/notification.service';
import { NotifierPort } from '../ports/notifier.port';

/** The port over the notifications module's signed, retried outbox. */
@Injectable()
export class NotifierAdapter extends NotifierPort {
  constructor(private readonly notifications: NotificationService) {
    super();
  }

  notify(storeId: string, type: string, payload: Record<string, unknown>, options: { dedupeKey?: string } = {}) {
    return this.notifications.notify(storeId, type, payload, options);
  }
}
