import fc from 'fast-check';
import { stringContaining } from '../../support/matchers';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import type { OutputMode } from '../../../src/domain/engine/output-mode';
import type { AnyJob } from '../../../src/domain/jobs/job';
import { decodeTrade, stockAveragesJob } from '../../../src/domain/jobs/stock-averages.job';
import { generateTrades } from '../../../src/domain/jobs/stock-averages.generator';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import { ordersSettings } from '../../support/orders-pipeline';
import { referenceStockAverages, type StockReferenceRow } from '../../support/reference-stock-averages';
import { propertyRuns } from '../../support/property-runs';
import { fixedWindow } from '../../support/fixed-window';

const T0 = Date.UTC(2025, 0, 1);

describe('stock-averages: decoding', () => {
  it('reads the CSV line of the original data, padded trade type included', () => {
    expect(decodeTrade('AMC,BUY ,755.46,231,1534849274072,2018-08-21 21:01:14.072')).toEqual({
      ok: true,
      event: { symbol: 'AMC', micros: 755_460_000, price: 755.46, quantity: 231, eventMs: 1534849274072 },
    });
  });

  it('reads the same fields as JSON', () => {
    const line = JSON.stringify({
      stockName: 'AGL',
      tradeType: 'SELL',
      price: 26.57,
      quantity: 181,
      eventTimeMillis: 1534849273070,
      eventTimeReadable: '2018-08-21 21:01:13.07',
    });
    expect(decodeTrade(line)).toEqual({
      ok: true,
      event: { symbol: 'AGL', micros: 26_570_000, price: 26.57, quantity: 181, eventMs: 1534849273070 },
    });
  });

  it('takes eventTimeReadable as shown (not used), absent or empty, but refuses one that is not a time', () => {
    const event = { symbol: 'AGL', micros: 26_570_000, price: 26.57, quantity: 181, eventMs: 1534849273070 };
    expect(decodeTrade('AGL,SELL,26.57,181,1534849273070')).toEqual({ ok: true, event });
    expect(decodeTrade('AGL,SELL,26.57,181,1534849273070,')).toEqual({ ok: true, event });
    expect(decodeTrade('AGL,SELL,26.57,181,1534849273070,2018-08-21T11:01:13Z')).toEqual({ ok: true, event });
    expect(decodeTrade("AGL,SELL,26.57,181,1534849273070,' OR 1=1 --")).toEqual({
      ok: false,
      detail: 'field "eventTimeReadable" must be a time YYYY-MM-DD hh:mm:ss[.fff], got string "\' OR 1=1 --"',
    });
  });

  it.each([
    ['stockName,tradeType,price,quantity,eventTimeMillis,eventTimeReadable', 'CSV header line, not a trade'],
    [
      'AMC,BUY ,755.46,231',
      'CSV line has 4 fields, expected 6: stockName,tradeType,price,quantity,eventTimeMillis,eventTimeReadable',
    ],
    ['AMC,HOLD,755.46,231,1534849274072,x', 'field "tradeType" must be BUY or SELL, got string "HOLD"'],
    ['AMC,BUY,n/a,231,1534849274072,x', 'field "price" must be a number, got string "n/a"'],
    ['AMC,BUY,-1,231,1534849274072,x', 'price must be a finite number ≥ 0, got -1'],
    [
      'AMC,BUY,1.0000001,231,1534849274072,x',
      'price has more than 6 decimals or is too large to sum exactly: 1.0000001',
    ],
    ['AMC,BUY,1,0,1534849274072,x', 'field "quantity" must be a positive integer, got 0'],
    [
      'AMC,BUY,1,2,1534849274,x',
      'eventTimeMillis 1534849274 is outside 2000-01-01..2100-01-01 (looks like epoch seconds; epoch milliseconds are expected)',
    ],
    [',BUY,1,2,1534849274072,x', 'stockName is empty'],
    ['{"stockName":"A"', stringContaining('not valid JSON')],
  ])('rejects %j with a reason', (line, detail) => {
    expect(decodeTrade(line)).toEqual({ ok: false, detail });
  });
});

function generated(seed: number, partitions: number): Map<number, string[]> {
  const out = new Map<number, string[]>(Array.from({ length: partitions }, (_v, p) => [p, []]));
  for (const { line } of generateTrades({ count: 1_500, seed, startMs: T0, tradesPerSecond: 25, faultShare: 0.06 })) {
    // Keyed by symbol, as a producer keyed by symbol would.
    const symbol = line.split(',')[0] ?? '';
    (out.get([...symbol].reduce((h, c) => h + c.charCodeAt(0), 0) % partitions) as string[]).push(line);
  }
  return out;
}

function asReference(values: Readonly<Record<string, unknown>>): StockReferenceRow {
  const iso = (v: unknown): string => new Date(Number(v)).toISOString();
  return {
    symbol: String(values.symbol),
    window_start: iso(values.window_start),
    window_end: iso(values.window_end),
    avg_price: Number(values.avg_price),
    min_price: Number(values.min_price),
    max_price: Number(values.max_price),
    trade_count: Number(values.trade_count),
    total_quantity: Number(values.total_quantity),
  };
}

describe('stock-averages: the pipeline against an independent reference', () => {
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
          const data = generated(seed, 3);
          const sink = new MemorySink();
          const d = stockAveragesJob.defaults;
          const settings = ordersSettings({
            job: stockAveragesJob as AnyJob,
            window: d.window,
            watermarkMs: d.watermarkMs,
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
          const expected = referenceStockAverages(data, {
            windowMs: fixedWindow(d.window).lengthMs,
            slideMs: fixedWindow(d.window).slideMs,
            watermarkMs: d.watermarkMs,
          });
          expect(new Map([...sink.table.values()].map((r) => [r.key, asReference(r.values)]))).toEqual(expected.rows);
          expect(sink.deadLetters.map((x) => `${x.reason}@${x.partition}:${x.position}`).sort()).toEqual(
            expected.dead.map((x) => `${x.reason}@${x.partition}:${x.position}`).sort(),
          );
          expect(expected.rows.size).toBeGreaterThan(100);
        },
      ),
      { numRuns: propertyRuns(25) },
    );
  });
});
