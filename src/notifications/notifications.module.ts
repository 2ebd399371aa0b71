import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { Notification } from './entities/notification.entity';
import { NotificationService } from './notification.service';
import { NotificationsController } from './notifications.controller';

/** Signed, retried POSTs to a store's notificationUrl (manager alerts, follow-ups, discount codes). */
@Module({
  imports: [TypeOrmModule.forFeature([Notification]), AccountsModule],
  controllers: [NotificationsController],
  providers: [NotificationService],
  exports: [NotificationService],
})
export class NotificationsModule {}
