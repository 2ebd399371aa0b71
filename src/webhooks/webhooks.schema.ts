import type { ModuleSchema } from '../database/module-schema';

export const WEBHOOKS_SCHEMA: ModuleSchema = {
  entities: [],
  migrations: [],
};
