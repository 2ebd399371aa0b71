import type { ModuleSchema } from '../database/module-schema';

export const NOTIFICATIONS_SCHEMA: ModuleSchema = {
  entities: [],
  migrations: [],
};
