import type { ModuleSchema } from '../database/module-schema';
import { DiscountCode } from './entities/discount-code.entity';
import { Escalation } from './entities/escalation.entity';
import { CreateContextTables1764600000000 } from './migrations/CreateContextTables1764600000000';

export const CONTEXT_SCHEMA: ModuleSchema = {
  entities: [DiscountCode, Escalation],
  migrations: [CreateContextTables1764600000000],
};
