import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AccountsModule } from './accounts/accounts.module';
import { ChatwootModule } from './chatwoot/chatwoot.module';
import { CommonModule } from './common/common.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ContactsModule } from './contacts/contacts.module';
import { ContextModule } from './context/context.module';
import { DatabaseModule } from './database/database.module';
import { JobsModule } from './jobs/jobs.module';
import { NotificationsModule } from './notifications/notifications.module';
import { loggerOptions } from './observability/logger-options';
import { ObservabilityModule } from './observability/observability.module';
import { TrackingModule } from './tracking/tracking.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  static forRoot(config: AppConfig, extra: Function[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config)),
        ...(config.CRON_ENABLED ? [ScheduleModule.forRoot()] : []),
        ObservabilityModule,
        CommonModule,
        DatabaseModule,
        JobsModule,
        ChatwootModule,
        AccountsModule,
        NotificationsModule,
        ContactsModule,
        WebhooksModule,
        TrackingModule,
        ContextModule,
        ...(extra as unknown as DynamicModule[]),
      ],
    };
  }
}
