import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { ENTITIES, MIGRATIONS } from './schema';

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    // A connection attempt that cannot succeed (database down) fails fast: requests answer 503 quickly.
    extra: { max: 20, application_name: 'chatwoot-bridge', connectionTimeoutMillis: 3000 },
  };
}
