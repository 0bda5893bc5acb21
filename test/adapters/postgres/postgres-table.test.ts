import { pgResultTableDdl, POSTGRES_COLUMN_TYPES } from '../../../src/adapters/postgres/postgres-table';
import { mapColumnType } from '../../../src/adapters/sql/column-type-map';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import type { ColumnType, TableSchema } from '../../../src/domain/table-schema';
import { errorWith, stringContaining } from '../../support/matchers';

const pgType = (type: ColumnType): string => mapColumnType(POSTGRES_COLUMN_TYPES, { name: 'c', type });

describe('PostgreSQL column types', () => {
  it.each([
    [{ kind: 'text', maxLength: 16 }, 'VARCHAR(16)'],
    [{ kind: 'text', maxLength: 10_485_760 }, 'VARCHAR(10485760)'],
    [{ kind: 'text', maxLength: 32, fixedLength: true }, 'CHAR(32)'],
    [{ kind: 'longText' }, 'TEXT'],
    [{ kind: 'integer', bits: 32 }, 'INTEGER'],
    [{ kind: 'integer', bits: 64 }, 'BIGINT'],
    [{ kind: 'decimal', precision: 20, scale: 2 }, 'NUMERIC(20,2)'],
    [{ kind: 'decimal', precision: 1000, scale: 1000 }, 'NUMERIC(1000,1000)'],
    [{ kind: 'double' }, 'DOUBLE PRECISION'],
    [{ kind: 'instant' }, 'TIMESTAMPTZ(3)'],
    [{ kind: 'writtenAt' }, 'TIMESTAMPTZ(3) DEFAULT now()'],
  ] as Array<[ColumnType, string]>)('maps %j to %s', (type, sql) => {
    expect(pgType(type)).toBe(sql);
  });

  it.each([
    [{ kind: 'text', maxLength: 0 }, 'a text length must be an integer from 1 to 10485760, got 0'],
    [{ kind: 'text', maxLength: 10_485_761, fixedLength: true }, 'a text length must be an integer from 1 to 10485760'],
    [{ kind: 'decimal', precision: 1001, scale: 2 }, 'a decimal precision must be an integer from 1 to 1000, got 1001'],
    [{ kind: 'decimal', precision: 4, scale: -1 }, 'a decimal scale must be an integer from 0 to 4, got -1'],
  ] as Array<[ColumnType, string]>)('refuses %j with CONFIG_INVALID naming the column', (type, message) => {
    expect(() => pgType(type)).toThrow(
      errorWith({ code: 'CONFIG_INVALID', message: stringContaining(`column c: ${message}`) }),
    );
  });
});

describe('pgResultTableDdl', () => {
  it('stamps a written-at column with now() by default', () => {
    const table: TableSchema = {
      name: 't',
      primaryKey: ['k', 'n'],
      columns: [
        { name: 'k', type: { kind: 'text', maxLength: 8 } },
        { name: 'n', type: { kind: 'integer', bits: 32 } },
        { name: 'at', type: { kind: 'writtenAt' } },
      ],
    };
    expect(pgResultTableDdl(table)).toBe(
      'CREATE TABLE IF NOT EXISTS "t" ("k" VARCHAR(8) NOT NULL, "n" INTEGER NOT NULL, "at" TIMESTAMPTZ(3) DEFAULT now() NOT NULL, PRIMARY KEY ("k", "n"))',
    );
  });

  it.each([
    ['a reserved table name', { ...aggOrderWindowTable, name: 'hexstream_snapshot' }],
    ['no primary key', { ...aggOrderWindowTable, primaryKey: [] }],
    ['a primary key that is not a column', { ...aggOrderWindowTable, primaryKey: ['nope'] }],
    ['a quoted column name', { ...aggOrderWindowTable, columns: [{ name: 'a"b', type: { kind: 'longText' } }] }],
    ['a name over 63 characters', { ...aggOrderWindowTable, name: 't'.repeat(64) }],
  ] as Array<[string, TableSchema]>)('rejects %s with CONFIG_INVALID', (_what, table) => {
    expect(() => pgResultTableDdl(table)).toThrow(errorWith({ code: 'CONFIG_INVALID' }));
  });
});
