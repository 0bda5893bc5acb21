import fc from 'fast-check';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import type { OutputMode } from '../../../src/domain/engine/output-mode';
import type { AnyJob } from '../../../src/domain/jobs/job';
import { quoteTimeMs } from '../../../src/domain/jobs/quote-time';
import { generateQuotes } from '../../../src/domain/jobs/top-price.generator';
import { decodeQuote, topPriceJob } from '../../../src/domain/jobs/top-price.job';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import { ordersSettings } from '../../support/orders-pipeline';
import { referenceTopPrice, type TopPriceReferenceRow } from '../../support/reference-top-price';
import { propertyRuns } from '../../support/property-runs';

const T0 = Date.UTC(2025, 0, 1);
const FIVE_MIN = 300_000;

async function run(
  partitions: Map<number, string[]>,
  opts: { mode?: OutputMode; batch?: number; trigger?: number } = {},
): Promise<MemorySink> {
  const sink = new MemorySink();
  const settings = ordersSettings({
    job: topPriceJob as AnyJob,
    window: { kind: 'fixed', lengthMs: FIVE_MIN, slideMs: FIVE_MIN },
    watermarkMs: 30_000,
    outputMode: opts.mode ?? 'append',
    triggerRecords: opts.trigger ?? 1_000,
  });
  const source = new MemorySource({ partitions, ...(opts.batch !== undefined ? { batchSizes: [opts.batch] } : {}) });
  await new StreamPipeline(source, sink, new ManualClock(0, 0), new MemoryLogger(), settings).run();
  return sink;
}

describe('quote times', () => {
  it('reads epoch milliseconds, epoch seconds (fractional) and ISO-8601, UTC without a zone', () => {
    const ms = T0 + 1_500;
    expect(
      [
        ms,
        ms / 1000,
        '2025-01-01T00:00:01.5Z',
        '2025-01-01 00:00:01.500',
        '2025-01-01T01:00:01.500+01:00',
        ms + 0.4,
        (ms + 0.4) / 1000,
      ].map((ts) => quoteTimeMs(ts)),
    ).toEqual([ms, ms, ms, ms, ms, ms, ms]);
  });

  it.each<[unknown, string]>([
    [undefined, 'missing field "ts"'],
    [null, 'field "ts" must be epoch seconds, epoch milliseconds or an ISO-8601 time, got null'],
    [true, 'field "ts" must be epoch seconds, epoch milliseconds or an ISO-8601 time, got boolean'],
    [12, 'ts 12 is outside 2000-01-01..2100-01-01 as epoch seconds and as epoch milliseconds'],
    [
      4_102_444_800_000,
      'ts 4102444800000 is outside 2000-01-01..2100-01-01 as epoch seconds and as epoch milliseconds',
    ],
    ['yesterday', 'field "ts" must be epoch seconds, epoch milliseconds or an ISO-8601 time, got "yesterday"'],
    ['2025-02-30 00:00:00', 'field "ts" is not a valid time: "2025-02-30 00:00:00"'],
    ['2025-01-01T24:00:00Z', 'field "ts" is not a valid time: "2025-01-01T24:00:00Z"'],
    ['1999-12-31T23:59:59.999Z', 'ts "1999-12-31T23:59:59.999Z" is outside 2000-01-01..2100-01-01'],
  ])('rejects ts %p with a reason', (ts, detail) => {
    expect(quoteTimeMs(ts)).toBe(detail);
  });
});

describe('top-price: decoding', () => {
  it('reads a quote', () => {
    expect(decodeQuote('{"symbol":"MSFT","price":213.28,"ts":1735689600}')).toEqual({
      ok: true,
      event: { symbol: 'MSFT', price: 213.28, eventMs: T0 },
    });
  });

  it('reads the IEX batch-quote shape, price as a number or a string, time from latestUpdate', () => {
    const event = { symbol: 'XOM', price: 82.47, eventMs: T0 };
    expect(
      decodeQuote(
        `{"XOM":{"quote":{"symbol":"XOM","companyName":"Corp Ltd","latestPrice":"82.47","latestUpdate":${T0}}}}`,
      ),
    ).toEqual({ ok: true, event });
    expect(decodeQuote(`{"XOM":{"quote":{"symbol":"XOM","latestPrice":82.47,"latestUpdate":${T0}}}}`)).toEqual({
      ok: true,
      event,
    });
  });

  it.each([
    [
      '{"XOM":{"quote":{"symbol":"XOM","latestPrice":57}}}',
      'IEX quote of XOM has no "latestUpdate" and the record no arrival time (give --arrival-time for files)',
    ],
    [
      '{"XOM":{"quote":{"symbol":"XOM","latestPrice":"n/a","latestUpdate":1735689600000}}}',
      'field "latestPrice" must be a number or a numeric string, got string "n/a"',
    ],
    [
      '{"XOM":{"quote":{"symbol":"XOM","latestPrice":57,"latestUpdate":"soon"}}}',
      'field "latestUpdate" must be epoch seconds, epoch milliseconds or an ISO-8601 time, got "soon"',
    ],
    [
      '{"XOM":{"quote":{"symbol":"IBM","latestPrice":57,"latestUpdate":1735689600000}}}',
      'IEX entry "XOM" holds a quote for "IBM"',
    ],
  ])('rejects the IEX quote %j with a reason', (line, detail) => {
    expect(decodeQuote(line)).toEqual({ ok: false, detail });
  });

  it.each([
    ['{"symbol":"MSFT","price":213.28', 'not valid JSON: '],
    ['[1,2]', 'record is not a JSON object'],
    ['{"price":1,"ts":1735689600}', 'missing field "symbol"'],
    ['{"symbol":"","price":1,"ts":1735689600}', 'symbol is empty'],
    ['{"symbol":"ABCDEFGHIJKLMNOPQ","price":1,"ts":1735689600}', 'symbol has 17 characters, at most 16 allowed'],
    ['{"symbol":7,"price":1,"ts":1735689600}', 'field "symbol" must be a string, got 7'],
    ['{"symbol":"MSFT","ts":1735689600}', 'missing field "price"'],
    ['{"symbol":"MSFT","price":"213.28","ts":1735689600}', 'field "price" must be a number, got string "213.28"'],
    ['{"symbol":"MSFT","price":-1,"ts":1735689600}', 'price must be a number from 0 to 1000000000, got -1'],
    ['{"symbol":"MSFT","price":1}', 'missing field "ts"'],
    [
      '{"symbol":"MSFT","price":1,"ts":"2025-13-01T00:00:00Z"}',
      'field "ts" is not a valid time: "2025-13-01T00:00:00Z"',
    ],
  ])('rejects %j with a reason', (line, detail) => {
    const decoded = decodeQuote(line);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok)
      expect(decoded.detail.startsWith(detail) && (detail.endsWith(': ') || decoded.detail === detail)).toBe(true);
  });

  it('takes the symbol of an IEX quote without one from its key, and the time of one without latestUpdate from its arrival', () => {
    expect(decodeQuote('{"XOM":{"quote":{"latestPrice":57,"latestUpdate":1735689600000}}}')).toEqual({
      ok: true,
      event: { symbol: 'XOM', price: 57, eventMs: T0 },
    });
    expect(decodeQuote('{"XOM":{"quote":{"latestPrice":57}}}', T0 + 5)).toEqual({
      ok: true,
      event: { symbol: 'XOM', price: 57, eventMs: T0 + 5 },
    });
  });

  it('dead-letters a bad quote with its reason and keeps going', async () => {
    const sink = await run(
      new Map([[0, ['{"symbol":"MSFT","price":"x","ts":1735689600}', '{"symbol":"MSFT","price":2,"ts":1735689600}']]]),
    );
    expect(sink.deadLetters).toEqual([
      {
        reason: 'invalid',
        detail: 'field "price" must be a number, got string "x"',
        raw: '{"symbol":"MSFT","price":"x","ts":1735689600}',
        partition: 0,
        position: 0,
      },
    ]);
    expect([...sink.table.values()].map((r) => r.values)).toEqual([
      { window_end: T0 + FIVE_MIN, symbol: 'MSFT', price: 2 },
    ]);
  });
});

describe('top-price: windows', () => {
  it('keeps the highest price per 5-minute window, ties to the first symbol, whatever the arrival order', async () => {
    const q = (symbol: string, price: number, s: number): string =>
      JSON.stringify({ symbol, price, ts: T0 + s * 1000 });
    const lines = [
      q('TSLA', 10, 1),
      q('AAPL', 12, 5),
      q('MSFT', 12, 9),
      q('AMZN', 11, 299),
      q('GOOG', 3, 300),
      q('META', 3, 301),
    ];
    for (const order of [lines, [...lines].reverse()]) {
      const sink = await run(new Map([[0, order]]));
      expect(
        [...sink.table.values()].map((r) => r.values).sort((a, b) => Number(a.window_end) - Number(b.window_end)),
      ).toEqual([
        { window_end: T0 + FIVE_MIN, symbol: 'AAPL', price: 12 },
        { window_end: T0 + 2 * FIVE_MIN, symbol: 'GOOG', price: 3 },
      ]);
    }
  });

  it('drops a quote whose window closed as late, naming the watermark', async () => {
    const late = JSON.stringify({ symbol: 'AAPL', price: 99, ts: T0 + 10_000 });
    const sink = await run(
      new Map([[0, [JSON.stringify({ symbol: 'MSFT', price: 1, ts: T0 + FIVE_MIN + 30_000 }), late]]]),
    );
    expect(sink.deadLetters.map((d) => [d.reason, d.detail])).toEqual([
      [
        'late',
        'event time 2025-01-01T00:00:10.000Z is behind watermark 2025-01-01T00:05:00.000Z of partition 0: window [2025-01-01T00:00:00.000Z, 2025-01-01T00:05:00.000Z) is closed',
      ],
    ]);
    expect([...sink.table.values()].map((r) => r.values.symbol)).toEqual(['MSFT']);
  });

  it('ends with the reference table and dead letters in every output mode, whatever the batches (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 10_000 }),
          mode: fc.constantFrom<OutputMode>('append', 'update', 'complete'),
          batch: fc.integer({ min: 1, max: 300 }),
          trigger: fc.integer({ min: 1, max: 500 }),
        }),
        async ({ seed, mode, batch, trigger }) => {
          const data = new Map<number, string[]>([
            [0, []],
            [1, []],
            [2, []],
          ]);
          for (const { line } of generateQuotes({
            count: 1_500,
            seed,
            startMs: T0,
            quotesPerSecond: 1,
            faultShare: 0.08,
          })) {
            const symbol = /"symbol":"([A-Z]+)"/.exec(line)?.[1] ?? '';
            (data.get(symbol.length % 3) as string[]).push(line);
          }
          const sink = await run(data, { mode, batch, trigger });
          const expected = referenceTopPrice(data, { windowMs: FIVE_MIN, watermarkMs: 30_000 });
          const actual = new Map<string, TopPriceReferenceRow>(
            [...sink.table.values()].map((r) => {
              const end = new Date(Number(r.values.window_end)).toISOString();
              return [end, { window_end: end, symbol: String(r.values.symbol), price: Number(r.values.price) }];
            }),
          );
          expect(actual).toEqual(expected.rows);
          expect(sink.deadLetters.map((x) => `${x.reason}@${x.partition}:${x.position}`).sort()).toEqual(
            [...expected.dead].sort(),
          );
          expect(expected.rows.size).toBeGreaterThanOrEqual(5);
          expect(expected.dead.some((d) => d.startsWith('late'))).toBe(true);
        },
      ),
      { numRuns: propertyRuns(25) },
    );
  });

  it('generates the same bytes for the same seed, every ts form, and late and malformed lines', () => {
    const lines = (seed: number): string[] =>
      [...generateQuotes({ count: 600, seed, startMs: T0, quotesPerSecond: 1, faultShare: 0.1 })].map((r) => r.line);
    expect(lines(7)).toEqual(lines(7));
    expect(lines(7)).not.toEqual(lines(8));
    const kinds = new Set(
      [...generateQuotes({ count: 600, seed: 7, startMs: T0, quotesPerSecond: 1, faultShare: 0.1 })].map((r) => r.kind),
    );
    expect([...kinds].sort()).toEqual(['late', 'malformed', 'valid']);
    expect(
      lines(7)
        .slice(0, 3)
        .map((l) => typeof (JSON.parse(l) as { ts: unknown }).ts),
    ).toEqual(['number', 'number', 'string']);
  });
});
