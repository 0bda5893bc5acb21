import { columnEncoder, decimalText, type SqlValueDialect } from '../../../src/adapters/sql/sql-values';
import type { ColumnValue, ResultRow } from '../../../src/domain/records';
import type { ColumnType } from '../../../src/domain/table-schema';
import { errorWith, stringContaining } from '../../support/matchers';

const MYSQL: SqlValueDialect = { database: 'MySQL', instantZone: '', textHoldsNul: true };
const POSTGRES: SqlValueDialect = { database: 'PostgreSQL', instantZone: '+00:00', textHoldsNul: false };

/** The value column `c` of `type` becomes for `dialect`, from a row holding `value`. */
function encode(type: ColumnType, value: ColumnValue, dialect = MYSQL): unknown {
  const row: ResultRow = { key: 'r1', finalAtMs: 0, values: { c: value } };
  return columnEncoder({ name: 'c', type }, dialect)(row);
}

const TEXT_16: ColumnType = { kind: 'text', maxLength: 16 };
const INT_32: ColumnType = { kind: 'integer', bits: 32 };
const INT_64: ColumnType = { kind: 'integer', bits: 64 };
const MONEY: ColumnType = { kind: 'decimal', precision: 20, scale: 2 };
const INSTANT: ColumnType = { kind: 'instant' };

describe('columnEncoder', () => {
  it.each([
    [TEXT_16, 'x'.repeat(16), 'x'.repeat(16)],
    // Characters are code points: 16 emoji are 32 UTF-16 units and fit.
    [TEXT_16, '😀'.repeat(16), '😀'.repeat(16)],
    [TEXT_16, 42, '42'],
    [{ kind: 'longText' }, 'y'.repeat(100_000), 'y'.repeat(100_000)],
    [INT_32, 2_147_483_647, 2_147_483_647],
    [INT_32, -2_147_483_648, -2_147_483_648],
    [INT_64, 9_007_199_254_740_993n, 9_007_199_254_740_993n],
    [INT_64, '-9223372036854775808', '-9223372036854775808'],
    [MONEY, 123_456, '1234.56'],
    [MONEY, -5, '-0.05'],
    [MONEY, 99_999_999_999_999_999_999n, '999999999999999999.99'],
    [MONEY, '-12345', '-123.45'],
    [{ kind: 'decimal', precision: 4, scale: 0 }, 9_999, '9999'],
    [{ kind: 'double' }, 0.1, 0.1],
    // Numbers beyond their column are the database's to refuse, with its own error code.
    [INT_32, 2_147_483_648, 2_147_483_648],
    [MONEY, 10n ** 20n, '1000000000000000000.00'],
    [INSTANT, Date.UTC(2026, 0, 2, 3, 4, 5, 6), '2026-01-02 03:04:05.006'],
  ] as Array<[ColumnType, ColumnValue, unknown]>)('MySQL: %j holds %p as %p', (type, value, expected) => {
    expect(encode(type, value)).toEqual(expected);
  });

  it('gives PostgreSQL instants with their zone, as a timestamptz parameter needs', () => {
    expect(encode(INSTANT, Date.UTC(2026, 0, 2, 3, 4, 5, 6), POSTGRES)).toBe('2026-01-02 03:04:05.006+00:00');
    expect(encode(MONEY, 123_456, POSTGRES)).toBe('1234.56');
  });

  it('keeps NUL for MySQL and refuses it for PostgreSQL, naming the row and column', () => {
    expect(encode(TEXT_16, 'a\0b')).toBe('a\0b');
    expect(() => encode({ kind: 'longText' }, 'a\0b', POSTGRES)).toThrow(
      errorWith({
        code: 'SINK_WRITE_FAILED',
        message: 'row "r1": column c holds a NUL character (U+0000), which PostgreSQL text cannot store',
      }),
    );
  });

  it.each([
    [TEXT_16, 'x'.repeat(17), 'row r1: column c has 17 characters, more than its 16'],
    [TEXT_16, `${'😀'.repeat(16)}!`, 'row r1: column c has 17 characters, more than its 16'],
    [INT_64, 2 ** 60, 'row r1: column c is not an integer: 1152921504606847000'],
    [INT_64, 1.5, 'row r1: column c is not an integer: 1.5'],
    [MONEY, 0.5, 'row r1: column c is not a scaled integer (×10^2): 0.5'],
    [{ kind: 'double' }, Infinity, 'row r1: column c is not a finite number: Infinity'],
    [INSTANT, Date.UTC(10_000, 0, 1), 'row r1: column c is not a whole epoch millisecond in years 0000–9999'],
    [INSTANT, 1.5, 'row r1: column c is not a whole epoch millisecond in years 0000–9999: 1.5'],
  ] as Array<[ColumnType, ColumnValue, string]>)('refuses %j holding %p: %s', (type, value, message) => {
    for (const dialect of [MYSQL, POSTGRES]) {
      expect(() => encode(type, value, dialect)).toThrow(
        errorWith({ code: 'SINK_WRITE_FAILED', message: stringContaining(message) }),
      );
    }
  });

  it('refuses a row without the column', () => {
    const row: ResultRow = { key: 'r1', finalAtMs: 0, values: {} };
    expect(() => columnEncoder({ name: 'c', type: TEXT_16 }, MYSQL)(row)).toThrow('row r1: column c has no value');
  });
});

describe('decimalText', () => {
  it.each([
    [0n, 2, '0.00'],
    [5n, 2, '0.05'],
    [-5n, 2, '-0.05'],
    [123456n, 2, '1234.56'],
    [99_999_999_999_999_999_999n, 2, '999999999999999999.99'],
    [42n, 0, '42'],
    [7n, 4, '0.0007'],
  ])('renders %p scaled by 10^%p as %p', (scaled, scale, text) => {
    expect(decimalText(scaled, scale)).toBe(text);
  });
});
