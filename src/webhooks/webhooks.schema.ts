import type { ModuleSchema } from '../database/module-schema';
import { ConversationMessage } from './entities/conversation-message.entity';
import { ConversationStatusChange } from './entities/conversation-status-change.entity';
import { Conversation } from './entities/conversation.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookProcessingPace } from './entities/webhook-processing-pace.entity';
import { WebhookReconcileCursor } from './entities/webhook-reconcile-cursor.entity';
import { WidgetEvent } from './entities/widget-event.entity';
import { AddConversationStatusChanges1764700000100 } from './migrations/AddConversationStatusChanges1764700000100';
import { AddWebhookPacing1764500000300 } from './migrations/AddWebhookPacing1764500000300';
import { CreateWebhooks1764500000100 } from './migrations/CreateWebhooks1764500000100';

export const WEBHOOKS_SCHEMA: ModuleSchema = {
  entities: [
    WebhookDelivery,
    Conversation,
    ConversationMessage,
    ConversationStatusChange,
    WidgetEvent,
    WebhookProcessingPace,
    WebhookReconcileCursor,
  ],
  migrations: [CreateWebhooks1764500000100, AddWebhookPacing1764500000300, AddConversationStatusChanges1764700000100],
};
