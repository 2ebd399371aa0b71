import type { ModuleSchema } from '../database/module-schema';

export const CONTACTS_SCHEMA: ModuleSchema = {
  entities: [],
  migrations: [],
};
