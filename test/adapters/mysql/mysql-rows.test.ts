import { format } from 'mysql2';
import { replaceStatements } from '../../../src/adapters/mysql/mysql-rows';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import type { ResultRow } from '../../../src/domain/records';
import type { TableSchema } from '../../../src/domain/table-schema';
import { orderRow } from './mysql-test-kit';
import { errorWith, stringContaining } from '../../support/matchers';

const notes: TableSchema = {
  name: 'notes',
  primaryKey: ['id'],
  columns: [
    { name: 'id', type: { kind: 'integer', bits: 64 } },
    { name: 'body', type: { kind: 'text', maxLength: 4000 } },
  ],
};

const note = (id: number | bigint, body: string): ResultRow => ({
  key: String(id),
  finalAtMs: 0,
  values: { id, body },
});

describe('replaceStatements', () => {
  it('cuts statements so each fits the packet once the driver has escaped and inlined its values', () => {
    // Quotes and backslashes double in size when escaped; multi-byte characters count in bytes.
    const rows = Array.from({ length: 200 }, (_, i) => note(i, `'\\"😀東${'x'.repeat(i % 37)}`));
    const limit = 2_048;
    const statements = replaceStatements(notes, rows, limit);
    expect(statements.length).toBeGreaterThan(5);
    for (const s of statements) expect(Buffer.byteLength(format(s.sql, s.params))).toBeLessThanOrEqual(limit - 5);
    expect(statements.flatMap((s) => s.params.filter((_, i) => i % 2 === 0))).toEqual(rows.map((_, i) => i));
  });

  it('groups rows up to the target size, and sends a row larger than that alone when the packet holds it', () => {
    const small = Array.from({ length: 40 }, (_, i) => note(i, 'x'.repeat(10)));
    const large = note(40, 'y'.repeat(1_500));
    const statements = replaceStatements(notes, [...small, large], 4_096, 512);
    for (const s of statements.slice(0, -1))
      expect(Buffer.byteLength(format(s.sql, s.params))).toBeLessThanOrEqual(512);
    expect(statements.length).toBeGreaterThan(3);
    expect(statements[statements.length - 1]?.params).toEqual([40, 'y'.repeat(1_500)]);
    expect(statements.flatMap((s) => s.params.filter((_, i) => i % 2 === 0))).toEqual(
      [...small, large].map((_, i) => i),
    );
  });

  it('writes rows in primary key order, numbers by value and text byte by byte', () => {
    const [byId] = replaceStatements(
      notes,
      [note(10, 'a'), note(9_007_199_254_740_993n, 'b'), note(-1, 'c'), note(2, 'd')],
      1 << 20,
    );
    expect(byId?.params.filter((_, i) => i % 2 === 0)).toEqual([-1, 2, 10, 9_007_199_254_740_993n]);
    const text: TableSchema = { ...notes, primaryKey: ['body'] };
    // UTF-16 order puts U+FF5E before U+1F600; utf8mb4_bin (bytes) puts it after.
    const [byBody] = replaceStatements(text, [note(1, '😀'), note(2, '～'), note(3, 'Z'), note(4, 'a')], 1 << 20);
    expect(byBody?.params.filter((_, i) => i % 2 === 1)).toEqual(['Z', 'a', '～', '😀']);
  });

  it('leaves out the column the server sets, and sends timestamps and decimals as exact text', () => {
    const [s] = replaceStatements(aggOrderWindowTable, [orderRow(0, { cents: 12_345_678_901_234_567_891n })], 1 << 20);
    expect(s?.sql).toBe(
      'REPLACE INTO `agg_order_window` (`rowkey`,`window_start`,`window_end`,`region`,`shop_id`,`item_id`,`total_expenditure`,`total_items_sold`,`total_orders`,`first_event_at`,`last_event_at`) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
    );
    expect(s?.params.slice(1, 3)).toEqual(['2026-01-02 03:04:00.000', '2026-01-02 03:05:00.000']);
    expect(s?.params[6]).toBe('123456789012345678.91');
  });

  it('returns no statement for a trigger without rows', () => {
    expect(replaceStatements(notes, [], 1024)).toEqual([]);
  });

  it.each([
    ['a row larger than a packet', note(1, 'x'.repeat(600)), 'more than a statement may hold'],
    ['a missing value', { key: '1', finalAtMs: 0, values: { id: 1 } }, 'column body has no value'],
    ['an integer beyond 2^53 given as a number', note(2 ** 60, 'x'), 'column id is not an integer'],
    ['a fractional integer', note(1.5, 'x'), 'column id is not an integer'],
  ] as Array<[string, ResultRow, string]>)('rejects %s with SINK_WRITE_FAILED', (_what, row, message) => {
    expect(() => replaceStatements(notes, [row], 1024)).toThrow(
      errorWith({ code: 'SINK_WRITE_FAILED', message: stringContaining(message) }),
    );
  });
});

describe('replaceStatements key order', () => {
  it('sorts plain string keys (compared as strings) exactly as byte by byte, stable on equal keys', () => {
    const text: TableSchema = { ...notes, primaryKey: ['body'] };
    let seed = 7;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const alphabet = ['a', 'b', 'Z', '0', ' ', '~', 'é', '東', '\uffff', '\u00ff'];
    const rows = Array.from({ length: 500 }, (_, i) =>
      note(
        i,
        Array.from({ length: Math.floor(random() * 4) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(
          '',
        ),
      ),
    );
    const expected = rows
      .map((row, i) => ({ i, bytes: Buffer.from(String(row.values.body), 'utf8') }))
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes) || a.i - b.i)
      .map((k) => k.i);
    const [s] = replaceStatements(text, rows, 1 << 20);
    expect(s?.params.filter((_, i) => i % 2 === 0)).toEqual(expected);
  });
});
