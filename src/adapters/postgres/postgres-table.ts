import type { PoolClient } from 'pg';
import { HexstreamError } from '../../domain/hexstream-error';
import type { ColumnSpec, TableSchema } from '../../domain/table-schema';
import { mapColumnType, type ColumnTypeMap } from '../sql/column-type-map';
import { resultTableStatement, sizeWithin, type TableDialect } from '../sql/result-table';
import { keyMigration, keyMigrationMessage } from '../sql/key-migration';
import { POSTGRES_IDENTIFIERS, quoteIdentifier } from '../sql/sql-identifiers';
import { refuseDriftedTable, type DriftDialect } from '../sql/table-drift';
import { describePgTable } from './postgres-existing-table';
import {
  PG_CHECKPOINT_TABLE,
  PG_MIGRATIONS_TABLE,
  PG_SNAPSHOT_TABLE,
  timestampsWithTimeZone,
  withMigrationLock,
} from './postgres-schema';

/** PostgreSQL's limit for a VARCHAR or CHAR length. */
const MAX_TEXT_LENGTH = 10_485_760;

/**
 * The PostgreSQL type of each logical column type:
 *
 *   text(n)          VARCHAR(n)        text(n, fixed length)   CHAR(n)
 *   longText         TEXT              integer 32 / 64 bits    INTEGER / BIGINT
 *   decimal(p, s)    NUMERIC(p,s)      double                  DOUBLE PRECISION
 *   instant          TIMESTAMPTZ(3)    writtenAt               TIMESTAMPTZ(3) DEFAULT now()
 *
 * Instants are timestamptz: the value is the instant, whatever the session's zone (psql shows them
 * in its own).
 */
export const POSTGRES_COLUMN_TYPES: ColumnTypeMap<string> = {
  text: (t, column) =>
    `${t.fixedLength === true ? 'CHAR' : 'VARCHAR'}(${sizeWithin(column, 'a text length', t.maxLength, 1, MAX_TEXT_LENGTH)})`,
  longText: () => 'TEXT',
  integer: (t) => (t.bits === 32 ? 'INTEGER' : 'BIGINT'),
  decimal: (t, column) => {
    const precision = sizeWithin(column, 'a decimal precision', t.precision, 1, 1000);
    return `NUMERIC(${precision},${sizeWithin(column, 'a decimal scale', t.scale, 0, precision)})`;
  },
  double: () => 'DOUBLE PRECISION',
  instant: () => 'TIMESTAMPTZ(3)',
  writtenAt: () => 'TIMESTAMPTZ(3) DEFAULT now()',
};

const POSTGRES_TABLES: TableDialect = {
  identifiers: POSTGRES_IDENTIFIERS,
  reserved: [PG_MIGRATIONS_TABLE, PG_CHECKPOINT_TABLE, PG_SNAPSHOT_TABLE],
  columnDefinition: (c: ColumnSpec) => `${mapColumnType(POSTGRES_COLUMN_TYPES, c)} NOT NULL`,
  statement: (table, definitions) => `CREATE TABLE IF NOT EXISTS ${table} (${definitions.join(', ')})`,
};

/** `CREATE TABLE IF NOT EXISTS` for a job's result table in PostgreSQL. */
export function pgResultTableDdl(table: TableSchema): string {
  return resultTableStatement(table, POSTGRES_TABLES);
}

/**
 * Creates the job's result table if absent; a table created before hexstream used timestamptz has
 * its instant columns converted (see {@link timestampsWithTimeZone}). The table must then match the
 * job's schema, else TABLE_SCHEMA_MISMATCH names every difference (see `table-drift.ts`) — except a
 * key the job's key contains, which is replaced by the job's (see `key-migration.ts`). All in one
 * transaction (PostgreSQL's DDL is transactional): a refused table is left as it was. Returns the
 * converted columns.
 */
export function ensureResultTable(
  client: PoolClient,
  table: TableSchema,
  job: string,
  log: (message: string) => void = () => undefined,
): Promise<string[]> {
  const ddl = pgResultTableDdl(table);
  return withMigrationLock(client, async () => {
    await client.query('BEGIN');
    try {
      await client.query(ddl);
      const converted = await convertTimestamps(client, table);
      let existing = await describePgTable(client, table.name);
      const migration = existing === undefined ? undefined : keyMigration(table, existing, POSTGRES_DRIFT);
      if (migration !== undefined) {
        log(keyMigrationMessage(table.name, migration));
        await rekey(client, table);
        existing = await describePgTable(client, table.name);
      }
      if (existing === undefined)
        throw new HexstreamError('SINK_WRITE_FAILED', `table ${table.name} is not there right after CREATE TABLE`);
      refuseDriftedTable(job, table, existing, POSTGRES_DRIFT);
      await client.query('COMMIT');
      return converted;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  });
}

const PRIMARY_KEY_CONSTRAINT = `SELECT constraint_name AS name FROM information_schema.table_constraints
  WHERE table_schema = current_schema() AND table_name = $1 AND constraint_type = 'PRIMARY KEY'`;

/** Drops the primary key constraint and adds the job's, in the caller's transaction: no moment without a key. */
async function rekey(client: PoolClient, table: TableSchema): Promise<void> {
  const found = await client.query<{ name: string }>(PRIMARY_KEY_CONSTRAINT, [table.name]);
  const constraint = found.rows[0]?.name;
  if (constraint === undefined) throw new HexstreamError('SINK_WRITE_FAILED', `table ${table.name} has no primary key`);
  const quote = (name: string, what: string): string => quoteIdentifier(POSTGRES_IDENTIFIERS, name, what);
  const key = table.primaryKey.map((c) => quote(c, 'primary key column')).join(', ');
  // The constraint's name comes from the catalog and may be any text: quoted as PostgreSQL quotes.
  const quotedConstraint = `"${constraint.replaceAll('"', '""')}"`;
  await client.query(
    `ALTER TABLE ${quote(table.name, 'table')} DROP CONSTRAINT ${quotedConstraint}, ADD PRIMARY KEY (${key})`,
  );
}

function convertTimestamps(client: PoolClient, table: TableSchema): Promise<string[]> {
  const timestamps = table.columns.flatMap((c) =>
    c.type.kind === 'instant' || c.type.kind === 'writtenAt'
      ? [{ name: c.name, stampedByDatabase: c.type.kind === 'writtenAt' }]
      : [],
  );
  return timestamps.length === 0 ? Promise.resolve([]) : timestampsWithTimeZone(client, table.name, timestamps);
}

/** How PostgreSQL spells the job's columns, for comparing an existing table with them. */
const POSTGRES_DRIFT: DriftDialect = {
  expectedType: (c) => mapColumnType(POSTGRES_COLUMN_TYPES, c),
  longTextCapacity: Infinity,
};
