import { ensureResultTable, MYSQL_COLUMN_TYPES, resultTableDdl } from '../../../src/adapters/mysql/mysql-table';
import { acquireSession, createMySqlPool } from '../../../src/adapters/mysql/mysql-pool';
import { mapColumnType } from '../../../src/adapters/sql/column-type-map';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import type { ColumnType, TableSchema } from '../../../src/domain/table-schema';
import { createTestDatabase } from '../../support/mariadb';
import { rejection } from './mysql-test-kit';
import { errorWith, stringContaining } from '../../support/matchers';

const mysqlType = (type: ColumnType): string => mapColumnType(MYSQL_COLUMN_TYPES, { name: 'c', type });

describe('MySQL column types', () => {
  it.each([
    [{ kind: 'text', maxLength: 16 }, 'VARCHAR(16)'],
    [{ kind: 'text', maxLength: 16_383 }, 'VARCHAR(16383)'],
    [{ kind: 'text', maxLength: 32, fixedLength: true }, 'CHAR(32)'],
    [{ kind: 'text', maxLength: 255, fixedLength: true }, 'CHAR(255)'],
    [{ kind: 'longText' }, 'MEDIUMTEXT'],
    [{ kind: 'integer', bits: 32 }, 'INT'],
    [{ kind: 'integer', bits: 64 }, 'BIGINT'],
    [{ kind: 'decimal', precision: 20, scale: 2 }, 'DECIMAL(20,2)'],
    [{ kind: 'decimal', precision: 65, scale: 0 }, 'DECIMAL(65,0)'],
    [{ kind: 'double' }, 'DOUBLE'],
    [{ kind: 'instant' }, 'DATETIME(3)'],
    [{ kind: 'writtenAt' }, 'TIMESTAMP(3)'],
  ] as Array<[ColumnType, string]>)('maps %j to %s', (type, sql) => {
    expect(mysqlType(type)).toBe(sql);
  });

  it.each([
    [{ kind: 'text', maxLength: 0 }, 'a text length must be an integer from 1 to 16383, got 0'],
    [{ kind: 'text', maxLength: 16_384 }, 'a text length must be an integer from 1 to 16383, got 16384'],
    [{ kind: 'text', maxLength: 1.5 }, 'a text length must be an integer from 1 to 16383, got 1.5'],
    [{ kind: 'text', maxLength: 256, fixedLength: true }, 'a fixed text length must be an integer from 1 to 255'],
    [{ kind: 'decimal', precision: 66, scale: 2 }, 'a decimal precision must be an integer from 1 to 65, got 66'],
    [{ kind: 'decimal', precision: 4, scale: 5 }, 'a decimal scale must be an integer from 0 to 4, got 5'],
    [{ kind: 'decimal', precision: 40, scale: 31 }, 'a decimal scale must be an integer from 0 to 30, got 31'],
  ] as Array<[ColumnType, string]>)('refuses %j with CONFIG_INVALID naming the column', (type, message) => {
    expect(() => mysqlType(type)).toThrow(
      errorWith({ code: 'CONFIG_INVALID', message: stringContaining(`column c: ${message}`) }),
    );
  });
});

describe('resultTableDdl', () => {
  it('stamps a written-at column by the server, on insert and on update', () => {
    const table: TableSchema = {
      name: 't',
      primaryKey: ['k'],
      columns: [
        { name: 'k', type: { kind: 'integer', bits: 32 } },
        { name: 'at', type: { kind: 'writtenAt' } },
      ],
    };
    expect(resultTableDdl(table)).toBe(
      [
        'CREATE TABLE IF NOT EXISTS `t` (',
        '  `k` INT NOT NULL,',
        '  `at` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),',
        '  PRIMARY KEY (`k`)',
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
      ].join('\n'),
    );
  });

  it.each([
    ['a reserved table name', { ...aggOrderWindowTable, name: 'hexstream_checkpoint' }],
    ['no primary key', { ...aggOrderWindowTable, primaryKey: [] }],
    ['a primary key that is not a column', { ...aggOrderWindowTable, primaryKey: ['nope'] }],
    ['a quoted column name', { ...aggOrderWindowTable, columns: [{ name: 'a`b', type: { kind: 'longText' } }] }],
  ] as Array<[string, TableSchema]>)('rejects %s with CONFIG_INVALID', (_what, table) => {
    expect(() => resultTableDdl(table)).toThrow(errorWith({ code: 'CONFIG_INVALID' }));
  });
});

describe('ensureResultTable', () => {
  it('refuses an existing result table that lacks columns of the schema', async () => {
    const db = await createTestDatabase();
    const pool = await createMySqlPool(db.url);
    try {
      await db.query('CREATE TABLE agg_order_window (rowkey CHAR(32) PRIMARY KEY, region VARCHAR(16))');
      const connection = await acquireSession(pool);
      try {
        expect(await rejection(ensureResultTable(connection, aggOrderWindowTable, 'orders'))).toMatchObject({
          code: 'TABLE_SCHEMA_MISMATCH',
          message: stringContaining(
            'column window_start missing; column window_end missing; column region is VARCHAR(16) NULL, the job writes VARCHAR(16) NOT NULL; column shop_id missing',
          ),
        });
      } finally {
        connection.release();
      }
    } finally {
      await pool.end();
      await db.drop();
    }
  });

  it('creates the table with the storage each logical type maps to', async () => {
    const db = await createTestDatabase();
    const pool = await createMySqlPool(db.url);
    try {
      const connection = await acquireSession(pool);
      try {
        await ensureResultTable(connection, aggOrderWindowTable, 'orders');
      } finally {
        connection.release();
      }
      const columns = await db.query(
        "SELECT COLUMN_NAME AS c, COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'agg_order_window' ORDER BY ORDINAL_POSITION",
        [db.name],
      );
      expect(columns.map((c) => `${String(c.c)} ${String(c.t)}`)).toEqual([
        'rowkey char(32)',
        'window_start datetime(3)',
        'window_end datetime(3)',
        'region varchar(16)',
        'shop_id bigint(20)',
        'item_id bigint(20)',
        'total_expenditure decimal(20,2)',
        'total_items_sold bigint(20)',
        'total_orders bigint(20)',
        'first_event_at datetime(3)',
        'last_event_at datetime(3)',
        'updated_at timestamp(3)',
      ]);
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});
