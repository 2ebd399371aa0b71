import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ContactsModule } from '../contacts/contacts.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { TrackingModule } from '../tracking/tracking.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { OrderActionsModule } from '../order-actions/order-actions.module';
import { AgentAllowanceRepository } from './agent-allowance.repository';
import { AgentAuthModule } from './auth/agent-auth.module';
import { ContextCacheService } from './context-cache.service';
import { ContextRetentionService } from './context-retention.service';
import { ContextController } from './context.controller';
import { ContextReadRepository } from './context.repository';
import { ContextService } from './context.service';
import { DashboardAppController } from './dashboard-app.controller';
import { DashboardAppPage } from './dashboard-app.page';
import { DiscountCodeStatusController } from './discount-code-status.controller';
import { DiscountCodeService } from './discount-code.service';
import { DiscountUsageRepository } from './discount-usage.repository';
import { DiscountCodeRepository } from './discount-code.repository';
import { EscalationRepository } from './escalation.repository';
import { EscalationService } from './escalation.service';

/**
 * The agent context panel: the context API, discount codes and escalations, and the dashboard
 * app page. Other modules are reached through their exported services; the panel's read model is
 * one cross-module statement in {@link ContextReadRepository}.
 */
@Module({
  imports: [
    AccountsModule,
    ContactsModule,
    WebhooksModule,
    TrackingModule,
    NotificationsModule,
    AgentAuthModule,
    OrderActionsModule,
  ],
  controllers: [ContextController, DiscountCodeStatusController, DashboardAppController],
  providers: [
    ContextCacheService,
    ContextReadRepository,
    AgentAllowanceRepository,
    ContextService,
    DiscountCodeService,
    DiscountCodeRepository,
    DiscountUsageRepository,
    EscalationService,
    EscalationRepository,
    ContextRetentionService,
    DashboardAppPage,
  ],
  exports: [ContextCacheService],
})
export class ContextModule {}
