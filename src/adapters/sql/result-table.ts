import { HexstreamError } from '../../domain/hexstream-error';
import type { ColumnSpec, TableSchema } from '../../domain/table-schema';
import { quoteIdentifier, type IdentifierRule } from './sql-identifiers';

/** What differs between the databases in a job's result table. */
export interface TableDialect {
  readonly identifiers: IdentifierRule;
  /** hexstream's own bookkeeping tables, which no job may write. */
  readonly reserved: readonly string[];
  /** A column's definition after its name: type, NOT NULL, default. CONFIG_INVALID if it has none. */
  columnDefinition(column: ColumnSpec): string;
  /** The statement around the column and key definitions. */
  statement(quotedTable: string, definitions: readonly string[]): string;
}

/**
 * `CREATE TABLE IF NOT EXISTS` for a job's result table: every column NOT NULL with the type the
 * dialect maps its logical type to, and the primary key. Every name is checked first: a table that
 * cannot be created fails with CONFIG_INVALID before any connection.
 */
export function resultTableStatement(table: TableSchema, dialect: TableDialect): string {
  const quote = (name: string, what: string): string => quoteIdentifier(dialect.identifiers, name, what);
  const name = quote(table.name, 'table');
  if (dialect.reserved.includes(table.name))
    throw new HexstreamError('CONFIG_INVALID', `table ${table.name} is reserved for hexstream's own bookkeeping`);
  if (table.primaryKey.length === 0)
    throw new HexstreamError('CONFIG_INVALID', `table ${table.name} has no primary key`);
  const columns = table.columns.map(
    (c) => `${quote(c.name, `column of ${table.name}:`)} ${dialect.columnDefinition(c)}`,
  );
  const names = new Set(table.columns.map((c) => c.name));
  for (const k of table.primaryKey) {
    if (!names.has(k))
      throw new HexstreamError('CONFIG_INVALID', `primary key column ${k} is not a column of ${table.name}`);
  }
  const key = table.primaryKey.map((k) => quote(k, 'primary key column')).join(', ');
  return dialect.statement(name, [...columns, `PRIMARY KEY (${key})`]);
}

/** `n` when it is an integer from `min` to `max` (a length, precision or scale the database takes); CONFIG_INVALID otherwise. */
export function sizeWithin(column: string, what: string, n: number, min: number, max: number): number {
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new HexstreamError(
      'CONFIG_INVALID',
      `column ${column}: ${what} must be an integer from ${min} to ${max}, got ${String(n)}`,
    );
  return n;
}
