import type { ResultRow } from '../../domain/records';
import type { ColumnSpec, TableSchema } from '../../domain/table-schema';
import { sortByPrimaryKey } from './primary-key-order';
import { columnEncoder, type ColumnEncoder, type SqlValue, type SqlValueDialect } from './sql-values';

export interface SqlStatement {
  readonly sql: string;
  readonly params: SqlValue[];
}

/** A trigger's rows, sorted by key and converted: `values` holds `columns.length` values per row, row after row. */
export interface EncodedRows {
  readonly table: TableSchema;
  readonly rows: readonly ResultRow[];
  readonly columns: readonly ColumnSpec[];
  readonly values: readonly SqlValue[];
}

/** What differs between the databases in a multi-row upsert. Names given to it are unquoted. */
export interface UpsertDialect {
  readonly values: SqlValueDialect;
  /** The statement up to its VALUES list: `REPLACE INTO t (a,b) VALUES `. */
  head(table: string, columns: readonly string[]): string;
  /** The VALUES list: `rows` tuples of `width` placeholders each, numbered from the statement's first. */
  valuesList(rows: number, width: number): string;
  /** After the VALUES list: what a row whose key exists becomes (empty for REPLACE). */
  tail(primaryKey: readonly string[], updated: readonly string[], stamped: readonly string[]): string;
  /** Where statements end, as row indices (ascending, the last one `rows.rows.length`). */
  cut(rows: EncodedRows, frameBytes: number): number[];
}

/** The columns a statement writes: all but those the database stamps itself. */
export function writtenColumns(table: TableSchema): ColumnSpec[] {
  return table.columns.filter((c) => c.type.kind !== 'writtenAt');
}

/**
 * Multi-row upserts of `rows`, sorted by primary key, cut where the dialect says:
 *
 *   head ─ (v,v,…),(v,v,…),… ─ tail     one statement per cut, params row after row
 *
 * Every row is converted, and every value checked, before any statement is built, so a bad value
 * fails the commit before anything is sent. Columns the database stamps (`writtenAt`) are left out
 * of the values; the dialect's tail (or the column's default) sets them.
 */
export function upsertStatements(
  table: TableSchema,
  rows: readonly ResultRow[],
  dialect: UpsertDialect,
): SqlStatement[] {
  if (rows.length === 0) return [];
  const columns = writtenColumns(table);
  const keys = new Set(table.primaryKey);
  const stamped = table.columns.filter((c) => c.type.kind === 'writtenAt').map((c) => c.name);
  const updated = columns.filter((c) => !keys.has(c.name)).map((c) => c.name);
  const head = dialect.head(
    table.name,
    columns.map((c) => c.name),
  );
  const tail = dialect.tail(table.primaryKey, updated, stamped);
  const sorted = sortByPrimaryKey(table, rows);
  const values = encodeRows(sorted, columns, dialect.values);
  const width = columns.length;
  const out: SqlStatement[] = [];
  let first = 0;
  for (const end of dialect.cut({ table, rows: sorted, columns, values }, Buffer.byteLength(head + tail))) {
    // One statement takes the array as it is: a trigger of 50,000 rows is not copied for nothing.
    const params = first === 0 && end === sorted.length ? values : values.slice(first * width, end * width);
    out.push({ sql: head + dialect.valuesList(end - first, width) + tail, params });
    first = end;
  }
  return out;
}

/** One flat array of values, row after row: no array per row for a trigger of many thousands. */
function encodeRows(rows: readonly ResultRow[], columns: readonly ColumnSpec[], dialect: SqlValueDialect): SqlValue[] {
  const encoders = columns.map((c) => columnEncoder(c, dialect));
  const width = encoders.length;
  const values: SqlValue[] = [];
  for (const row of rows) {
    for (let i = 0; i < width; i++) values.push((encoders[i] as ColumnEncoder)(row));
  }
  return values;
}
