import { HexstreamError } from '../../domain/hexstream-error';
import type { ColumnValue, ResultRow } from '../../domain/records';
import type { ColumnSpec } from '../../domain/table-schema';
import { mapColumnType, type ColumnTypeMap } from './column-type-map';
import { datetimeFormatter } from './instant-text';

/** A value bound to a statement parameter. */
export type SqlValue = string | number | bigint;

/** Where the databases differ in the values they take. */
export interface SqlValueDialect {
  readonly database: 'MySQL' | 'PostgreSQL';
  /**
   * Appended to an instant's UTC text: nothing for a DATETIME; `+00:00` for a TIMESTAMPTZ, which
   * would otherwise read zoneless text in the session's time zone.
   */
  readonly instantZone: '' | '+00:00';
  /** PostgreSQL text cannot hold NUL (U+0000); MySQL's can. */
  readonly textHoldsNul: boolean;
}

/** Converts one column of a row, or fails the commit (SINK_WRITE_FAILED, never retried). */
export type ColumnEncoder = (row: ResultRow) => SqlValue;

type Fail = (row: ResultRow, why: string) => never;

/**
 * The conversion of one column's values for `dialect`, checked before anything is sent: a value of
 * the wrong kind, text longer than its column, an instant outside the years 0000–9999. A number
 * beyond its column (integer width, decimal digits) is left to the database, whose error, with its
 * code, becomes the commit's cause. A converter may keep state between rows (the last instant's text).
 */
export function columnEncoder(column: ColumnSpec, dialect: SqlValueDialect): ColumnEncoder {
  const name = column.name;
  const fail: Fail = (row, why) => {
    throw new HexstreamError('SINK_WRITE_FAILED', `row ${row.key}: column ${name} ${why}`);
  };
  const convert = mapColumnType(converters(name, dialect, fail), column);
  return (row) => {
    const v = row.values[name];
    return v === undefined ? fail(row, 'has no value') : convert(v, row);
  };
}

type Convert = (v: ColumnValue, row: ResultRow) => SqlValue;

function converters(name: string, dialect: SqlValueDialect, fail: Fail): ColumnTypeMap<Convert> {
  const text =
    (maxLength: number): Convert =>
    (v, row) => {
      const s = typeof v === 'string' ? v : String(v);
      // Code points never outnumber UTF-16 units: only a long string needs counting.
      if (s.length > maxLength && characters(s) > maxLength)
        fail(row, `has ${characters(s)} characters, more than its ${maxLength}`);
      if (!dialect.textHoldsNul && s.includes('\u0000')) {
        throw new HexstreamError(
          'SINK_WRITE_FAILED',
          `row ${JSON.stringify(row.key)}: column ${name} holds a NUL character (U+0000), which ${dialect.database} text cannot store`,
        );
      }
      return s;
    };
  return {
    text: (t) => text(t.maxLength),
    longText: () => text(Infinity),
    integer: () => (v, row) => exactInteger(v) ?? fail(row, `is not an integer: ${String(v)}`),
    decimal: ({ scale }) => {
      return (v, row) => {
        const scaled = exactInteger(v) ?? fail(row, `is not a scaled integer (×10^${scale}): ${String(v)}`);
        return typeof scaled === 'number'
          ? decimalTextOfSafeInteger(scaled, scale)
          : decimalText(BigInt(scaled), scale);
      };
    },
    double: () => (v, row) =>
      typeof v === 'number' && Number.isFinite(v) ? v : fail(row, `is not a finite number: ${String(v)}`),
    instant: () => {
      const datetime = datetimeFormatter();
      const zone = dialect.instantZone;
      return (v, row) => {
        const text = datetime(v) ?? fail(row, `is not a whole epoch millisecond in years 0000–9999: ${String(v)}`);
        return zone === '' ? text : text + zone;
      };
    },
    writtenAt: () => (_v, row) => fail(row, 'is set by the sink, not by the row'),
  };
}

/** Unicode code points: what MySQL's utf8mb4 and PostgreSQL's UTF8 count as characters. */
function characters(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
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
  return pointed(digits, scale, negative);
}

/** {@link decimalText} of a safe integer, without going through a bigint. */
function decimalTextOfSafeInteger(scaled: number, scale: number): string {
  const negative = scaled < 0;
  // Safe integers print as plain digits (no exponent), as their bigint would.
  const digits = String(negative ? -scaled : scaled).padStart(scale + 1, '0');
  return pointed(digits, scale, negative);
}

function pointed(digits: string, scale: number, negative: boolean): string {
  const text =
    scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}
