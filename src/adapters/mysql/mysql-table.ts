import { createHash } from 'node:crypto';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { HexstreamError } from '../../domain/hexstream-error';
import type { ColumnSpec, TableSchema } from '../../domain/table-schema';
import { mapColumnType, type ColumnTypeMap } from '../sql/column-type-map';
import { resultTableStatement, sizeWithin, type TableDialect } from '../sql/result-table';
import { MYSQL_IDENTIFIERS, quoteIdentifier } from '../sql/sql-identifiers';
import { keyMigration, keyMigrationMessage } from '../sql/key-migration';
import { refuseDriftedTable, type DriftDialect } from '../sql/table-drift';
import { describeMySqlTable, MEDIUMTEXT_CHARACTERS } from './mysql-existing-table';
import { CHECKPOINT_TABLE, MIGRATIONS_TABLE, SNAPSHOT_TABLE, withNamedLock } from './migrations';

/** Binary collation: keys compare byte by byte, as the sink sorts them, and case-sensitively. */
const RESULT_TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

/**
 * The MySQL/MariaDB type of each logical column type. Lengths count characters; utf8mb4 takes up
 * to 4 bytes each, and a row's VARCHARs share 65,535 bytes, hence 16,383 at most.
 *
 *   text(n)          VARCHAR(n)        text(n, fixed length)   CHAR(n)
 *   longText         MEDIUMTEXT        integer 32 / 64 bits    INT / BIGINT
 *   decimal(p, s)    DECIMAL(p,s)      double                  DOUBLE
 *   instant          DATETIME(3)       writtenAt               TIMESTAMP(3), stamped by the server
 */
export const MYSQL_COLUMN_TYPES: ColumnTypeMap<string> = {
  text: (t, column) =>
    t.fixedLength === true
      ? `CHAR(${sizeWithin(column, 'a fixed text length', t.maxLength, 1, 255)})`
      : `VARCHAR(${sizeWithin(column, 'a text length', t.maxLength, 1, 16_383)})`,
  longText: () => 'MEDIUMTEXT',
  integer: (t) => (t.bits === 32 ? 'INT' : 'BIGINT'),
  decimal: (t, column) => {
    const precision = sizeWithin(column, 'a decimal precision', t.precision, 1, 65);
    return `DECIMAL(${precision},${sizeWithin(column, 'a decimal scale', t.scale, 0, Math.min(30, precision))})`;
  },
  double: () => 'DOUBLE',
  // DATETIME, not TIMESTAMP: a TIMESTAMP ends in 2038 and is read through the session's time zone.
  instant: () => 'DATETIME(3)',
  writtenAt: () => 'TIMESTAMP(3)',
};

/** The column's definition: a column the server stamps defaults to, and is updated with, the current time. */
function columnDefinition(c: ColumnSpec): string {
  const sql = mapColumnType(MYSQL_COLUMN_TYPES, c);
  // DEFAULT CURRENT_TIMESTAMP must carry the column's fractional precision.
  if (c.type.kind === 'writtenAt') return `${sql} NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)`;
  return `${sql} NOT NULL`;
}

const MYSQL_TABLES: TableDialect = {
  identifiers: MYSQL_IDENTIFIERS,
  reserved: [MIGRATIONS_TABLE, CHECKPOINT_TABLE, SNAPSHOT_TABLE],
  columnDefinition,
  statement: (table, definitions) =>
    `CREATE TABLE IF NOT EXISTS ${table} (\n  ${definitions.join(',\n  ')}\n) ${RESULT_TABLE_OPTIONS}`,
};

/** `CREATE TABLE IF NOT EXISTS` for a job's result table in MySQL/MariaDB. */
export function resultTableDdl(table: TableSchema): string {
  return resultTableStatement(table, MYSQL_TABLES);
}

/** How MySQL/MariaDB spells the job's columns, for comparing an existing table with them. */
const MYSQL_DRIFT: DriftDialect = {
  expectedType: (c) => {
    const sql = mapColumnType(MYSQL_COLUMN_TYPES, c);
    return c.type.kind === 'writtenAt' ? `${sql} DEFAULT CURRENT_TIMESTAMP(3)` : sql;
  },
  longTextCapacity: MEDIUMTEXT_CHARACTERS,
};

/** How long an instance waits for another one re-keying the table (a rebuild of millions of rows takes minutes). */
const REKEY_LOCK_TIMEOUT_S = 900;

/**
 * Creates the result table if absent; an existing one (created by an earlier run, or by hand) must
 * match the job's schema, else TABLE_SCHEMA_MISMATCH names every difference (see `table-drift.ts`) —
 * except a key the job's key contains (see `key-migration.ts`): the table is re-keyed first, once.
 */
export async function ensureResultTable(
  connection: Connection,
  table: TableSchema,
  job: string,
  log: (message: string) => void = () => undefined,
): Promise<void> {
  await connection.query(resultTableDdl(table));
  let existing = await describeMySqlTable(connection, table.name);
  if (existing !== undefined && keyMigration(table, existing, MYSQL_DRIFT) !== undefined) {
    await rekey(connection, table, log);
    existing = await describeMySqlTable(connection, table.name);
  }
  if (existing === undefined)
    throw new HexstreamError('SINK_WRITE_FAILED', `table ${table.name} is not there right after CREATE TABLE`);
  refuseDriftedTable(job, table, existing, MYSQL_DRIFT);
}

/**
 * `ALTER TABLE … DROP PRIMARY KEY, ADD PRIMARY KEY (…)`: one statement, so the table never is
 * without a key. Under a named lock per table, and checked again once held: of instances opening
 * the table together, one re-keys it and the others find it done.
 */
async function rekey(connection: Connection, table: TableSchema, log: (message: string) => void): Promise<void> {
  const [rows] = await connection.query<RowDataPacket[]>('SELECT DATABASE() AS db');
  const lock = `hexstream_rekey_${createHash('md5')
    .update(`${String(rows[0]?.db)}.${table.name}`)
    .digest('hex')}`;
  await withNamedLock(
    connection,
    lock,
    async () => {
      const existing = await describeMySqlTable(connection, table.name);
      const migration = existing === undefined ? undefined : keyMigration(table, existing, MYSQL_DRIFT);
      if (migration === undefined) return;
      log(keyMigrationMessage(table.name, migration));
      const key = table.primaryKey.map((c) => quoteIdentifier(MYSQL_IDENTIFIERS, c, 'primary key column')).join(', ');
      const name = quoteIdentifier(MYSQL_IDENTIFIERS, table.name, 'table');
      await connection.query(`ALTER TABLE ${name} DROP PRIMARY KEY, ADD PRIMARY KEY (${key})`);
    },
    REKEY_LOCK_TIMEOUT_S,
  );
}
