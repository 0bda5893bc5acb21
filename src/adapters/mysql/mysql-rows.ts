import { HexstreamError } from '../../domain/hexstream-error';
import type { ColumnValue, ResultRow } from '../../domain/records';
import type { ColumnSpec, TableSchema } from '../../domain/table-schema';
import { quoteIdentifier } from './mysql-pool';

export type SqlValue = string | number | bigint;

export interface SqlStatement {
  readonly sql: string;
  readonly params: SqlValue[];
}

/**
 * Room left in a packet for its 4-byte header, the command byte and rounding. Everything else is
 * counted per value, at its worst case once escaped (see {@link escapedBytes}).
 */
const PACKET_SLACK_BYTES = 64;

/**
 * Multi-row `REPLACE INTO` statements for `rows`, sorted by primary key and cut so that each
 * statement, once the driver has inlined its escaped parameters, fits in `maxPacketBytes`:
 *
 *   REPLACE INTO `t` (`a`,`b`) VALUES (?,?),(?,?),…   ◀─ ≤ maxPacketBytes − slack, counted as sent
 *
 * Sorting makes concurrent transactions lock rows in one order, which avoids most deadlocks.
 * Columns the sink sets (`updated_at`) are left out, so the server's default fills them. Rows are
 * converted and checked before anything is sent: a bad value fails the commit with no retry.
 */
export function replaceStatements(table: TableSchema, rows: readonly ResultRow[], maxPacketBytes: number): SqlStatement[] {
  if (rows.length === 0) return [];
  const columns = table.columns.filter((c) => !(c.type.kind === 'timestamp' && c.type.setBySink === true));
  const prefix = `REPLACE INTO ${quoteIdentifier(table.name, 'table')} (${columns.map((c) => quoteIdentifier(c.name, 'column')).join(',')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(',')})`;
  const budget = maxPacketBytes - PACKET_SLACK_BYTES - Buffer.byteLength(prefix);
  const encoded = sortByPrimaryKey(table, rows).map((row) => encodeRow(row, columns));

  const out: SqlStatement[] = [];
  let params: SqlValue[] = [];
  let count = 0;
  let bytes = 0;
  const flush = (): void => {
    out.push({ sql: prefix + new Array<string>(count).fill(tuple).join(','), params });
    params = [];
    count = 0;
    bytes = 0;
  };
  for (const { key, values } of encoded) {
    // Per value one separator; per row two parentheses and one comma.
    const rowBytes = values.reduce<number>((n, v) => n + escapedBytes(v) + 1, 3);
    if (rowBytes > budget) {
      throw new HexstreamError('SINK_WRITE_FAILED', `row ${key} of ${table.name} needs up to ${rowBytes} bytes, more than a statement may hold (max_allowed_packet ${maxPacketBytes})`);
    }
    if (bytes + rowBytes > budget) flush();
    params.push(...values);
    bytes += rowBytes;
    count++;
  }
  flush();
  return out;
}

/** Worst case once escaped and quoted by the driver: every byte of a string may gain a backslash. */
function escapedBytes(v: SqlValue): number {
  return typeof v === 'string' ? 2 + 2 * Buffer.byteLength(v, 'utf8') : String(v).length;
}

function encodeRow(row: ResultRow, columns: readonly ColumnSpec[]): { key: string; values: SqlValue[] } {
  return { key: row.key, values: columns.map((c) => encodeValue(row, c)) };
}

function encodeValue(row: ResultRow, column: ColumnSpec): SqlValue {
  const v = row.values[column.name];
  const fail = (why: string): never => {
    throw new HexstreamError('SINK_WRITE_FAILED', `row ${row.key}: column ${column.name} ${why}`);
  };
  if (v === undefined) return fail('has no value');
  const t = column.type;
  switch (t.kind) {
    case 'text':
      return typeof v === 'string' ? v : String(v);
    case 'integer':
      return exactInteger(v) ?? fail(`is not an integer: ${String(v)}`);
    case 'float':
      return typeof v === 'number' && Number.isFinite(v) ? v : fail(`is not a finite number: ${String(v)}`);
    case 'decimal': {
      const scaled = exactInteger(v);
      return scaled === undefined ? fail(`is not a scaled integer (×10^${t.scale}): ${String(v)}`) : decimalText(BigInt(scaled), t.scale);
    }
    case 'timestamp':
      return datetimeText(v) ?? fail(`is not a whole epoch millisecond in years 0000–9999: ${String(v)}`);
  }
}

/** A number only while it is exact; bigints and digit strings as they are. */
function exactInteger(v: ColumnValue): number | bigint | string | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'bigint') return v;
  return /^-?\d+$/.test(v) ? v : undefined;
}

/** An integer scaled by 10^scale as exact decimal text: (123456n, 2) → "1234.56". */
export function decimalText(scaled: bigint, scale: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

/** Epoch ms → 'YYYY-MM-DD HH:MM:SS.mmm' (UTC), the DATETIME(3) literal. */
export function datetimeText(v: ColumnValue): string | undefined {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) return undefined;
  const iso = new Date(v).toISOString();
  // Years outside 0000–9999 have a longer, signed form that DATETIME cannot hold.
  if (iso.length !== 24) return undefined;
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

type SortKey = bigint | number | Buffer;

function sortByPrimaryKey(table: TableSchema, rows: readonly ResultRow[]): ResultRow[] {
  const keyColumns = table.primaryKey.map((name) => {
    const spec = table.columns.find((c) => c.name === name);
    if (spec === undefined) throw new HexstreamError('CONFIG_INVALID', `primary key column ${name} is not a column of ${table.name}`);
    return spec;
  });
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

/** The order the table's index keeps: numbers by value, text byte by byte (utf8mb4_bin). */
function sortKey(v: ColumnValue | undefined, column: ColumnSpec): SortKey {
  if (v === undefined) return Buffer.alloc(0);
  if (column.type.kind === 'text') return Buffer.from(String(v), 'utf8');
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v;
  return /^-?\d+$/.test(v) ? BigInt(v) : Buffer.from(v, 'utf8');
}

function compareKeys(a: SortKey | undefined, b: SortKey | undefined): number {
  if (a === undefined || b === undefined) return 0;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) ? Buffer.compare(a, b) : Buffer.isBuffer(a) ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}
