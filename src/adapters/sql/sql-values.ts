import { HexstreamError } from '../../domain/hexstream-error';
import type { ColumnValue, ResultRow } from '../../domain/records';
import type { ColumnSpec, ColumnType } from '../../domain/table-schema';
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
 * The conversion of one column's values for `dialect`, checking each against the column's bounds
 * before anything is sent: text length in characters, integer width, decimal digits, the years an
 * instant may have. A converter may keep state between rows (the last instant's text).
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
  const text = (maxLength: number): Convert => {
    return (v, row) => {
      const s = typeof v === 'string' ? v : String(v);
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
  };
  return {
    text: (t) => text(t.maxLength),
    longText: () => text(Infinity),
    integer: (t) => {
      const [min, max] = t.bits === 32 ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
      return (v, row) => {
        const n = exactInteger(v) ?? fail(row, `is not an integer: ${String(v)}`);
        if (typeof n === 'number' ? t.bits === 32 && (n < min || n > max) : BigInt(n) < min || BigInt(n) > max)
          fail(row, `is out of the range of a ${t.bits}-bit integer: ${String(v)}`);
        return n;
      };
    },
    decimal: (t) => decimal(t, fail),
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

function decimal(t: Extract<ColumnType, { kind: 'decimal' }>, fail: Fail): Convert {
  const { precision, scale } = t;
  // Safe integers have at most 16 digits: below that many, compare the number itself.
  const bound = precision < 16 ? 10 ** precision : Infinity;
  return (v, row) => {
    const scaled = exactInteger(v) ?? fail(row, `is not a scaled integer (×10^${scale}): ${String(v)}`);
    if (typeof scaled === 'number') {
      if (Math.abs(scaled) >= bound) fail(row, `has more than ${precision} digits (×10^${scale}): ${String(v)}`);
      return decimalTextOfSafeInteger(scaled, scale);
    }
    const big = BigInt(scaled);
    if ((big < 0n ? -big : big).toString().length > precision)
      fail(row, `has more than ${precision} digits (×10^${scale}): ${String(v)}`);
    return decimalText(big, scale);
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
