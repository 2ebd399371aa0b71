import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ContactsModule } from '../contacts/contacts.module';
import { AgentAuthModule } from '../context/auth/agent-auth.module';
import { OrderActionRepository } from './order-action.repository';
import { OrderActionService } from './order-action.service';
import { OrderActionsController } from './order-actions.controller';
import { PlatformActionClient } from './platform-action.client';

/**
 * Cancel / refund / resend-confirmation requested by agents from the panel and carried out by
 * the store's platform. The context module shows the actions and guardrails (actionPanel), read with
 * the agent's other allowances in one statement (AgentAllowanceRepository).
 */
@Module({
  imports: [AccountsModule, ContactsModule, AgentAuthModule],
  controllers: [OrderActionsController],
  providers: [OrderActionRepository, OrderActionService, PlatformActionClient],
  exports: [OrderActionService],
})
export class OrderActionsModule {}
