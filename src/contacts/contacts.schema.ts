import type { ModuleSchema } from '../database/module-schema';
import { Cart } from './entities/cart.entity';
import { ContactLink } from './entities/contact-link.entity';
import { ContactMerge } from './entities/contact-merge.entity';
import { ContactSyncSchedule } from './entities/contact-sync-schedule.entity';
import { Customer } from './entities/customer.entity';
import { CustomerErasure } from './entities/customer-erasure.entity';
import { OrderItem } from './entities/order-item.entity';
import { OrderShipment } from './entities/order-shipment.entity';
import { Order } from './entities/order.entity';
import { ProductPair } from './entities/product-pair.entity';
import { ProductSale } from './entities/product-sale.entity';
import { Product } from './entities/product.entity';
import { SyncRun } from './entities/sync-run.entity';
import { AddProductPairs1764250000000 } from './migrations/AddProductPairs1764250000000';
import { AddOrderSessionId1764260000000 } from './migrations/AddOrderSessionId1764260000000';
import { AddOrderShipments1764263000000 } from './migrations/AddOrderShipments1764263000000';
import { CreateContacts1764200000000 } from './migrations/CreateContacts1764200000000';

export const CONTACTS_ENTITIES = [
  Customer,
  Order,
  OrderItem,
  OrderShipment,
  Cart,
  Product,
  ProductPair,
  ProductSale,
  ContactLink,
  ContactMerge,
  CustomerErasure,
  SyncRun,
  ContactSyncSchedule,
];

export const CONTACTS_SCHEMA: ModuleSchema = {
  entities: CONTACTS_ENTITIES,
  migrations: [
    CreateContacts1764200000000,
    AddProductPairs1764250000000,
    AddOrderSessionId1764260000000,
    AddOrderShipments1764263000000,
  ],
};
