import { HexstreamError } from '../../domain/hexstream-error';
import type { ColumnValue, ResultRow } from '../../domain/records';
import type { ColumnSpec, TableSchema } from '../../domain/table-schema';

type SortKey = bigint | number | Buffer;

/** Code units of a UTF-16 surrogate pair: only they order differently in UTF-16 than in UTF-8. */
const SURROGATE = /[\ud800-\udfff]/;

/**
 * Rows in primary key order: transactions that write overlapping rows then lock them in one order,
 * which avoids most deadlocks; and with the window first in the key, each trigger's rows go to the
 * table in the order they are stored. The order is that of a utf8mb4_bin index (MySQL); for PostgreSQL any
 * one fixed order serves.
 */
export function sortByPrimaryKey(table: TableSchema, rows: readonly ResultRow[]): readonly ResultRow[] {
  const keyColumns = table.primaryKey.map((name) => {
    const spec = table.columns.find((c) => c.name === name);
    if (spec === undefined)
      throw new HexstreamError('CONFIG_INVALID', `primary key column ${name} is not a column of ${table.name}`);
    return spec;
  });
  const sorted = sortByPlainKey(rows, keyColumns);
  if (sorted !== undefined) return sorted;
  const keyed = rows.map((row) => ({ row, key: keyColumns.map((c) => sortKey(row.values[c.name], c)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const d = compareKeys(a.key[i], b.key[i]);
      if (d !== 0) return d;
    }
    return 0;
  });
  return keyed.map((k) => k.row);
}

/**
 * Rows whose key values are numbers and strings without surrogates (the orders' (window_start,
 * rowkey), most keys), compared as they are: UTF-16 code unit order is UTF-8 byte order unless a
 * surrogate is involved. Undefined when a value is anything else (a bigint, a decimal as text), for
 * the general path.
 */
function sortByPlainKey(rows: readonly ResultRow[], keyColumns: readonly ColumnSpec[]): ResultRow[] | undefined {
  const width = keyColumns.length;
  const names = keyColumns.map((c) => c.name);
  const textual = keyColumns.map((c) => c.type.kind === 'text' || c.type.kind === 'longText');
  const keys: (number | string)[] = [];
  const order: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const values = (rows[i] as ResultRow).values;
    for (let k = 0; k < width; k++) {
      const v = values[names[k] as string];
      if (textual[k] === true && typeof v === 'string' && !SURROGATE.test(v)) keys.push(v);
      else if (textual[k] === false && typeof v === 'number') keys.push(v);
      else return undefined;
    }
    order.push(i);
  }
  // Sorting indices allocates nothing per row; the sort is stable, so equal keys keep their order.
  order.sort((a, b) => {
    for (let k = 0; k < width; k++) {
      const x = keys[a * width + k] as number | string;
      const y = keys[b * width + k] as number | string;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
  return order.map((i) => rows[i] as ResultRow);
}

/** The order the table's index keeps: numbers by value, text byte by byte (utf8mb4_bin). */
function sortKey(v: ColumnValue | undefined, column: ColumnSpec): SortKey {
  if (v === undefined) return Buffer.alloc(0);
  if (column.type.kind === 'text' || column.type.kind === 'longText') return Buffer.from(String(v), 'utf8');
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v;
  return /^-?\d+$/.test(v) ? BigInt(v) : Buffer.from(v, 'utf8');
}

function compareKeys(a: SortKey | undefined, b: SortKey | undefined): number {
  if (a === undefined || b === undefined) return 0;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b))
    return Buffer.isBuffer(a) && Buffer.isBuffer(b) ? Buffer.compare(a, b) : Buffer.isBuffer(a) ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}
