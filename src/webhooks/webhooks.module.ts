import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ContactsModule } from '../contacts/contacts.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ConversationEffectsService } from './conversation-effects.service';
import { ConversationsController } from './conversations.controller';
import { ConversationsService } from './conversations.service';
import { ConversationApplier } from './conversation-applier.service';
import { ConversationBatchApplier } from './conversation-batch-applier.service';
import { ConversationBatchRepository } from './conversation-batch.repository';
import { ConversationRepository } from './conversation.repository';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookEventHandlers } from './webhook-event-handlers';
import { WebhookBacklogService } from './webhook-backlog.service';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookDeliveriesService } from './webhook-deliveries.service';
import { DeliveryAdminRepository, DeliveryQueueRepository } from './delivery-queue.repository';
import { WebhookIntakeEndpoint } from './webhook-intake.endpoint';
import { WebhookIntakeService } from './webhook-intake.service';
import { WebhookMetrics } from './webhook-metrics';
import { WebhookReconcileService } from './webhook-reconcile.service';
import { WebhookSecretCache } from './webhook-secret.cache';
import { WebhookVerifier } from './webhook-verifier';
import { WidgetActivityService } from './widget-activity.service';
import { ReconcileCursorRepository } from './reconcile-cursor.repository';
import { WidgetEventRepository } from './widget-event.repository';

@Module({
  imports: [AccountsModule, NotificationsModule, ContactsModule],
  controllers: [ConversationsController, WebhookDeliveriesController],
  providers: [
    WebhookMetrics,
    WebhookSecretCache,
    WebhookVerifier,
    DeliveryQueueRepository,
    DeliveryAdminRepository,
    ConversationRepository,
    ConversationBatchRepository,
    WidgetEventRepository,
    ReconcileCursorRepository,
    WebhookBacklogService,
    WebhookIntakeService,
    // Intake is served on the bare HTTP server, ahead of Fastify (see RawRoutes).
    WebhookIntakeEndpoint,
    WebhookDeliveryWorker,
    WebhookEventHandlers,
    ConversationApplier,
    ConversationBatchApplier,
    ConversationEffectsService,
    WebhookReconcileService,
    WebhookDeliveriesService,
    ConversationsService,
    WidgetActivityService,
  ],
  exports: [ConversationsService, WidgetActivityService],
})
export class WebhooksModule {}
