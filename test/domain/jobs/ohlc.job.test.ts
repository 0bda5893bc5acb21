import fc from 'fast-check';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import type { OutputMode } from '../../../src/domain/engine/output-mode';
import type { AnyJob } from '../../../src/domain/jobs/job';
import { generateOhlcTrades } from '../../../src/domain/jobs/ohlc.generator';
import { decodeOhlcTrade, ohlcJob } from '../../../src/domain/jobs/ohlc.job';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import { ordersSettings } from '../../support/orders-pipeline';
import { referenceOhlc, type OhlcReferenceRow } from '../../support/reference-ohlc';
import { propertyRuns } from '../../support/property-runs';

const T0 = Date.UTC(2025, 0, 1);

describe('ohlc: decoding', () => {
  it('reads JSON and CSV trades, with ts in epoch ms or ISO-8601 (UTC without a zone)', () => {
    const event = { symbol: 'XOM', price: 57.25, volume: 300, eventMs: T0 + 1_500 };
    expect(decodeOhlcTrade(`{"symbol":"XOM","price":57.25,"volume":300,"ts":${T0 + 1_500}}`)).toEqual({
      ok: true,
      event,
    });
    expect(decodeOhlcTrade('{"symbol":"XOM","price":57.25,"volume":300,"ts":"2025-01-01T00:00:01.5Z"}')).toEqual({
      ok: true,
      event,
    });
    expect(decodeOhlcTrade('{"symbol":"XOM","price":57.25,"volume":300,"ts":"2025-01-01T01:00:01.500+01:00"}')).toEqual(
      { ok: true, event },
    );
    expect(decodeOhlcTrade(`XOM,57.25,300,${T0 + 1_500}`)).toEqual({ ok: true, event });
    expect(decodeOhlcTrade('XOM, 57.25, 300, 2025-01-01 00:00:01.500')).toEqual({ ok: true, event });
  });

  it.each([
    ['symbol,price,volume,ts', 'CSV header line, not a trade'],
    ['XOM,57.25,300', 'CSV line has 3 fields, expected 4: symbol,price,volume,ts'],
    [
      '{"symbol":"XOM","price":"57.25","volume":300,"ts":1735689600000}',
      'field "price" must be a number, got string "57.25"',
    ],
    ['{"symbol":"XOM","price":57.25,"ts":1735689600000}', 'missing field "volume"'],
    [
      '{"symbol":"XOM","price":57.25,"volume":1.5,"ts":1735689600000}',
      'field "volume" must be a non-negative integer, got 1.5',
    ],
    [
      '{"symbol":"XOM","price":57.25,"volume":1,"ts":1735689600}',
      'ts 1735689600 is outside 2000-01-01..2100-01-01 (looks like epoch seconds; epoch milliseconds are expected)',
    ],
    [
      '{"symbol":"XOM","price":57.25,"volume":1,"ts":"yesterday"}',
      'field "ts" must be epoch milliseconds or an ISO-8601 time, got "yesterday"',
    ],
    [
      '{"symbol":"XOM","price":57.25,"volume":1,"ts":"2025-02-30T00:00:00Z"}',
      'field "ts" is not a valid time: "2025-02-30T00:00:00Z"',
    ],
    [
      '{"symbol":"XOM","price":57.25,"volume":1,"ts":"2025-01-01T24:00:00Z"}',
      'field "ts" is not a valid time: "2025-01-01T24:00:00Z"',
    ],
    ['{"symbol":"","price":1,"volume":1,"ts":1735689600000}', 'symbol is empty'],
  ])('rejects %j with a reason', (line, detail) => {
    expect(decodeOhlcTrade(line)).toEqual({ ok: false, detail });
  });
});

describe('ohlc: bars', () => {
  it('opens and closes by event time, not by arrival; equal times keep arrival order', async () => {
    const at = (s: number, price: number): string =>
      JSON.stringify({ symbol: 'XOM', price, volume: 10, ts: T0 + s * 1000 });
    // Arrival: 30 s, 10 s (earliest: opens), 50 s, 50 s again (the later arrival closes), 20 s.
    const sink = new MemorySink();
    const settings = ordersSettings({
      job: ohlcJob as AnyJob,
      window: { kind: 'fixed', lengthMs: 60_000, slideMs: 60_000 },
      watermarkMs: 60_000,
    });
    await new StreamPipeline(
      new MemorySource({ partitions: new Map([[0, [at(30, 3), at(10, 1), at(50, 5), at(50, 6), at(20, 2)]]]) }),
      sink,
      new ManualClock(0, 0),
      new MemoryLogger(),
      settings,
    ).run();
    expect([...sink.table.values()].map((r) => r.values)).toEqual([
      { symbol: 'XOM', window_start: T0, open: 1, high: 6, low: 1, close: 6, volume: 50 },
    ]);
  });

  it('ends with the reference bars and dead letters in every output mode, whatever the batches (property)', async () => {
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
          for (const { line } of generateOhlcTrades({
            count: 2_000,
            seed,
            startMs: T0,
            tradesPerSecond: 8,
            faultShare: 0.06,
          })) {
            const symbol = /"symbol":"([A-Z]+)"/.exec(line)?.[1] ?? '';
            (data.get(symbol.length % 3) as string[]).push(line);
          }
          const sink = new MemorySink();
          const settings = ordersSettings({
            job: ohlcJob as AnyJob,
            window: { kind: 'fixed', lengthMs: 60_000, slideMs: 60_000 },
            watermarkMs: 10_000,
            outputMode: mode,
            triggerRecords: trigger,
          });
          await new StreamPipeline(
            new MemorySource({ partitions: data, batchSizes: [batch] }),
            sink,
            new ManualClock(0, 0),
            new MemoryLogger(),
            settings,
          ).run();
          const expected = referenceOhlc(data, { windowMs: 60_000, watermarkMs: 10_000 });
          const actual = new Map<string, OhlcReferenceRow>(
            [...sink.table.values()].map((r) => {
              const v = r.values;
              return [
                `${String(v.symbol)}|${Number(v.window_start)}`,
                {
                  symbol: String(v.symbol),
                  window_start: new Date(Number(v.window_start)).toISOString(),
                  open: Number(v.open),
                  high: Number(v.high),
                  low: Number(v.low),
                  close: Number(v.close),
                  volume: Number(v.volume),
                },
              ];
            }),
          );
          expect(actual).toEqual(expected.rows);
          expect(sink.deadLetters.map((x) => `${x.reason}@${x.partition}:${x.position}`).sort()).toEqual(
            [...expected.dead].sort(),
          );
          expect(expected.rows.size).toBeGreaterThan(20);
        },
      ),
      { numRuns: propertyRuns(25) },
    );
  });
});
