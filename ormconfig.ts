import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source-options';

/**
 * The data source of the TypeORM CLI (`npm run migration:generate -- src/<module>/migrations/Name`).
 * It needs a running database: DATABASE_URL, or the one `npm start` embeds (printed at start-up).
 */
const config = loadConfig(process.env);
export default new DataSource(dataSourceOptions(config.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/chatwoot_bridge'));
