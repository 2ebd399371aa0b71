import type { ModuleSchema } from '../database/module-schema';
import { ChatAttribution } from './entities/chat-attribution.entity';
import { TrackedConversation } from './entities/tracked-conversation.entity';
import { TrackedOrder } from './entities/tracked-order.entity';
import { TrackingEvent } from './entities/tracking-event.entity';
import { TrackingSession } from './entities/tracking-session.entity';
import { AddTrackedOrderSessionId1764410000000 } from './migrations/AddTrackedOrderSessionId1764410000000';
import { CreateTrackingTables1764400000000 } from './migrations/CreateTrackingTables1764400000000';

export const TRACKING_ENTITIES = [TrackingEvent, TrackingSession, TrackedConversation, TrackedOrder, ChatAttribution];

export const TRACKING_SCHEMA: ModuleSchema = {
  entities: TRACKING_ENTITIES,
  migrations: [CreateTrackingTables1764400000000, AddTrackedOrderSessionId1764410000000],
};
