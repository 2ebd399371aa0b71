import type { ModuleSchema } from '../database/module-schema';
import { ChatwootAccountLink } from './entities/chatwoot-account-link.entity';
import { Store } from './entities/store.entity';
import { StoreLease } from './entities/store-lease.entity';
import { AddAccountWarnings1764100000500 } from './migrations/AddAccountWarnings1764100000500';
import { AddStoreActionUrl1764830000100 } from './migrations/AddStoreActionUrl1764830000100';
import { CreateStoreLeases1764840000100 } from './migrations/CreateStoreLeases1764840000100';
import { CreateStores1764100000000 } from './migrations/CreateStores1764100000000';

export const ACCOUNTS_SCHEMA: ModuleSchema = {
  entities: [Store, ChatwootAccountLink, StoreLease],
  migrations: [
    CreateStores1764100000000,
    AddAccountWarnings1764100000500,
    AddStoreActionUrl1764830000100,
    CreateStoreLeases1764840000100,
  ],
};
