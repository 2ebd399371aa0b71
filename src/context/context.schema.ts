import type { ModuleSchema } from '../database/module-schema';

export const CONTEXT_SCHEMA: ModuleSchema = {
  entities: [],
  migrations: [],
};
