import { Module } from '@nestjs/common';

/** Signed, retried POSTs to a store's notificationUrl (manager alerts, follow-ups, discount codes). */
@Module({})
export class NotificationsModule {}
