import fc from 'fast-check';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import type { OutputMode } from '../../../src/domain/engine/output-mode';
import type { AnyJob } from '../../../src/domain/jobs/job';
import { generatePrices } from '../../../src/domain/jobs/price-stats.generator';
import { decodePriceTick, GLOBAL_WINDOW_MS, priceStatsJob } from '../../../src/domain/jobs/price-stats.job';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import type { ResultRow } from '../../../src/domain/records';
import { ordersSettings } from '../../support/orders-pipeline';
import { referencePriceStats, type PriceStatsReferenceRow } from '../../support/reference-price-stats';
import { propertyRuns } from '../../support/property-runs';

const T0 = Date.UTC(2025, 0, 1);

async function run(
  partitions: Map<number, string[]>,
  opts: { mode?: OutputMode; batch?: number; trigger?: number } = {},
): Promise<MemorySink> {
  const sink = new MemorySink();
  const settings = ordersSettings({
    job: priceStatsJob as AnyJob,
    window: { kind: 'fixed', lengthMs: GLOBAL_WINDOW_MS, slideMs: GLOBAL_WINDOW_MS },
    watermarkMs: 0,
    outputMode: opts.mode ?? 'complete',
    triggerRecords: opts.trigger ?? 1_000,
  });
  const source = new MemorySource({ partitions, ...(opts.batch !== undefined ? { batchSizes: [opts.batch] } : {}) });
  await new StreamPipeline(source, sink, new ManualClock(0, 0), new MemoryLogger(), settings).run();
  return sink;
}

function asReference(row: ResultRow): PriceStatsReferenceRow {
  const v = row.values;
  return {
    symbol: String(v.symbol),
    count: Number(v.price_count),
    min: Number(v.min_price),
    max: Number(v.max_price),
    mean: Number(v.mean_price),
    stddev: Number(v.stddev_price),
    outliers: JSON.parse(String(v.outliers)) as Array<{ ts: string; price: number }>,
  };
}

/** Means and deviations from exact sums and from the naive two passes agree to about 1e-13. */
function expectClose(actual: PriceStatsReferenceRow, expected: PriceStatsReferenceRow): void {
  expect({ ...actual, mean: 0, stddev: 0 }).toEqual({ ...expected, mean: 0, stddev: 0 });
  expect(Math.abs(actual.mean - expected.mean)).toBeLessThanOrEqual(1e-12 * Math.abs(expected.mean));
  expect(Math.abs(actual.stddev - expected.stddev)).toBeLessThanOrEqual(1e-9 * Math.max(expected.stddev, 1e-9));
}

describe('price-stats: decoding', () => {
  it('reads the exercise format, ts in UTC', () => {
    expect(decodePriceTick('{"ts":"2025-01-01 00:00:01.500","symbol":"AAPL","price":190.25}')).toEqual({
      ok: true,
      event: { symbol: 'AAPL', micros: 190_250_000, eventMs: T0 + 1_500 },
    });
  });

  it.each([
    ['{"ts":"2025-01-01 00:00:01.500","symbol":"AAPL"}', 'missing field "price"'],
    [
      '{"ts":"2025-01-01 00:00:01.500","symbol":"AAPL","price":"190.25"}',
      'field "price" must be a number, got string "190.25"',
    ],
    ['{"ts":"2025-01-01 00:00:01.500","symbol":"AAPL","price":-0.5}', 'price must be a finite number ≥ 0, got -0.5'],
    [
      '{"ts":"2025-01-01 00:00:01.500","symbol":"AAPL","price":1.0000001}',
      'price has more than 6 decimals or is too large to sum exactly: 1.0000001',
    ],
    ['{"ts":"2025-01-01 00:00:01.500","symbol":"","price":1}', 'symbol is empty'],
    [
      '{"ts":"2025-01-01/00:00:01.500","symbol":"AAPL","price":1}',
      'field "ts" must be epoch seconds, epoch milliseconds or an ISO-8601 time, got "2025-01-01/00:00:01.500"',
    ],
    ['{"symbol":"AAPL","price":1}', 'missing field "ts"'],
    ['"AAPL"', 'record is not a JSON object'],
  ])('rejects %j with a reason', (line, detail) => {
    expect(decodePriceTick(line)).toEqual({ ok: false, detail });
  });
});

describe('price-stats: global statistics', () => {
  it('computes count, min, max, mean, sample deviation and 3-sigma outliers per symbol', async () => {
    // 19 prices of 10 and one of 1000: mean 59.5; the deviation is computed naively below.
    const at = (i: number, symbol: string, price: number): string =>
      JSON.stringify({ ts: `2025-01-01 00:00:${String(i).padStart(2, '0')}.000`, symbol, price });
    const lines = [
      ...Array.from({ length: 19 }, (_, i) => at(i, 'AAPL', 10)),
      at(30, 'AAPL', 1000),
      at(40, 'MSFT', 5),
      '{"ts":"bad","symbol":"X","price":1}',
    ];
    const sink = await run(new Map([[0, lines]]));
    const prices = [...Array.from({ length: 19 }, () => 10), 1000];
    const mean = 59.5;
    const sd = Math.sqrt(prices.reduce((a, x) => a + (x - mean) ** 2, 0) / 19);
    const rows = new Map([...sink.table.values()].map((r) => [String(r.values.symbol), asReference(r)]));
    expectClose(rows.get('AAPL') as PriceStatsReferenceRow, {
      symbol: 'AAPL',
      count: 20,
      min: 10,
      max: 1000,
      mean,
      stddev: sd,
      outliers: [{ ts: '2025-01-01 00:00:30.000', price: 1000 }],
    });
    // One price: the sample deviation is undefined; the row holds 0 and no outliers.
    expect(rows.get('MSFT')).toEqual({ symbol: 'MSFT', count: 1, min: 5, max: 5, mean: 5, stddev: 0, outliers: [] });
    expect(sink.deadLetters.map((d) => [d.reason, d.detail])).toEqual([
      ['invalid', 'field "ts" must be epoch seconds, epoch milliseconds or an ISO-8601 time, got "bad"'],
    ]);
  });

  it('is one window spanning every valid time: nothing is late, however far apart the times', async () => {
    const lines = ['2099-12-31 23:59:59.999', '2000-01-01 00:00:00.000', '2050-06-01 12:00:00.000'].map((ts, i) =>
      JSON.stringify({ ts, symbol: 'AAPL', price: i + 1 }),
    );
    const sink = await run(new Map([[0, lines]]), { trigger: 1 });
    expect(sink.deadLetters).toEqual([]);
    expect(asReference([...sink.table.values()][0] as ResultRow)).toMatchObject({
      count: 3,
      min: 1,
      max: 3,
      mean: 2,
      stddev: 1,
    });
  });

  it('ends with the reference statistics in every output mode, whatever the batches and partitions (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 10_000 }),
          mode: fc.constantFrom<OutputMode>('complete', 'update', 'append'),
          batch: fc.integer({ min: 1, max: 700 }),
          trigger: fc.integer({ min: 1, max: 900 }),
        }),
        async ({ seed, mode, batch, trigger }) => {
          const data = new Map<number, string[]>([
            [0, []],
            [1, []],
            [2, []],
          ]);
          for (const { line } of generatePrices({
            count: 2_500,
            seed,
            startMs: T0,
            pricesPerSecond: 10,
            faultShare: 0.02,
          })) {
            const symbol = /"symbol":"([A-Z]*)"/.exec(line)?.[1] ?? '';
            (data.get(symbol.charCodeAt(1) % 3 || 0) as string[]).push(line);
          }
          const sink = await run(data, { mode, batch, trigger });
          const expected = referencePriceStats(data);
          expect([...sink.table.keys()].sort()).toEqual([...expected.rows.keys()].sort());
          for (const row of sink.table.values())
            expectClose(asReference(row), expected.rows.get(String(row.values.symbol)) as PriceStatsReferenceRow);
          expect(sink.deadLetters.map((d) => `${d.partition}:${d.position}`).sort()).toEqual(
            [...expected.invalid].sort(),
          );
          expect([...expected.rows.values()].reduce((n, r) => n + r.outliers.length, 0)).toBeGreaterThan(0);
        },
      ),
      { numRuns: propertyRuns(20) },
    );
  });

  it('generates exactly count well-formed messages by default shape, the same for the same seed, with outliers', () => {
    const lines = (seed: number, faultShare = 0): string[] =>
      [...generatePrices({ count: 5_000, seed, startMs: T0, pricesPerSecond: 10, faultShare })].map((r) => r.line);
    expect(lines(3)).toHaveLength(5_000);
    expect(lines(3)).toEqual(lines(3));
    expect(lines(3)).not.toEqual(lines(4));
    const reference = referencePriceStats(new Map([[0, lines(3)]]));
    expect(reference.messages).toBe(5_000);
    expect(reference.rows.size).toBe(5);
    for (const row of reference.rows.values()) expect(row.outliers.length).toBeGreaterThan(0);
    expect(referencePriceStats(new Map([[0, lines(3, 0.05)]])).invalid.length).toBeGreaterThan(0);
  });
});
