import { decodeOrder } from '../../../src/domain/jobs/orders.job';
import {
  createRng,
  generateOrders,
  type GeneratedRecord,
  type OrderGeneratorOptions,
} from '../../../src/domain/jobs/orders.generator';

const START_MS = 1_700_000_000_000;
const KEYS = ['orderid', 'itemid', 'shopid', 'region', 'count', 'price', 'timestamp'];
const WEIGHTS: Readonly<Record<string, number>> = { TW: 6, ID: 5, TH: 2, SG: 1, VN: 1, MY: 1, PH: 1 };

interface ParsedOrder {
  orderid: number;
  itemid: number;
  shopid: number;
  region: string;
  count: number;
  price: number;
  timestamp: number;
}

function generate(overrides: Partial<OrderGeneratorOptions> = {}): GeneratedRecord[] {
  return [
    ...generateOrders({
      count: 2_000,
      seed: 7,
      startMs: START_MS,
      ordersPerSecond: 1_000,
      faultShare: 0.01,
      ...overrides,
    }),
  ];
}

function parse(line: string): ParsedOrder {
  return JSON.parse(line) as ParsedOrder;
}

/** Event time in ms as the orders job reads it. */
function eventMs(line: string): number {
  return Math.round(parse(line).timestamp * 1000);
}

/** Names the fault in a malformed line from the orders job's rejection; undefined if unexpected. */
function malformedKind(line: string, detail: string): string | undefined {
  if (detail.startsWith('not valid JSON')) return line.startsWith('{"orderid":') ? 'truncated' : 'garbage';
  const kinds: ReadonlyArray<readonly [RegExp, string]> = [
    [/not a JSON object/, 'not an object'],
    [/^missing field "\w+"$/, 'missing field'],
    [/^price has more than 2 decimals/, 'price decimals'],
    [/^field "count" must be a positive integer, got -\d+$/, 'negative count'],
    [/^field "count" must be a positive integer, got string/, 'count as string'],
    [/^region is empty$/, 'empty region'],
    [/^region has \d+ characters/, 'long region'],
    [/looks like epoch milliseconds/, 'timestamp in ms'],
  ];
  return kinds.find(([pattern]) => pattern.test(detail))?.[1];
}

describe('createRng', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = createRng(123);
    const b = createRng(123);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Array.from({ length: 10 }, createRng(124))).not.toEqual(xs.slice(0, 10));
  });
});

describe('generateOrders', () => {
  it('gives identical lines for the same seed and different lines for another seed', () => {
    const opts = { count: 5_000, faultShare: 0.05 };
    const first = generate({ ...opts, seed: 1 }).map((r) => r.line);
    expect(generate({ ...opts, seed: 1 }).map((r) => r.line)).toEqual(first);
    const other = generate({ ...opts, seed: 2 }).map((r) => r.line);
    expect(other).toHaveLength(first.length);
    expect(other.filter((line, i) => line === first[i]).length).toBeLessThan(10);
  });

  it('produces exactly count lines', () => {
    for (const count of [0, 1, 2, 999, 12_345]) {
      expect(generate({ count, faultShare: 0.5 })).toHaveLength(count);
    }
  });

  it('rejects bad options when called', () => {
    expect(() => generateOrders({ count: -1, seed: 1, startMs: START_MS, ordersPerSecond: 1, faultShare: 0 })).toThrow(
      /count/,
    );
    expect(() => generateOrders({ count: 1, seed: 1, startMs: START_MS, ordersPerSecond: 0, faultShare: 0 })).toThrow(
      /ordersPerSecond/,
    );
    expect(() => generateOrders({ count: 1, seed: 1, startMs: START_MS, ordersPerSecond: 1, faultShare: 1.5 })).toThrow(
      /faultShare/,
    );
  });

  it('writes valid orders with the exact keys, types and ranges, and a fixed shop and price per item', () => {
    const records = generate({ count: 50_000, faultShare: 0.03 });
    const shopOf = new Map<number, number>();
    const priceOf = new Map<number, number>();
    const problems: string[] = [];
    const check = (ok: boolean, what: string, line: string): void => {
      if (!ok && problems.length < 10) problems.push(`${what}: ${line}`);
    };
    let lastId = 0;
    let validCount = 0;
    for (const r of records) {
      if (r.kind === 'malformed') continue;
      const o = parse(r.line);
      check(Object.keys(o).join() === KEYS.join(), 'keys', r.line);
      check(Number.isSafeInteger(o.orderid), 'orderid', r.line);
      check(Number.isInteger(o.itemid) && o.itemid >= 100_000 && o.itemid <= 129_999, 'itemid', r.line);
      check(Number.isInteger(o.shopid) && o.shopid >= 100_000 && o.shopid <= 101_199, 'shopid', r.line);
      check(o.region in WEIGHTS, 'region', r.line);
      check(Number.isInteger(o.count) && o.count >= 1 && o.count <= 100, 'count', r.line);
      check(typeof o.price === 'number' && o.price >= 0.01 && o.price <= 100, 'price range', r.line);
      check(Math.round(o.price * 100) / 100 === o.price, 'price decimals', r.line);
      check(
        typeof o.timestamp === 'number' && Math.round(o.timestamp * 1000) / 1000 === o.timestamp,
        'timestamp',
        r.line,
      );
      // Shortest number forms, as JSON.stringify prints them.
      check(r.line === JSON.stringify(o), 'shortest form', r.line);
      check(decodeOrder(r.line).ok, 'accepted by the orders job', r.line);
      check((shopOf.get(o.itemid) ?? o.shopid) === o.shopid, 'fixed shop', r.line);
      check((priceOf.get(o.itemid) ?? o.price) === o.price, 'fixed price', r.line);
      shopOf.set(o.itemid, o.shopid);
      priceOf.set(o.itemid, o.price);

      if (r.kind === 'duplicate') continue;
      check(lastId !== 0 || o.orderid === 1_000_000_000_000, 'first orderid', r.line);
      check(o.orderid > lastId, 'increasing orderid', r.line);
      lastId = o.orderid;
      if (r.kind === 'valid') validCount++;
    }
    expect(problems).toEqual([]);
    expect(validCount).toBeGreaterThan(47_000);
    // 50,000 orders over 30,000 items: many items repeat, so the fixed-mapping checks did bite.
    expect(shopOf.size).toBeLessThan(30_000);
    expect(new Set(priceOf.values()).size).toBeGreaterThan(1_000);
  });

  it('derives the catalogue from the seed alone', () => {
    const catalogue = (records: GeneratedRecord[]): Map<number, string> =>
      new Map(
        records
          .filter((r) => r.kind === 'valid')
          .map((r) => parse(r.line))
          .map((o) => [o.itemid, `${o.shopid}/${o.price}`]),
      );
    const a = catalogue(generate({ count: 20_000, seed: 5, ordersPerSecond: 10, faultShare: 0 }));
    const b = catalogue(generate({ count: 20_000, seed: 5, ordersPerSecond: 3_000, faultShare: 0.2 }));
    const common = [...a.keys()].filter((item) => b.has(item));
    expect(common.length).toBeGreaterThan(1_000);
    expect(common.every((item) => a.get(item) === b.get(item))).toBe(true);
  });

  it('weights regions 6:5:2:1:1:1:1 over 100,000 orders', () => {
    const seen = new Map<string, number>();
    for (const r of generate({ count: 100_000, faultShare: 0 })) {
      const { region } = parse(r.line);
      seen.set(region, (seen.get(region) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(Object.keys(WEIGHTS).sort());
    for (const [region, weight] of Object.entries(WEIGHTS)) {
      const expected = (100_000 * weight) / 17;
      expect(Math.abs((seen.get(region) ?? 0) / expected - 1)).toBeLessThan(0.05);
    }
  });

  it('starts at startMs and advances event time at the rate, out of order by at most the jitter', () => {
    const records = generate({ count: 20_000, faultShare: 0, ordersPerSecond: 250 });
    expect(parse(records[0].line).timestamp).toBe(START_MS / 1000);
    let maxSeen = -Infinity;
    let outOfOrder = 0;
    const problems: string[] = [];
    records.forEach((r, i) => {
      const ms = eventMs(r.line);
      if (Math.abs(ms - (START_MS + i * 4)) > 2_000) problems.push(`off its nominal time: ${r.line}`);
      // Never behind the 10 s default watermark: with ±2 s of jitter, at most 4 s behind the max.
      if (ms < maxSeen - 4_000) problems.push(`too far behind ${maxSeen}: ${r.line}`);
      if (ms < maxSeen) outOfOrder++;
      maxSeen = Math.max(maxSeen, ms);
    });
    expect(problems).toEqual([]);
    expect(outOfOrder).toBeGreaterThan(1_000);
    expect(records.some((r) => !Number.isInteger(parse(r.line).timestamp))).toBe(true);
  });

  describe('with faultShare 0.03 over 30,000 lines', () => {
    const records = generate({ count: 30_000, faultShare: 0.03, seed: 11 });

    it('has each fault kind, in all about 900 lines, in about equal thirds', () => {
      const byKind = new Map<string, number>();
      for (const r of records) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
      const faults = records.length - (byKind.get('valid') ?? 0);
      expect(Math.abs(faults - 900)).toBeLessThan(135);
      for (const kind of ['late', 'duplicate', 'malformed']) {
        expect(byKind.get(kind) ?? 0).toBeGreaterThan(200);
        expect(byKind.get(kind) ?? 0).toBeLessThan(400);
      }
    });

    it('re-emits a duplicate byte for byte from one of the last ~50 valid lines', () => {
      const validLines: string[] = [];
      let duplicates = 0;
      for (const r of records) {
        if (r.kind === 'valid') validLines.push(r.line);
        if (r.kind !== 'duplicate') continue;
        duplicates++;
        expect(validLines.slice(-50)).toContain(r.line);
      }
      expect(duplicates).toBeGreaterThan(0);
    });

    it('puts late records 2 to 5 minutes behind the max timestamp seen before them', () => {
      let maxSeen = -Infinity;
      let late = 0;
      for (const r of records) {
        if (r.kind === 'malformed') continue;
        const ms = eventMs(r.line);
        if (r.kind === 'late') {
          late++;
          expect(maxSeen - ms).toBeGreaterThanOrEqual(120_000);
          expect(maxSeen - ms).toBeLessThanOrEqual(305_000);
        }
        maxSeen = Math.max(maxSeen, ms);
      }
      expect(late).toBeGreaterThan(0);
    });

    it('gives new order ids to late records, and the first line is a valid order', () => {
      expect(records[0].kind).toBe('valid');
      const ids = records.filter((r) => r.kind === 'valid' || r.kind === 'late').map((r) => parse(r.line).orderid);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('writes malformed lines of every kind, each rejected by the orders job', () => {
      const kinds = new Set<string>();
      const problems: string[] = [];
      for (const r of records) {
        if (r.kind !== 'malformed') continue;
        const decoded = decodeOrder(r.line);
        const kind = decoded.ok ? undefined : malformedKind(r.line, decoded.detail);
        if (kind === undefined || r.line.trim() === '' || r.line.includes('\n')) problems.push(r.line);
        else kinds.add(kind);
      }
      expect(problems).toEqual([]);
      expect([...kinds].sort()).toEqual(
        [
          'truncated',
          'garbage',
          'not an object',
          'missing field',
          'price decimals',
          'negative count',
          'count as string',
          'empty region',
          'long region',
          'timestamp in ms',
        ].sort(),
      );
    });
  });

  it('duplicates only orders still inside the watermark, even at a slow rate', () => {
    let maxSeen = -Infinity;
    let duplicates = 0;
    for (const r of generate({ count: 20_000, faultShare: 0.3, ordersPerSecond: 1 })) {
      if (r.kind === 'malformed') continue;
      const ms = eventMs(r.line);
      if (r.kind === 'duplicate') {
        duplicates++;
        expect(ms).toBeGreaterThan(maxSeen - 10_000);
      }
      maxSeen = Math.max(maxSeen, ms);
    }
    expect(duplicates).toBeGreaterThan(500);
  });
});
