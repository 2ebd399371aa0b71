import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { NotificationRepository } from './notification.repository';
import { NotificationService } from './notification.service';
import { NotificationsController } from './notifications.controller';

/** Signed, retried POSTs to a store's notificationUrl (manager alerts, follow-ups, discount codes). */
@Module({
  imports: [AccountsModule],
  controllers: [NotificationsController],
  providers: [NotificationRepository, NotificationService],
  exports: [NotificationService],
})
export class NotificationsModule {}
