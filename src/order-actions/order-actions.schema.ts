import type { ModuleSchema } from '../database/module-schema';
import { OrderAction } from './entities/order-action.entity';
import { CreateOrderActions1764830000200 } from './migrations/CreateOrderActions1764830000200';

export const ORDER_ACTIONS_SCHEMA: ModuleSchema = {
  entities: [OrderAction],
  migrations: [CreateOrderActions1764830000200],
};
