import fc from 'fast-check';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import type { OutputMode } from '../../../src/domain/engine/output-mode';
import type { AnyJob } from '../../../src/domain/jobs/job';
import { decodeQuotes } from '../../../src/domain/jobs/quotes';
import { generateQuotes } from '../../../src/domain/jobs/top-averages.generator';
import { topAveragesJob } from '../../../src/domain/jobs/top-averages.job';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import type { SourceBatch, SourcePort } from '../../../src/ports/source.port';
import { ordersSettings } from '../../support/orders-pipeline';
import { referenceTopAverages, type TopAverageReferenceRow } from '../../support/reference-top-averages';
import { propertyRuns } from '../../support/property-runs';

const T0 = Date.UTC(2025, 0, 1);
const settings = (
  overrides: { outputMode?: OutputMode; triggerRecords?: number } = {},
): ReturnType<typeof ordersSettings> =>
  ordersSettings({
    job: topAveragesJob as AnyJob,
    window: { kind: 'fixed', lengthMs: 900_000, slideMs: 10_000 },
    watermarkMs: 10_000,
    outputMode: overrides.outputMode ?? 'append',
    triggerRecords: overrides.triggerRecords ?? 1000,
  });

/** The memory source, with every record stamped with one arrival time (as `--arrival-time` does). */
class ArrivingSource implements SourcePort {
  constructor(
    private readonly inner: MemorySource,
    private readonly arrivalMs: number,
  ) {}
  open(from: ReadonlyMap<number, number>): Promise<readonly number[]> {
    return this.inner.open(from);
  }
  async poll(max: number): Promise<SourceBatch> {
    const b = await this.inner.poll(max);
    return { ...b, records: b.records.map((r) => ({ ...r, arrivalMs: this.arrivalMs })) };
  }
  acknowledge(p: ReadonlyMap<number, number>): Promise<void> {
    return this.inner.acknowledge(p);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

async function run(lines: readonly string[], arrivalMs?: number, mode: OutputMode = 'append'): Promise<MemorySink> {
  const sink = new MemorySink();
  const memory = new MemorySource({ partitions: new Map([[0, lines]]) });
  const source = arrivalMs === undefined ? memory : new ArrivingSource(memory, arrivalMs);
  await new StreamPipeline(
    source,
    sink,
    new ManualClock(0, 0),
    new MemoryLogger(),
    settings({ outputMode: mode }),
  ).run();
  return sink;
}

function rowsOf(sink: MemorySink): Map<string, TopAverageReferenceRow> {
  return new Map(
    [...sink.table.values()].map((r) => {
      const v = r.values;
      return [
        r.key,
        {
          window_end: Number(v.window_end),
          aggregation_type: Number(v.aggregation_type),
          rank: Number(v.rank),
          symbol: String(v.symbol),
          average: Number(v.average),
        },
      ];
    }),
  );
}

describe('top-averages: decoding quotes', () => {
  it('reads {symbol, price, ts} and IEX batch quotes (price as number or string, time from latestUpdate or arrival)', () => {
    expect(decodeQuotes('{"symbol":"XOM","price":57.5,"ts":1735689600000}')).toEqual({
      ok: true,
      events: [{ symbol: 'XOM', price: 57.5, eventMs: T0 }],
    });
    const iex =
      '{"XOM":{"quote":{"symbol":"XOM","latestPrice":"82.47","latestUpdate":1735689601000}},"IBM":{"quote":{"symbol":"IBM","latestPrice":58}}}';
    expect(decodeQuotes(iex, T0 + 5_000)).toEqual({
      ok: true,
      events: [
        { symbol: 'XOM', price: 82.47, eventMs: T0 + 1_000 },
        { symbol: 'IBM', price: 58, eventMs: T0 + 5_000 },
      ],
    });
  });

  it.each([
    [
      '{"XOM":{"quote":{"symbol":"XOM","latestPrice":57}}}',
      undefined,
      'IEX quote of XOM has no "latestUpdate" and the record no arrival time (give --arrival-time for files)',
    ],
    ['{"XOM":{"quote":{"symbol":"IBM","latestPrice":57}}}', T0, 'IEX entry "XOM" holds a quote for "IBM"'],
    ['{"XOM":{"price":57}}', T0, 'IEX entry "XOM" has no "quote" object'],
    [
      '{"XOM":{"quote":{"latestPrice":"n/a"}}}',
      T0,
      'field "latestPrice" must be a number or a numeric string, got string "n/a"',
    ],
    [
      '{"XOM":{"quote":{"latestPrice":1}},"IBM":{"quote":{"latestPrice":-1}}}',
      T0,
      'IEX entry "IBM": latestPrice must be a number from 0 to 1000000000, got -1',
    ],
    ['{"symbol":"XOM","price":1.0000001,"ts":1735689600000}', undefined, 'price has more than 6 decimals: 1.0000001'],
    ['{"symbol":"XOM","ts":1735689600000}', undefined, 'missing field "price"'],
    ['{}', undefined, 'record holds no quote: expected {symbol, price, ts} or an IEX batch {"SYM": {"quote": {…}}}'],
    ['[1]', undefined, 'record is not a JSON object'],
  ])('rejects %s with a reason', (line, arrival, detail) => {
    expect(decodeQuotes(line, arrival)).toEqual({ ok: false, detail });
  });
});

describe('top-averages: rankings', () => {
  it('ranks the top 3 by mean (ties by symbol) in every window of each length that holds the quotes', async () => {
    // All at one instant (00:00:05): in the 6 / 30 / 90 windows ending 00:00:10 … of each length.
    const q = (symbol: string, price: number): string => JSON.stringify({ symbol, price, ts: T0 + 5_000 });
    const sink = await run([
      q('XOM', 57),
      q('IBM', 58),
      q('ABN', 50),
      q('IBM', 50),
      q('ABN', 49),
      q('ZZZ', 49.5),
      q('AAA', 10),
    ]);
    const rows = [...rowsOf(sink).values()];
    for (const [type, windows] of [
      [1, 6],
      [5, 30],
      [15, 90],
    ] as const) {
      const ofType = rows.filter((r) => r.aggregation_type === type);
      expect(new Set(ofType.map((r) => r.window_end)).size).toBe(windows);
      expect(Math.min(...ofType.map((r) => r.window_end))).toBe(T0 + 10_000);
      expect(Math.max(...ofType.map((r) => r.window_end))).toBe(T0 + windows * 10_000);
      for (const end of new Set(ofType.map((r) => r.window_end))) {
        // XOM 57, IBM 54, then ABN 49.5 before ZZZ 49.5 (tie: symbol ascending); AAA is fourth.
        expect(
          ofType
            .filter((r) => r.window_end === end)
            .sort((a, b) => a.rank - b.rank)
            .map((r) => [r.rank, r.symbol, r.average]),
        ).toEqual([
          [1, 'XOM', 57],
          [2, 'IBM', 54],
          [3, 'ABN', 49.5],
        ]);
      }
    }
    expect(rows).toHaveLength((6 + 30 + 90) * 3);
  });

  it('keeps each length to its own quotes: a quote 2 minutes old counts for 5 and 15 minutes, not for 1', async () => {
    const sink = await run([
      JSON.stringify({ symbol: 'OLD', price: 100, ts: T0 }),
      JSON.stringify({ symbol: 'NEW', price: 1, ts: T0 + 120_000 }),
    ]);
    const at = (type: number, end: number): string[] =>
      [...rowsOf(sink).values()]
        .filter((r) => r.aggregation_type === type && r.window_end === end)
        .sort((a, b) => a.rank - b.rank)
        .map((r) => r.symbol);
    const end = T0 + 130_000;
    expect(at(1, end)).toEqual(['NEW']);
    expect(at(5, end)).toEqual(['OLD', 'NEW']);
    expect(at(15, end)).toEqual(['OLD', 'NEW']);
  });

  it('gives IEX quotes without latestUpdate their arrival time', async () => {
    const sink = await run(
      [
        '{"XOM":{"quote":{"symbol":"XOM","latestPrice":"82.47"}},"AMZN":{"quote":{"symbol":"AMZN","latestPrice":"72.25"}}}',
      ],
      T0 + 3_000,
    );
    expect(
      [...rowsOf(sink).values()]
        .filter((r) => r.aggregation_type === 1 && r.window_end === T0 + 10_000)
        .map((r) => [r.rank, r.symbol, r.average]),
    ).toEqual([
      [1, 'XOM', 82.47],
      [2, 'AMZN', 72.25],
    ]);
    expect(sink.deadLetters).toEqual([]);
  });

  it('writes one dead letter for a batch record with a late quote, naming it, and keeps its on-time quotes', async () => {
    const late =
      '{"OLD":{"quote":{"latestPrice":1,"latestUpdate":1735689600000}},"NEW":{"quote":{"latestPrice":2,"latestUpdate":1735691000000}}}';
    const sink = await run([JSON.stringify({ symbol: 'X', price: 1, ts: T0 + 1_400_000 }), late]);
    expect(sink.deadLetters.map((d) => [d.reason, d.position, d.detail])).toEqual([
      [
        'late',
        1,
        expect.stringMatching(
          /^1 of 2 events rejected: late: event time 2025-01-01T00:00:00.000Z is behind watermark 2025-01-01T00:23:10.000Z of partition 0/,
        ),
      ],
    ]);
    expect([...rowsOf(sink).values()].some((r) => r.symbol === 'NEW')).toBe(true);
    expect([...rowsOf(sink).values()].some((r) => r.symbol === 'OLD')).toBe(false);
  });

  it('ends with the reference rankings and dead letters in every output mode, whatever the batches (property)', async () => {
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
          ]);
          let i = 0;
          for (const { line } of generateQuotes({
            count: 1_200,
            seed,
            startMs: T0,
            quotesPerSecond: 1,
            faultShare: 0.06,
          }))
            (data.get(i++ % 2) as string[]).push(line);
          const sink = new MemorySink();
          await new StreamPipeline(
            new MemorySource({ partitions: data, batchSizes: [batch] }),
            sink,
            new ManualClock(0, 0),
            new MemoryLogger(),
            settings({ outputMode: mode, triggerRecords: trigger }),
          ).run();
          const expected = referenceTopAverages(data, 10_000);
          expect(rowsOf(sink)).toEqual(expected.rows);
          expect(sink.deadLetters.map((x) => `${x.reason}@${x.partition}:${x.position}`).sort()).toEqual(
            expected.deadLetters.map((x) => `${x.reason}@${x.partition}:${x.position}`).sort(),
          );
          expect(expected.rows.size).toBeGreaterThan(500);
          expect(expected.deadLetters.filter((d) => d.reason === 'late').length).toBeGreaterThan(0);
        },
      ),
      { numRuns: propertyRuns(15) },
    );
  });
});
