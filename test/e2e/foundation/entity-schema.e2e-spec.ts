import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../src/database/data-source-options';
import { ENTITIES } from '../../../src/database/schema';
import { createTestDatabase } from '../../support/test-database';

/**
 * The committed migrations are the truth; the entities must describe exactly what they build.
 * Runs every module's migrations on a fresh database, then asks TypeORM what it would change to
 * match the entities (what `migration:generate` would write): the answer must be nothing.
 */
describe('entities agree with the migrations', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await new DataSource(dataSourceOptions(await createTestDatabase())).initialize();
    await db.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('TypeORM finds nothing to change between the entities and the migrated schema', async () => {
    const log = await db.driver.createSchemaBuilder().log();
    const statements = log.upQueries.map((q) => q.query);
    expect(statements, `entities differ from the migrations; TypeORM would run:\n${statements.join(';\n')}`).toEqual([]);
  });

  it('every table the migrations create has an entity', async () => {
    const tables: { name: string }[] = await db.query(
      `select table_name as name from information_schema.tables
       where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'schema_migrations' order by 1`,
    );
    const mapped = new Set(ENTITIES.map((entity) => db.getMetadata(entity).tableName));
    const missing = tables.map((t) => t.name).filter((name) => !mapped.has(name));
    expect(missing).toEqual([]);
  });
});
