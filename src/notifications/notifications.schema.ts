import type { ModuleSchema } from '../database/module-schema';
import { Notification } from './entities/notification.entity';
import { CreateNotifications1764500000200 } from './migrations/CreateNotifications1764500000200';

export const NOTIFICATIONS_SCHEMA: ModuleSchema = {
  entities: [Notification],
  migrations: [CreateNotifications1764500000200],
};
