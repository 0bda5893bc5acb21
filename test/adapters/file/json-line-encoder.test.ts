import fc from 'fast-check';
import { JsonLineEncoder } from '../../../src/adapters/file/json-line-encoder';
import { rowRenderer } from '../../../src/adapters/encoding/row-json';
import type { ResultRow } from '../../../src/domain/records';
import type { TableSchema } from '../../../src/domain/table-schema';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import { propertyRuns } from '../../support/property-runs';

const table: TableSchema = {
  name: 'everything',
  primaryKey: ['k'],
  columns: [
    { name: 'k', type: { kind: 'text', maxLength: 64 } },
    { name: 'at', type: { kind: 'instant' } },
    { name: 'n', type: { kind: 'integer', bits: 64 } },
    { name: 'x', type: { kind: 'double' } },
    { name: 'money', type: { kind: 'decimal', precision: 20, scale: 2 } },
    { name: 'rate', type: { kind: 'decimal', precision: 20, scale: 4 } },
    { name: 'note', type: { kind: 'longText' } },
    { name: 'updated_at', type: { kind: 'writtenAt' } },
  ],
};

const instant = fc.oneof(
  fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }),
  fc.integer({ min: -8.64e15, max: 8.64e15 }),
  fc.double({ min: 0, max: 2e12, noNaN: true }),
);
const anyNumber = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double(), fc.constant(Infinity), fc.constant(-0));
const scaled = fc.oneof(fc.maxSafeInteger(), fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }));

function encode(rows: readonly ResultRow[], t: TableSchema, writtenAtMs: number, initialBytes = 64): string {
  const enc = new JsonLineEncoder(t, initialBytes);
  const parts: Buffer[] = [];
  rows.forEach((r, i) => {
    enc.encode(r, writtenAtMs);
    if (i % 3 === 0) parts.push(enc.take());
  });
  parts.push(enc.take());
  return Buffer.concat(parts).toString('utf8');
}

describe('JsonLineEncoder', () => {
  it('writes exactly the bytes of the string renderer, for any values', () => {
    const render = rowRenderer(table);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            k: fc.string({ unit: 'grapheme-ascii' }),
            at: instant,
            n: anyNumber,
            x: anyNumber,
            money: scaled,
            rate: scaled,
            note: fc.string({ unit: 'binary' }),
          }),
          { maxLength: 20 },
        ),
        instant,
        (valuesList, writtenAtMs) => {
          const rows: ResultRow[] = valuesList.map((values) => ({ key: String(values.k), finalAtMs: 0, values }));
          const expected = rows.map((r) => `${render(r, writtenAtMs)}\n`).join('');
          expect(encode(rows, table, writtenAtMs)).toBe(expected);
        },
      ),
      { numRuns: propertyRuns(500) },
    );
  });

  it('encodes an orders row as the table documents it', () => {
    const row: ResultRow = {
      key: 'a5f46532cb7108e40f8d7434848419cd',
      finalAtMs: 1735689600000,
      values: {
        rowkey: 'a5f46532cb7108e40f8d7434848419cd',
        window_start: 1735689540000,
        window_end: 1735689600000,
        region: 'TH',
        shop_id: 100706,
        item_id: 107620,
        total_expenditure: 324480,
        total_items_sold: 80,
        total_orders: 1,
        first_event_at: 1735689599178,
        last_event_at: 1735689599178,
      },
    };
    expect(encode([row], aggOrderWindowTable, Date.UTC(2026, 10, 23, 7, 45, 58, 902))).toBe(
      '{"rowkey":"a5f46532cb7108e40f8d7434848419cd","window_start":"2024-12-31T23:59:00.000Z","window_end":"2025-01-01T00:00:00.000Z","region":"TH","shop_id":100706,"item_id":107620,"total_expenditure":"3244.80","total_items_sold":80,"total_orders":1,"first_event_at":"2024-12-31T23:59:59.178Z","last_event_at":"2024-12-31T23:59:59.178Z","updated_at":"2026-11-23T07:45:58.902Z"}\n',
    );
  });

  it('grows its buffer for rows larger than it', () => {
    const big = 'x'.repeat(10_000);
    const row: ResultRow = { key: 'k', finalAtMs: 0, values: { k: big, note: 'é'.repeat(5000) } };
    expect(encode([row, row], table, 0, 16)).toBe(`${rowRenderer(table)(row, 0)}\n`.repeat(2));
  });
});
