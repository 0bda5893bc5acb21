import { HexstreamError } from '../../domain/hexstream-error';
import type { ColumnValue, ResultRow } from '../../domain/records';
import type { ColumnSpec, TableSchema } from '../../domain/table-schema';

type SortKey = bigint | number | Buffer;

/** Code units of a UTF-16 surrogate pair: only they order differently in UTF-16 than in UTF-8. */
const SURROGATE = /[\ud800-\udfff]/;

/**
 * Rows in primary key order: transactions that write overlapping rows then lock them in one order,
 * which avoids most deadlocks. The order is that of a utf8mb4_bin index (MySQL); for PostgreSQL any
 * one fixed order serves.
 */
export function sortByPrimaryKey(table: TableSchema, rows: readonly ResultRow[]): readonly ResultRow[] {
  const keyColumns = table.primaryKey.map((name) => {
    const spec = table.columns.find((c) => c.name === name);
    if (spec === undefined)
      throw new HexstreamError('CONFIG_INVALID', `primary key column ${name} is not a column of ${table.name}`);
    return spec;
  });
  const single = keyColumns.length === 1 ? keyColumns[0] : undefined;
  if (single !== undefined && single.type.kind === 'text') {
    const sorted = sortByTextKey(rows, single.name);
    if (sorted !== undefined) return sorted;
  }
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
 * Rows of a one-column text key (the orders' CHAR(32) hex key), compared as JS strings: UTF-16 code
 * unit order is UTF-8 byte order unless a surrogate is involved, so this holds only when no key has
 * one (undefined otherwise, or when a key is not a string, for the general path).
 */
function sortByTextKey(rows: readonly ResultRow[], name: string): ResultRow[] | undefined {
  const keys: string[] = [];
  const order: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const key = (rows[i] as ResultRow).values[name];
    if (typeof key !== 'string' || SURROGATE.test(key)) return undefined;
    keys.push(key);
    order.push(i);
  }
  // Sorting indices allocates nothing per row; the sort is stable, so equal keys keep their order.
  order.sort((a, b) => {
    const x = keys[a] as string;
    const y = keys[b] as string;
    return x < y ? -1 : x > y ? 1 : 0;
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
