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
 * statement, once the driver has inlined its escaped parameters, fits in `targetBytes` — or, for a
 * row larger than that alone, in `maxPacketBytes`:
 *
 *   REPLACE INTO `t` (`a`,`b`) VALUES (?,?),(?,?),…   ◀─ ≤ targetBytes − slack, counted as sent
 *
 * Sorting makes concurrent transactions lock rows in one order, which avoids most deadlocks.
 * Columns the sink sets (`updated_at`) are left out, so the server's default fills them. Rows are
 * converted and checked before anything is sent: a bad value fails the commit with no retry.
 */
export function replaceStatements(
  table: TableSchema,
  rows: readonly ResultRow[],
  maxPacketBytes: number,
  targetBytes = maxPacketBytes,
): SqlStatement[] {
  if (rows.length === 0) return [];
  const columns = table.columns.filter((c) => !(c.type.kind === 'timestamp' && c.type.setBySink === true));
  const prefix = `REPLACE INTO ${quoteIdentifier(table.name, 'table')} (${columns.map((c) => quoteIdentifier(c.name, 'column')).join(',')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(',')})`;
  const budget = maxPacketBytes - PACKET_SLACK_BYTES - Buffer.byteLength(prefix);
  const target = Math.min(budget, targetBytes - PACKET_SLACK_BYTES - Buffer.byteLength(prefix));
  const sorted = sortByPrimaryKey(table, rows);

  // Every row is converted (and every value checked) before any statement is cut: one flat array
  // of values, row after row, and the worst-case size of each row as sent.
  const encoders = columns.map((c) => columnEncoder(c));
  const width = encoders.length;
  const values: SqlValue[] = [];
  const rowBytes = new Float64Array(sorted.length);
  for (let r = 0; r < sorted.length; r++) {
    const row = sorted[r] as ResultRow;
    // Per value one separator; per row two parentheses and one comma.
    let bytes = 3;
    for (let i = 0; i < width; i++) {
      const { encode, size } = encoders[i] as ColumnEncoder;
      const v = encode(row);
      values.push(v);
      bytes += size(v) + 1;
    }
    rowBytes[r] = bytes;
  }

  const out: SqlStatement[] = [];
  let first = 0;
  let bytes = 0;
  const flush = (end: number): void => {
    out.push({
      sql: prefix + new Array<string>(end - first).fill(tuple).join(','),
      params: first === 0 && end === sorted.length ? values : values.slice(first * width, end * width),
    });
    first = end;
    bytes = 0;
  };
  for (let r = 0; r < sorted.length; r++) {
    const size = rowBytes[r] as number;
    if (size > budget) {
      throw new HexstreamError(
        'SINK_WRITE_FAILED',
        `row ${(sorted[r] as ResultRow).key} of ${table.name} needs up to ${size} bytes, more than a statement may hold (max_allowed_packet ${maxPacketBytes})`,
      );
    }
    if (bytes > 0 && bytes + size > target) flush(r);
    bytes += size;
  }
  flush(sorted.length);
  return out;
}

/** Worst case once escaped and quoted by the driver: every byte of a string may gain a backslash. */
function escapedBytes(v: SqlValue): number {
  return typeof v === 'string' ? 2 + 2 * Buffer.byteLength(v, 'utf8') : String(v).length;
}

/** {@link escapedBytes} of a string known to be ASCII (timestamps, decimals). */
function asciiEscapedBytes(v: SqlValue): number {
  return typeof v === 'string' ? 2 + 2 * v.length : String(v).length;
}

export interface ColumnEncoder {
  readonly encode: (row: ResultRow) => SqlValue;
  readonly size: (v: SqlValue) => number;
}

/** The conversion of one column's values, with what it may keep between rows (timestamp text). */
export function columnEncoder(column: ColumnSpec): ColumnEncoder {
  const name = column.name;
  const fail = (row: ResultRow, why: string): never => {
    throw new HexstreamError('SINK_WRITE_FAILED', `row ${row.key}: column ${name} ${why}`);
  };
  const t = column.type;
  switch (t.kind) {
    case 'text':
      return {
        encode: (row) => {
          const v = row.values[name];
          if (v === undefined) return fail(row, 'has no value');
          return typeof v === 'string' ? v : String(v);
        },
        size: escapedBytes,
      };
    case 'integer':
      return {
        encode: (row) => {
          const v = row.values[name];
          if (v === undefined) return fail(row, 'has no value');
          return exactInteger(v) ?? fail(row, `is not an integer: ${String(v)}`);
        },
        size: escapedBytes,
      };
    case 'float':
      return {
        encode: (row) => {
          const v = row.values[name];
          if (v === undefined) return fail(row, 'has no value');
          return typeof v === 'number' && Number.isFinite(v) ? v : fail(row, `is not a finite number: ${String(v)}`);
        },
        size: escapedBytes,
      };
    case 'decimal': {
      const scale = t.scale;
      return {
        encode: (row) => {
          const v = row.values[name];
          if (v === undefined) return fail(row, 'has no value');
          const scaled = exactInteger(v);
          if (scaled === undefined) return fail(row, `is not a scaled integer (×10^${scale}): ${String(v)}`);
          return typeof scaled === 'number'
            ? decimalTextOfSafeInteger(scaled, scale)
            : decimalText(BigInt(scaled), scale);
        },
        size: asciiEscapedBytes,
      };
    }
    case 'timestamp': {
      const datetime = datetimeFormatter();
      return {
        encode: (row) => {
          const v = row.values[name];
          if (v === undefined) return fail(row, 'has no value');
          return datetime(v) ?? fail(row, `is not a whole epoch millisecond in years 0000–9999: ${String(v)}`);
        },
        size: asciiEscapedBytes,
      };
    }
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
  const text =
    scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

/** {@link decimalText} of a safe integer, without going through a bigint. */
function decimalTextOfSafeInteger(scaled: number, scale: number): string {
  const negative = scaled < 0;
  // Safe integers print as plain digits (no exponent), as their bigint would.
  const digits = String(negative ? -scaled : scaled).padStart(scale + 1, '0');
  const text =
    scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

const DAY_MS = 86_400_000;
/** 0000-01-01T00:00:00.000Z and 10000-01-01T00:00:00.000Z: DATETIME holds the years between. */
const FIRST_DATETIME_MS = -62_167_219_200_000;
const END_DATETIME_MS = 253_402_300_800_000;

/** Epoch ms → 'YYYY-MM-DD HH:MM:SS.mmm' (UTC), the DATETIME(3) literal. */
export function datetimeText(v: ColumnValue): string | undefined {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < FIRST_DATETIME_MS || v >= END_DATETIME_MS)
    return undefined;
  const iso = new Date(v).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * {@link datetimeText} for a stream of values: timestamps of neighbouring rows share their day (and
 * window bounds their exact value), so the `YYYY-MM-DD ` prefix of the last day and the text of the
 * last value are kept, and only the time of day is formatted, from lookup tables.
 */
export function datetimeFormatter(): (v: ColumnValue) => string | undefined {
  let lastMs = NaN;
  let lastText = '';
  let day = NaN;
  let dayPrefix = '';
  return (v) => {
    if (v === lastMs) return lastText;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < FIRST_DATETIME_MS || v >= END_DATETIME_MS)
      return undefined;
    const d = Math.floor(v / DAY_MS);
    if (d !== day) {
      day = d;
      dayPrefix = `${new Date(d * DAY_MS).toISOString().slice(0, 10)} `;
    }
    let rest = v - d * DAY_MS;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    lastText = `${dayPrefix}${TWO_DIGITS[hours] as string}:${TWO_DIGITS[minutes] as string}:${TWO_DIGITS[seconds] as string}.${THREE_DIGITS[millis] as string}`;
    lastMs = v;
    return lastText;
  };
}

type SortKey = bigint | number | Buffer;

/** Code units of a UTF-16 surrogate pair: only they order differently in UTF-16 than in UTF-8. */
const SURROGATE = /[\ud800-\udfff]/;

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
  if (column.type.kind === 'text') return Buffer.from(String(v), 'utf8');
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
