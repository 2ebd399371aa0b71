import { loadConfig } from '../src/config/app-config';
import { removeEmbeddedData } from '../src/database/embedded-postgres';

/**
 * `npm run reset`: deletes the embedded PostgreSQL data under DATA_DIR (default ./.data), including
 * a cluster kept outside it through the `pg` link (as root, see embedded-postgres.ts), so the next
 * `npm start` begins with an empty database. Stop the service first.
 */
try {
  const config = loadConfig(process.env);
  if (!config.usesEmbeddedDatabase) {
    console.error('DATABASE_URL is set: reset only deletes the embedded database; drop that database yourself.');
    process.exit(1);
  }
  const removed = removeEmbeddedData(config.DATA_DIR);
  console.log(removed.length === 0 ? `nothing to delete: ${config.DATA_DIR} does not exist` : `deleted ${removed.join(', ')}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
