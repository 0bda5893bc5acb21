import { sortByPrimaryKey } from '../../../src/adapters/sql/primary-key-order';
import type { ColumnValue, ResultRow } from '../../../src/domain/records';
import type { TableSchema } from '../../../src/domain/table-schema';

const TABLE: TableSchema = {
  name: 't',
  primaryKey: ['window_start', 'rowkey'],
  columns: [
    { name: 'rowkey', type: { kind: 'text', maxLength: 32 } },
    { name: 'window_start', type: { kind: 'instant' } },
    { name: 'amount', type: { kind: 'decimal', precision: 20, scale: 2 } },
  ],
};

const row = (windowStart: ColumnValue, rowkey: string): ResultRow => ({
  key: `${String(windowStart)}|${rowkey}`,
  finalAtMs: 0,
  values: { rowkey, window_start: windowStart, amount: 1 },
});

const keys = (rows: readonly ResultRow[]): string[] => rows.map((r) => r.key);

describe('sortByPrimaryKey', () => {
  it('orders by the key columns in their order: the window first, then the text byte by byte', () => {
    const rows = [row(120_000, 'a'), row(60_000, 'b'), row(60_000, 'B'), row(120_000, 'A'), row(60_000, 'a')];
    expect(keys(sortByPrimaryKey(TABLE, rows))).toEqual(['60000|B', '60000|a', '60000|b', '120000|A', '120000|a']);
  });

  it('orders text with characters beyond U+FFFF as UTF-8 bytes (as utf8mb4_bin does), not as UTF-16 units', () => {
    // U+FF61 is EF BD A1 in UTF-8, U+1F600 F0 9F 98 80: after it in bytes, before it in UTF-16 units.
    const rows = [row(0, '\u{1F600}'), row(0, '\uFF61')];
    expect(keys(sortByPrimaryKey(TABLE, rows))).toEqual(['0|\uFF61', '0|\u{1F600}']);
  });

  it('orders numbers beyond 2^53 given as bigints by value', () => {
    const rows = [row(10n ** 17n, 'a'), row(5, 'a'), row(2n ** 60n, 'a')];
    expect(keys(sortByPrimaryKey(TABLE, rows))).toEqual(['5|a', `${10n ** 17n}|a`, `${2n ** 60n}|a`]);
  });
});
