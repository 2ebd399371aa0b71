import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { StoreScopedRepository, type StoreSql } from '../../../src/database/store-scope';
import { createTestDatabase } from '../../support/test-database';

class NotesRepository extends StoreScopedRepository<ReturnType<typeof notesOf>> {
  constructor(db: DataSource) {
    super(db);
  }
  protected scoped(sql: StoreSql) {
    return notesOf(sql);
  }
}

function notesOf(sql: StoreSql) {
  return {
    add: (text: string) => sql.execute('insert into notes (store_id, text) values ($1, $2)', [text]),
    list: () => sql.rows<{ text: string }>('select text from notes where store_id = $1 order by text'),
    forgetful: () => sql.rows('select text from notes where text = $2', ['a']),
    tenth: () => sql.rows('select $10::text as x, $2::text as y', [2, 3, 4, 5, 6, 7, 8, 9, 10]),
  };
}

describe('store-scoped SQL', () => {
  let db: DataSource;
  let notes: NotesRepository;

  beforeAll(async () => {
    db = new DataSource({ type: 'postgres', url: await createTestDatabase() });
    await db.initialize();
    await db.query('create table notes (store_id text not null, text text not null)');
    notes = new NotesRepository(db);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('binds the store as $1, so each store reads only its own rows', async () => {
    await notes.forStore('store-a').add('a1');
    await notes.forStore('store-b').add('b1');
    expect(await notes.forStore('store-a').list()).toEqual([{ text: 'a1' }]);
    expect(await notes.forStore('store-b').list()).toEqual([{ text: 'b1' }]);
  });

  it('refuses a statement that does not use the store id, before it reaches PostgreSQL', async () => {
    await expect(notes.forStore('store-a').forgetful()).rejects.toThrow(/\$1 \(the store id\)/);
    // `$10` is not `$1`.
    await expect(notes.forStore('store-a').tenth()).rejects.toThrow(/\$1 \(the store id\)/);
  });

  it('needs a store id', () => {
    expect(() => notes.forStore('')).toThrow(/store id/);
  });

  it('runs inside a transaction when given one, and rolls back with it', async () => {
    await db
      .transaction(async (tx) => {
        await notes.forStore('store-c', tx).add('c1');
        expect(await notes.forStore('store-c', tx).list()).toEqual([{ text: 'c1' }]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await notes.forStore('store-c').list()).toEqual([]);
  });
});
