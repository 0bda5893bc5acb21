import fc from 'fast-check';
import { formatScaled, isoFormatter, rowRenderer } from '../../../src/adapters/encoding/row-json';
import type { ColumnValue, ResultRow } from '../../../src/domain/records';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import type { TableSchema } from '../../../src/domain/table-schema';
import { propertyRuns } from '../../support/property-runs';

/** Independent reference: pad the digits of |n| and insert the point `scale` digits from the end. */
function scaledReference(n: bigint, scale: number): string {
  const digits = (n < 0n ? -n : n).toString().padStart(scale + 1, '0');
  const cut = digits.length - scale;
  return `${n < 0n ? '-' : ''}${digits.slice(0, cut)}${scale > 0 ? `.${digits.slice(cut)}` : ''}`;
}

const MAX_DATE_MS = 8.64e15;

describe('formatScaled', () => {
  it.each<[ColumnValue, number, string]>([
    [0, 2, '0.00'],
    [5, 2, '0.05'],
    [99, 2, '0.99'],
    [100, 2, '1.00'],
    [101, 2, '1.01'],
    [-5, 2, '-0.05'],
    [-99, 2, '-0.99'],
    [-100, 2, '-1.00'],
    [-123456, 2, '-1234.56'],
    [123456789012, 2, '1234567890.12'],
    [Number.MAX_SAFE_INTEGER, 2, '90071992547409.91'],
    [-Number.MAX_SAFE_INTEGER, 2, '-90071992547409.91'],
    [1e20, 2, '1000000000000000000.00'],
    [0n, 2, '0.00'],
    [-5n, 2, '-0.05'],
    [12345678901234567891n, 2, '123456789012345678.91'],
    [-(2n ** 64n), 2, '-184467440737095516.16'],
    [5, 0, '5'],
    [-5, 0, '-5'],
    [5, 3, '0.005'],
    [-1234, 4, '-0.1234'],
    [1234567n, 4, '123.4567'],
  ])('formats %p at scale %i as %s', (value, scale, expected) => {
    expect(formatScaled(value, scale)).toBe(expected);
  });

  it('formats every safe integer of cents like the exact bigint reference', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (cents) => {
        expect(formatScaled(cents, 2)).toBe(scaledReference(BigInt(cents), 2));
      }),
      { numRuns: propertyRuns(2000) },
    );
  });

  it('formats any bigint at scales 0..6 like the exact reference', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 6 }), (n, scale) => {
        expect(formatScaled(n, scale)).toBe(scaledReference(n, scale));
      }),
    );
  });
});

describe('isoFormatter', () => {
  const instant = fc.oneof(
    fc.integer({ min: -MAX_DATE_MS, max: MAX_DATE_MS }),
    fc.integer({ min: -2e12, max: 5e12 }),
    // Minute boundaries and their neighbours, before and after the epoch.
    fc
      .tuple(fc.integer({ min: -5e7, max: 5e7 }), fc.integer({ min: -2, max: 2 }))
      .map(([minute, d]) => minute * 60_000 + d),
    fc
      .tuple(fc.integer({ min: -5e7, max: 5e7 }), fc.integer({ min: 0, max: 59_999 }))
      .map(([minute, d]) => minute * 60_000 + d),
    // Around the years 0000 and 9999, where toISOString switches to its 6-digit form.
    fc.integer({ min: -62_167_219_200_000 - 120_000, max: -62_167_219_200_000 + 120_000 }),
    fc.integer({ min: 253_402_300_800_000 - 120_000, max: 253_402_300_800_000 + 120_000 }),
  );

  it('equals Date.prototype.toISOString for every instant of a sequence (one shared formatter)', () => {
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 30 }), (instants) => {
        const iso = isoFormatter();
        expect(instants.map(iso)).toEqual(instants.map((ms) => new Date(ms).toISOString()));
      }),
      { numRuns: propertyRuns(1000) },
    );
  });

  it('formats consecutive instants in one minute and across minute, day and year boundaries', () => {
    const iso = isoFormatter();
    const instants = [
      Date.UTC(2024, 11, 31, 23, 59, 0, 0),
      Date.UTC(2024, 11, 31, 23, 59, 9, 5),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999),
      Date.UTC(2025, 0, 1, 0, 0, 0, 0),
      -1,
      0,
      -60_000,
      -60_001,
      253_402_300_799_999,
      253_402_300_800_000,
      253_402_300_799_000,
      -62_167_219_200_001,
    ];
    expect(instants.map(iso)).toEqual([
      '2024-12-31T23:59:00.000Z',
      '2024-12-31T23:59:09.005Z',
      '2024-12-31T23:59:59.999Z',
      '2025-01-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      '1970-01-01T00:00:00.000Z',
      '1969-12-31T23:59:00.000Z',
      '1969-12-31T23:58:59.999Z',
      '9999-12-31T23:59:59.999Z',
      '+010000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.000Z',
      '-000001-12-31T23:59:59.999Z',
    ]);
  });
});

describe('rowRenderer', () => {
  const render = rowRenderer(aggOrderWindowTable);
  const row = (values: Record<string, ColumnValue>): ResultRow => ({ key: 'k', finalAtMs: 0, values });
  const base: Record<string, ColumnValue> = {
    rowkey: '0123456789abcdef0123456789abcdef',
    window_start: Date.UTC(2026, 0, 2, 3, 4, 0, 0),
    window_end: Date.UTC(2026, 0, 2, 3, 5, 0, 0),
    region: 'de',
    shop_id: 42,
    item_id: 7,
    total_expenditure: 123456789012,
    total_items_sold: 3,
    total_orders: 2,
    first_event_at: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
    last_event_at: Date.UTC(2026, 0, 2, 3, 4, 59, 999),
  };

  it('renders the columns in schema order with ISO timestamps, exact decimals and updated_at from the write time', () => {
    expect(render(row(base), Date.UTC(2026, 0, 2, 3, 6, 7, 89))).toBe(
      '{"rowkey":"0123456789abcdef0123456789abcdef","window_start":"2026-01-02T03:04:00.000Z","window_end":"2026-01-02T03:05:00.000Z",' +
        '"region":"de","shop_id":42,"item_id":7,"total_expenditure":"1234567890.12","total_items_sold":3,"total_orders":2,' +
        '"first_event_at":"2026-01-02T03:04:05.006Z","last_event_at":"2026-01-02T03:04:59.999Z","updated_at":"2026-01-02T03:06:07.089Z"}',
    );
  });

  it('keeps a bigint beyond 2^53 exact as a string and a safe bigint as a number', () => {
    const parsed: unknown = JSON.parse(
      render(
        row({
          ...base,
          total_items_sold: 9007199254740993n,
          total_orders: 12n,
          total_expenditure: 12345678901234567891n,
        }),
        0,
      ),
    );
    expect(parsed).toMatchObject({
      total_items_sold: '9007199254740993',
      total_orders: 12,
      total_expenditure: '123456789012345678.91',
    });
  });

  it.each([
    ['quotes and backslashes', 'say "hi" \\ C:\\path\\'],
    ['control characters', 'nl\nCR\rtab\tnul\u0000bell\u0007us\u001f del\u007f'],
    ['line and paragraph separators', 'a\u2028b\u2029c'],
    ['utf8mb4 text', '東京 😀 👩‍👩‍👧‍👦 Ünïcødé'],
  ])('keeps %s in a text column intact on one parseable line', (_label, region) => {
    const line = render(row({ ...base, region }), 0);
    // eslint-disable-next-line no-control-regex -- a control character in the line is what must not be there
    expect(line).not.toMatch(/[\u0000-\u001f]/);
    expect(line).toContain(`"region":${JSON.stringify(region)},`);
    const parsed: unknown = JSON.parse(line);
    expect(parsed).toMatchObject({ region });
  });

  it('renders JSON escapes exactly for a quote, a backslash and control characters', () => {
    const line = render(row({ ...base, region: '"\\\n\t\u0001' }), 0);
    expect(line).toContain('"region":"\\"\\\\\\n\\t\\u0001",');
  });

  it('renders a missing timestamp as null and a missing decimal as zero', () => {
    const table: TableSchema = {
      name: 't',
      primaryKey: ['id'],
      columns: [
        { name: 'id', type: { kind: 'longText' } },
        { name: 'at', type: { kind: 'instant' } },
        { name: 'amount', type: { kind: 'decimal', precision: 10, scale: 2 } },
        { name: 'ratio', type: { kind: 'double' } },
      ],
    };
    expect(rowRenderer(table)({ key: 'a', finalAtMs: 0, values: { id: 'a', ratio: 0.5 } }, 0)).toBe(
      '{"id":"a","at":null,"amount":"0.00","ratio":0.5}',
    );
  });
});
