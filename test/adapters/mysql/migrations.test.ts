import type { Pool } from 'mysql2/promise';
import { migrate, MIGRATIONS, type Migration } from '../../../src/adapters/mysql/migrations';
import { acquireSession, createMySqlPool } from '../../../src/adapters/mysql/mysql-pool';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb';
import { rejection } from './mysql-test-kit';
import { stringContaining } from '../../support/matchers';

async function withPool(body: (db: TestDatabase, pool: Pool) => Promise<void>): Promise<void> {
  const db = await createTestDatabase();
  const pool = await createMySqlPool(db.url, { connectionLimit: 8 });
  try {
    await body(db, pool);
  } finally {
    await pool.end();
    await db.drop();
  }
}

async function migrateOnce(pool: Pool, database: string, migrations?: readonly Migration[]): Promise<number[]> {
  const connection = await acquireSession(pool);
  try {
    return await migrate(connection, database, migrations);
  } finally {
    connection.release();
  }
}

describe('MySQL migrations', () => {
  it('applies each migration once when several instances start together', async () => {
    await withPool(async (db, pool) => {
      const applied = await Promise.all(Array.from({ length: 4 }, () => migrateOnce(pool, db.name)));
      expect(applied.flat()).toEqual([1, 2, 3]);
      expect(await db.query('SELECT version, name FROM hexstream_schema_migrations ORDER BY version')).toEqual([
        { version: 1, name: 'create hexstream_checkpoint' },
        { version: 2, name: 'create hexstream_snapshot' },
        { version: 3, name: 'engine state as one opaque text per partition' },
      ]);
      expect(await migrateOnce(pool, db.name)).toEqual([]);
    });
  });

  it('creates hexstream_checkpoint keyed by job, consumer group and partition', async () => {
    await withPool(async (db, pool) => {
      await migrateOnce(pool, db.name);
      const columns = await db.query(
        "SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t, IS_NULLABLE AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'hexstream_checkpoint' ORDER BY ORDINAL_POSITION",
        [db.name],
      );
      expect(columns.map((c) => `${String(c.c)} ${String(c.t)}${c.n === 'YES' ? ' NULL' : ''}`)).toEqual([
        'job varchar(64)',
        'consumer_group varchar(255)',
        'partition_id int(11)',
        'next_position bigint(20)',
        'engine_state mediumtext',
        'commit_seq bigint(20)',
        'updated_at timestamp(3)',
      ]);
      const key = await db.query(
        "SELECT COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'hexstream_checkpoint' AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION",
        [db.name],
      );
      expect(key.map((k) => k.c)).toEqual(['job', 'consumer_group', 'partition_id']);
    });
  });

  it('applies later migrations in version order, after the ones already applied', async () => {
    await withPool(async (db, pool) => {
      await migrateOnce(pool, db.name);
      const later: Migration[] = [
        { version: 11, name: 'eleven', statements: ['INSERT INTO order_log VALUES (3)'] },
        { version: 10, name: 'ten', statements: ['CREATE TABLE IF NOT EXISTS order_log (v INT)'] },
      ];
      expect(await migrateOnce(pool, db.name, [...MIGRATIONS, ...later])).toEqual([10, 11]);
      expect(await db.query('SELECT v FROM order_log')).toEqual([{ v: 3 }]);
    });
  });

  it('refuses a database whose schema is newer than this build, with CONFIG_INVALID', async () => {
    await withPool(async (db, pool) => {
      await migrateOnce(pool, db.name);
      await db.query("INSERT INTO hexstream_schema_migrations (version, name) VALUES (99, 'from the future')");
      expect(await rejection(migrateOnce(pool, db.name))).toMatchObject({
        code: 'CONFIG_INVALID',
        message: stringContaining('schema version 99'),
      });
    });
  });
});
