import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  aggOrderWindowTable,
  decodeOrder,
  orderRowKey,
  ordersJob,
  type Order,
} from '../../../src/domain/jobs/orders.job';
import { propertyRuns } from '../../support/property-runs';

/** A valid record; tests change or drop one field at a time. */
const BASE: Readonly<Record<string, unknown>> = {
  orderid: 1001,
  itemid: 42,
  shopid: 7,
  region: 'TW',
  count: 3,
  price: 0.29,
  timestamp: 1_700_000_000.5,
};
const BASE_ORDER: Order = {
  orderid: 1001,
  itemid: 42,
  shopid: 7,
  region: 'TW',
  count: 3,
  cents: 29,
  eventMs: 1_700_000_000_500,
};
const FIELDS = ['orderid', 'itemid', 'shopid', 'region', 'count', 'price', 'timestamp'] as const;
const MAX = Number.MAX_SAFE_INTEGER;
const YEAR_2000_MS = Date.UTC(2000, 0, 1);
const YEAR_2100_MS = Date.UTC(2100, 0, 1);

function record(overrides: Readonly<Record<string, unknown>> = {}, omit: readonly string[] = []): string {
  const o: Record<string, unknown> = { ...BASE, ...overrides };
  for (const k of omit) delete o[k];
  return JSON.stringify(o);
}

/** The base record with one field's value written as raw JSON text (e.g. `1e400`, `9007199254740992`). */
function withRaw(field: string, rawJson: string): string {
  const parts = FIELDS.map((k) => `${JSON.stringify(k)}:${k === field ? rawJson : JSON.stringify(BASE[k])}`);
  return `{${parts.join(',')}}`;
}

/** The base record with several fields written as raw JSON text. */
function withRawFields(raw: Readonly<Record<string, string>>): string {
  const parts = FIELDS.map((k) => `${JSON.stringify(k)}:${raw[k] ?? JSON.stringify(BASE[k])}`);
  return `{${parts.join(',')}}`;
}

function rejected(detail: string): { ok: false; detail: string } {
  return { ok: false, detail };
}

function accepted(changes: Partial<Order>): { ok: true; event: Order } {
  return { ok: true, event: { ...BASE_ORDER, ...changes } };
}

function jsonErrorMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error(`${text} is valid JSON`);
}

function nodeMd5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** Folds orders through the job's own combiner and renders the row of one window and group. */
function rowOf(orders: readonly Order[], startMs: number, endMs: number): ReturnType<typeof ordersJob.toRow> {
  const c = ordersJob.combiner;
  let acc = c.create();
  for (const o of orders) acc = c.add(acc, o);
  const first = orders[0];
  if (first === undefined) throw new Error('rowOf needs at least one order');
  const g = ordersJob.groupFields(first);
  const w = { startMs, endMs };
  return ordersJob.toRow(w, g, acc, ordersJob.rowKey(w, g));
}

function decodeOk(text: string): Order {
  const d = decodeOrder(text);
  if (!d.ok) throw new Error(`expected ${text} to be valid, got: ${d.detail}`);
  return d.event;
}

/** "12.34" from 1234 cents, by string manipulation only. */
function centsText(cents: number): string {
  const s = String(cents).padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

describe('decodeOrder: shape', () => {
  it('accepts a valid order and keeps money in integer cents', () => {
    expect(decodeOrder(record())).toEqual(accepted({}));
  });

  it.each(['', '{', 'not json', "{'orderid': 1}", '{"orderid": 1,}', record().slice(0, -1)])(
    'rejects %p as not valid JSON',
    (text) => {
      expect(decodeOrder(text)).toEqual(rejected(`not valid JSON: ${jsonErrorMessage(text)}`));
    },
  );

  it('names the parser error when the text is not JSON', () => {
    const d = decodeOrder('{');
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.detail).toMatch(/^not valid JSON: Expected property name or '\}' in JSON at position 1/);
  });

  it.each(['[]', '[{"orderid":1}]', '"order"', 'null', '42', 'true'])('rejects %s as not a JSON object', (text) => {
    expect(decodeOrder(text)).toEqual(rejected('record is not a JSON object'));
  });

  it.each(FIELDS)('rejects a record without %s as a missing field', (field) => {
    expect(decodeOrder(record({}, [field]))).toEqual(rejected(`missing field "${field}"`));
  });

  it('reports the first failing field in the order orderid, itemid, shopid, region, count, price, timestamp', () => {
    expect(decodeOrder(record({ itemid: -1, count: 0, price: -1 }))).toEqual(
      rejected('field "itemid" must be a non-negative safe integer, got -1'),
    );
    expect(decodeOrder(record({ count: 0, price: -1, timestamp: 1 }))).toEqual(
      rejected('field "count" must be a positive integer, got 0'),
    );
    expect(decodeOrder('{}')).toEqual(rejected('missing field "orderid"'));
  });

  it('ignores extra fields', () => {
    expect(decodeOrder(record({ note: 'gift', nested: { a: 1 } }))).toEqual(accepted({}));
  });

  it('refuses __proto__ and constructor keys without polluting any prototype', () => {
    const text = `{"__proto__":{"orderid":5,"polluted":true},"constructor":"x",${record().slice(1)}`;
    expect(decodeOrder(text)).toEqual(
      rejected('forbidden key "__proto__" at $ (__proto__, constructor and prototype are refused at any depth)'),
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses a record that is only a __proto__ key holding an order', () => {
    const text = `{"__proto__":${record()}}`;
    expect(decodeOrder(text)).toEqual(
      rejected('forbidden key "__proto__" at $ (__proto__, constructor and prototype are refused at any depth)'),
    );
  });

  it('refuses a constructor key that is an object, and a prototype key nested in an extra field', () => {
    expect(decodeOrder(record({ constructor: { name: 'Object' } }))).toEqual(
      rejected('forbidden key "constructor" at $ (__proto__, constructor and prototype are refused at any depth)'),
    );
    expect(decodeOrder(record({ meta: { list: [{ prototype: 1 }] } }))).toEqual(
      rejected(
        'forbidden key "prototype" at $.meta.list[0] (__proto__, constructor and prototype are refused at any depth)',
      ),
    );
  });
});

describe('decodeOrder: ids', () => {
  it.each(['orderid', 'itemid', 'shopid'])('accepts %s 0 and 2^53 - 1', (field) => {
    expect(decodeOrder(record({ [field]: 0 }))).toEqual(accepted({ [field]: 0 }));
    expect(decodeOrder(record({ [field]: MAX }))).toEqual(accepted({ [field]: MAX }));
  });

  it.each(['orderid', 'itemid', 'shopid'])(
    'rejects %s negative, fractional, unsafe, as a string or of another type',
    (field) => {
      const must = `field "${field}" must be a non-negative safe integer, got`;
      expect(decodeOrder(record({ [field]: -1 }))).toEqual(rejected(`${must} -1`));
      expect(decodeOrder(record({ [field]: 1.5 }))).toEqual(rejected(`${must} 1.5`));
      expect(decodeOrder(withRaw(field, '9007199254740992'))).toEqual(rejected(`${must} 9007199254740992`));
      expect(decodeOrder(record({ [field]: '1001' }))).toEqual(rejected(`${must} string "1001"`));
      expect(decodeOrder(record({ [field]: null }))).toEqual(rejected(`${must} null`));
      expect(decodeOrder(record({ [field]: true }))).toEqual(rejected(`${must} boolean`));
      expect(decodeOrder(record({ [field]: [1] }))).toEqual(rejected(`${must} an array`));
      expect(decodeOrder(record({ [field]: { id: 1 } }))).toEqual(rejected(`${must} an object`));
    },
  );

  it('shortens a long string value to 40 characters in the detail', () => {
    const long = '1234567890'.repeat(5);
    expect(decodeOrder(record({ orderid: long }))).toEqual(
      rejected(`field "orderid" must be a non-negative safe integer, got string "${long.slice(0, 40)}…"`),
    );
  });
});

describe('decodeOrder: region', () => {
  it('rejects an empty region', () => {
    expect(decodeOrder(record({ region: '' }))).toEqual(rejected('region is empty'));
  });

  it('rejects a region that is not a string', () => {
    expect(decodeOrder(record({ region: 886 }))).toEqual(rejected('field "region" must be a string, got 886'));
    expect(decodeOrder(record({ region: null }))).toEqual(rejected('field "region" must be a string, got null'));
  });

  it('accepts a region of 1 and of 16 characters', () => {
    expect(decodeOrder(record({ region: 'X' }))).toEqual(accepted({ region: 'X' }));
    expect(decodeOrder(record({ region: 'ABCDEFGHIJKLMNOP' }))).toEqual(accepted({ region: 'ABCDEFGHIJKLMNOP' }));
  });

  it('rejects a region of 17 characters', () => {
    expect(decodeOrder(record({ region: 'ABCDEFGHIJKLMNOPQ' }))).toEqual(
      rejected('region has 17 characters, at most 16 allowed'),
    );
  });

  it('counts characters as code points: 16 astral letters (32 UTF-16 units) are accepted, 17 are not', () => {
    // U+20000, a CJK ideograph outside the BMP: a letter, two UTF-16 units.
    const sixteen = '\u{20000}'.repeat(16);
    expect(sixteen.length).toBe(32);
    expect(decodeOrder(record({ region: sixteen }))).toEqual(accepted({ region: sixteen }));
    expect(decodeOrder(record({ region: '\u{20000}'.repeat(17) }))).toEqual(
      rejected('region has 17 characters, at most 16 allowed'),
    );
    const mixed = 'ABCDEFGHIJKLMNO\u{20000}';
    expect(decodeOrder(record({ region: mixed }))).toEqual(accepted({ region: mixed }));
    expect(decodeOrder(record({ region: `${mixed}\u{20000}` }))).toEqual(
      rejected('region has 17 characters, at most 16 allowed'),
    );
    expect(decodeOrder(record({ region: '😀'.repeat(17) }))).toEqual(
      rejected('region has 17 characters, at most 16 allowed'),
    );
  });
});

describe('decodeOrder: count', () => {
  it('accepts 1 and 2^53 - 1 items when price × count stays exact', () => {
    expect(decodeOrder(record({ count: 1 }))).toEqual(accepted({ count: 1 }));
    expect(decodeOrder(record({ count: MAX, price: 0.01 }))).toEqual(accepted({ count: MAX, cents: 1 }));
  });

  it.each([
    ['0', '0'],
    ['-1', '-1'],
    ['1.5', '1.5'],
    ['9007199254740992', '9007199254740992'],
    ['"3"', 'string "3"'],
    ['null', 'null'],
  ])('rejects count %s', (raw, shown) => {
    expect(decodeOrder(withRaw('count', raw))).toEqual(
      rejected(`field "count" must be a positive integer, got ${shown}`),
    );
  });
});

describe('decodeOrder: price', () => {
  it.each([
    [0.29, 29],
    [19.99, 1_999],
    [100, 10_000],
    [0, 0],
    [0.07, 7],
    [1.1, 110],
    [0.01, 1],
    [1e2, 10_000],
  ])('accepts price %p with at most 2 decimals as %p cents', (price, cents) => {
    expect(decodeOrder(record({ price }))).toEqual(accepted({ cents }));
  });

  it.each([1.005, 0.001, 19.999, 0.125])('rejects price %p with 3 decimals', (price) => {
    expect(decodeOrder(record({ price }))).toEqual(rejected(`price has more than 2 decimals: ${price}`));
  });

  it('rejects a negative price', () => {
    expect(decodeOrder(record({ price: -0.01 }))).toEqual(rejected('price is negative: -0.01'));
    expect(decodeOrder(record({ price: -5 }))).toEqual(rejected('price is negative: -5'));
  });

  it('rejects a price that JSON turns into Infinity', () => {
    expect(decodeOrder(withRaw('price', '1e400'))).toEqual(rejected('price is not finite: Infinity'));
    expect(decodeOrder(withRaw('price', '-1e400'))).toEqual(rejected('price is not finite: -Infinity'));
  });

  it('rejects a price given as a string', () => {
    expect(decodeOrder(record({ price: '0.29' }))).toEqual(
      rejected('field "price" must be a number, got string "0.29"'),
    );
  });

  it('rejects price × count that would leave the exact integer range', () => {
    expect(decodeOrder(record({ count: MAX, price: 0.02 }))).toEqual(
      rejected('price × count is too large to sum exactly: 0.02 × 9007199254740991'),
    );
    expect(decodeOrder(record({ count: 1, price: 1e15 }))).toEqual(
      rejected('price × count is too large to sum exactly: 1000000000000000 × 1'),
    );
  });

  it('reads any 2-decimal price as exactly its number of cents', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000 }), (cents) => {
        expect(decodeOrder(withRaw('price', centsText(cents)))).toEqual(accepted({ cents }));
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });

  it('rejects any price whose third decimal is not zero', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 1, max: 9 }), (cents, third) => {
        const text = `${centsText(cents)}${third}`;
        expect(decodeOrder(withRaw('price', text))).toEqual(
          rejected(`price has more than 2 decimals: ${Number(text)}`),
        );
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });
});

describe('decodeOrder: timestamp', () => {
  it('reads epoch seconds as milliseconds', () => {
    expect(decodeOrder(record({ timestamp: 1_700_000_000 }))).toEqual(accepted({ eventMs: 1_700_000_000_000 }));
  });

  it.each([
    [1_700_000_000.1235, 1_700_000_000_124],
    [1_700_000_000.1234, 1_700_000_000_123],
    [1_700_000_000.9996, 1_700_000_001_000],
    [1_699_999_990.123, 1_699_999_990_123],
  ])('rounds fractional seconds %p to the nearest millisecond %p', (timestamp, eventMs) => {
    expect(decodeOrder(record({ timestamp }))).toEqual(accepted({ eventMs }));
  });

  it('accepts 2000-01-01T00:00:00Z and rejects one millisecond before', () => {
    expect(decodeOrder(record({ timestamp: 946_684_800 }))).toEqual(accepted({ eventMs: YEAR_2000_MS }));
    expect(decodeOrder(record({ timestamp: 946_684_799.999 }))).toEqual(
      rejected('timestamp 946684799.999 is outside 2000-01-01..2100-01-01'),
    );
  });

  it('accepts the last millisecond of 2099 and rejects 2100-01-01T00:00:00Z', () => {
    expect(decodeOrder(record({ timestamp: 4_102_444_799.999 }))).toEqual(accepted({ eventMs: YEAR_2100_MS - 1 }));
    expect(decodeOrder(record({ timestamp: 4_102_444_800 }))).toEqual(
      rejected('timestamp 4102444800 is outside 2000-01-01..2100-01-01'),
    );
  });

  it('never accepts a record whose event time rounds to 2100-01-01T00:00:00.000Z', () => {
    // 4102444799.9996 s is 4102444799999.6 ms: its event time (rounded to the ms, §2) is 2100-01-01,
    // the excluded bound of the accepted range.
    const d = decodeOrder(record({ timestamp: 4_102_444_799.9996 }));
    expect(d).toEqual(rejected('timestamp 4102444799.9996 is outside 2000-01-01..2100-01-01'));
  });

  it('hints at milliseconds when the value would be a valid time in milliseconds', () => {
    const hint = ' (looks like epoch milliseconds; epoch seconds are expected)';
    expect(decodeOrder(record({ timestamp: 1_700_000_000_000 }))).toEqual(
      rejected(`timestamp 1700000000000 is outside 2000-01-01..2100-01-01${hint}`),
    );
    expect(decodeOrder(record({ timestamp: 946_684_800_000 }))).toEqual(
      rejected(`timestamp 946684800000 is outside 2000-01-01..2100-01-01${hint}`),
    );
    expect(decodeOrder(record({ timestamp: 4_102_444_799_999 }))).toEqual(
      rejected(`timestamp 4102444799999 is outside 2000-01-01..2100-01-01${hint}`),
    );
  });

  it('gives no milliseconds hint outside the millisecond range of 2000..2100', () => {
    expect(decodeOrder(record({ timestamp: 946_684_799_999 }))).toEqual(
      rejected('timestamp 946684799999 is outside 2000-01-01..2100-01-01'),
    );
    expect(decodeOrder(record({ timestamp: 4_102_444_800_000 }))).toEqual(
      rejected('timestamp 4102444800000 is outside 2000-01-01..2100-01-01'),
    );
    expect(decodeOrder(record({ timestamp: 0 }))).toEqual(rejected('timestamp 0 is outside 2000-01-01..2100-01-01'));
    expect(decodeOrder(record({ timestamp: -1 }))).toEqual(rejected('timestamp -1 is outside 2000-01-01..2100-01-01'));
  });

  it('rejects a timestamp that is not a finite number', () => {
    expect(decodeOrder(withRaw('timestamp', '1e400'))).toEqual(rejected('timestamp is not finite: Infinity'));
    expect(decodeOrder(record({ timestamp: '1700000000' }))).toEqual(
      rejected('field "timestamp" must be a number (epoch seconds), got string "1700000000"'),
    );
    expect(decodeOrder(record({ timestamp: '2023-11-14T22:13:20Z' }))).toEqual(
      rejected('field "timestamp" must be a number (epoch seconds), got string "2023-11-14T22:13:20Z"'),
    );
  });

  it('keeps every accepted event time within [2000-01-01, 2100-01-01) in whole milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: YEAR_2000_MS, max: YEAR_2100_MS - 1 }), (ms) => {
        const text = `${Math.trunc(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
        expect(decodeOrder(withRaw('timestamp', text))).toEqual(accepted({ eventMs: ms }));
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });
});

describe('ordersJob', () => {
  it('declares the defaults of ARCHITECTURE §4: tumbling 1 min, watermark 10 s, update mode', () => {
    expect(ordersJob.name).toBe('orders');
    expect(ordersJob.defaults).toMatchObject({
      window: { kind: 'fixed', lengthMs: 60_000, slideMs: 60_000 },
      watermarkMs: 10_000,
      outputMode: 'update',
    });
  });

  it('writes table agg_order_window with the documented columns, keyed by window_start and rowkey', () => {
    expect(aggOrderWindowTable.name).toBe('agg_order_window');
    expect(aggOrderWindowTable.primaryKey).toEqual(['window_start', 'rowkey']);
    expect(aggOrderWindowTable.columns.map((c) => [c.name, c.type])).toEqual([
      ['rowkey', { kind: 'text', maxLength: 32, fixedLength: true }],
      ['window_start', { kind: 'instant' }],
      ['window_end', { kind: 'instant' }],
      ['region', { kind: 'text', maxLength: 16 }],
      ['shop_id', { kind: 'integer', bits: 64 }],
      ['item_id', { kind: 'integer', bits: 64 }],
      ['total_expenditure', { kind: 'decimal', precision: 20, scale: 2 }],
      ['total_items_sold', { kind: 'integer', bits: 64 }],
      ['total_orders', { kind: 'integer', bits: 64 }],
      ['first_event_at', { kind: 'instant' }],
      ['last_event_at', { kind: 'instant' }],
      ['updated_at', { kind: 'writtenAt' }],
    ]);
  });

  it('groups by region, shop and item, takes the event time and de-duplicates by orderid', () => {
    expect(ordersJob.groupKey(BASE_ORDER)).toBe('TW|7|42');
    expect(ordersJob.groupFields(BASE_ORDER)).toEqual({ region: 'TW', shopid: 7, itemid: 42 });
    expect(ordersJob.eventTimeMs(BASE_ORDER)).toBe(1_700_000_000_500);
    expect(ordersJob.dedupe?.field).toBe('orderid');
    expect(ordersJob.dedupe?.id(BASE_ORDER)).toBe(1001);
  });

  it('totals price × count exactly in cents: 0.29 × 3 is 87 cents', () => {
    const row = rowOf([decodeOk(record({ price: 0.29, count: 3 }))], 1_699_999_980_000, 1_700_000_040_000);
    expect(row.values['total_expenditure']).toBe(87);
  });

  it('renders a row with the exact window, group, totals and first/last event times', () => {
    const orders = [
      decodeOk(record({ orderid: 1, price: 0.29, count: 3, timestamp: 1_700_000_000.5 })),
      decodeOk(record({ orderid: 2, price: 19.99, count: 2, timestamp: 1_699_999_990.123 })),
      decodeOk(record({ orderid: 3, price: 100, count: 1, timestamp: 1_700_000_039.999 })),
    ];
    const row = rowOf(orders, 1_699_999_980_000, 1_700_000_040_000);
    // printf '1699999980000|1700000040000|TW|7|42' | md5sum
    const key = '506d7ff6ed8fd9a263ab8c0d52747fa5';
    expect(row).toEqual({
      key: `1699999980000|${key}`,
      finalAtMs: 1_700_000_040_000,
      values: {
        rowkey: key,
        window_start: 1_699_999_980_000,
        window_end: 1_700_000_040_000,
        region: 'TW',
        shop_id: 7,
        item_id: 42,
        total_expenditure: 87 + 3_998 + 10_000,
        total_items_sold: 6,
        total_orders: 3,
        first_event_at: 1_699_999_990_123,
        last_event_at: 1_700_000_039_999,
      },
    });
  });

  it('switches the expenditure to an exact bigint once it passes 2^53 - 1 cents', () => {
    // 100 000 000 000.00 × 800 = 8 000 000 000 000 000 cents each; two of them pass 2^53 ≈ 9.007e15.
    const big = (orderid: number): Order =>
      decodeOk(withRawFields({ orderid: String(orderid), price: '100000000000', count: '800' }));
    const row = rowOf(
      [big(1), big(2), decodeOk(record({ orderid: 3, price: 0.01, count: 1 }))],
      1_699_999_980_000,
      1_700_000_040_000,
    );
    expect(row.values['total_expenditure']).toBe(16_000_000_000_000_001n);
    expect(row.values['total_items_sold']).toBe(1_601);
    expect(row.values['total_orders']).toBe(3);
  });

  it('totals many orders exactly, equal to a BigInt computation, also past 2^53 cents', () => {
    const order = fc.record({
      cents: fc.integer({ min: 0, max: 1_000_000_000_000 }),
      count: fc.integer({ min: 1, max: 8_000 }),
      second: fc.integer({ min: 0, max: 59_999 }),
    });
    fc.assert(
      fc.property(fc.array(order, { minLength: 1, maxLength: 60 }), fc.nat(), (specs, cut) => {
        const orders = specs.map((s, i) =>
          decodeOk(
            withRawFields({
              orderid: String(i),
              price: centsText(s.cents),
              count: String(s.count),
              timestamp: `${1_699_999_980 + Math.trunc(s.second / 1000)}.${String(s.second % 1000).padStart(3, '0')}`,
            }),
          ),
        );
        let cents = 0n;
        let items = 0n;
        for (const s of specs) {
          cents += BigInt(s.cents) * BigInt(s.count);
          items += BigInt(s.count);
        }
        const exact = (v: bigint): number | bigint => (v <= BigInt(MAX) ? Number(v) : v);
        const seconds = specs.map((s) => s.second);
        const expected = {
          total_expenditure: exact(cents),
          total_items_sold: exact(items),
          total_orders: specs.length,
          first_event_at: 1_699_999_980_000 + Math.min(...seconds),
          last_event_at: 1_699_999_980_000 + Math.max(...seconds),
        };
        const row = rowOf(orders, 1_699_999_980_000, 1_700_000_040_000);
        expect(row.values).toMatchObject(expected);

        // The same orders split into two partial accumulators and merged.
        const c = ordersJob.combiner;
        const k = cut % (orders.length + 1);
        let a = c.create();
        let b = c.create();
        orders.forEach((o, i) => {
          if (i < k) a = c.add(a, o);
          else b = c.add(b, o);
        });
        const g = ordersJob.groupFields(BASE_ORDER);
        const w = { startMs: 1_699_999_980_000, endMs: 1_700_000_040_000 };
        expect(ordersJob.toRow(w, g, c.merge(a, b), 'k').values).toMatchObject(expected);
      }),
      { numRuns: propertyRuns(300) },
    );
  });
});

describe('orderRowKey', () => {
  it('is the md5 of "start|end|region|shopid|itemid" in epoch milliseconds', () => {
    expect(orderRowKey(1_699_999_980_000, 1_700_000_040_000, { region: 'TW', shopid: 7, itemid: 42 })).toBe(
      '506d7ff6ed8fd9a263ab8c0d52747fa5',
    );
  });

  it('is the job row key of a window and group, after the window start', () => {
    expect(ordersJob.rowKey({ startMs: 0, endMs: 60_000 }, { region: 'SG', shopid: 1, itemid: 2 })).toBe(
      `0|${nodeMd5('0|60000|SG|1|2')}`,
    );
  });

  it('is 32 lowercase hex characters equal to node:crypto md5 of its UTF-8 input', () => {
    const region = fc.string({ unit: 'binary', minLength: 1, maxLength: 16 });
    const id = fc.integer({ min: 0, max: MAX });
    fc.assert(
      fc.property(
        fc.integer({ min: -1e13, max: 1e13 }),
        fc.integer({ min: 1, max: 3_600_000 }),
        region,
        id,
        id,
        (start, len, r, shop, item) => {
          const key = orderRowKey(start, start + len, { region: r, shopid: shop, itemid: item });
          expect(key).toMatch(/^[0-9a-f]{32}$/);
          expect(key).toBe(nodeMd5(`${start}|${start + len}|${r}|${shop}|${item}`));
        },
      ),
      { numRuns: propertyRuns(500) },
    );
  });
});
