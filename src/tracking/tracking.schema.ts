import type { ModuleSchema } from '../database/module-schema';

export const TRACKING_SCHEMA: ModuleSchema = {
  entities: [],
  migrations: [],
};
