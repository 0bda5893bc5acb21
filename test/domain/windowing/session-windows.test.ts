import fc from 'fast-check';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import { StreamEngine } from '../../../src/domain/engine/stream-engine';
import type { AnyJob } from '../../../src/domain/jobs/job';
import { generateOhlcTrades } from '../../../src/domain/jobs/ohlc.generator';
import { ohlcJob } from '../../../src/domain/jobs/ohlc.job';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import { StreamPipeline, type StopToken } from '../../../src/domain/pipeline/stream-pipeline';
import { sessionWindows } from '../../../src/domain/windowing/window-spec';
import type { SourceBatch, SourcePort } from '../../../src/ports/source.port';
import { ms, order, row } from '../../support/order-lines';
import { emitted } from '../../support/order-table';
import { ordersSettings } from '../../support/orders-pipeline';
import { OrdersTestStream } from '../../support/orders-test-stream';
import { propertyRuns } from '../../support/property-runs';

const GAP = 30_000;
const sessions = (): OrdersTestStream => new OrdersTestStream({ window: sessionWindows(GAP), outputMode: 'append' });

describe('session windows (gap 30 s, watermark 10 s, append)', () => {
  it('merges events of a key closer than the gap into one window [first, last + gap), emitted once it closes', () => {
    const s = sessions().add(
      0,
      order({ orderid: 1, t: '00:00:00' }),
      order({ orderid: 2, t: '00:00:20' }),
      order({ orderid: 3, t: '00:00:45' }),
    );
    expect(emitted(s.fire())).toEqual([]);
    // W = 00:01:25 - 10 s passes the end 00:01:15: closed.
    s.add(0, order({ orderid: 4, shopid: 2, t: '00:01:25' }));
    expect(emitted(s.fire())).toEqual([
      row({
        window: ['00:00:00', '00:01:15'],
        expenditure: '3.00',
        items: 3,
        orders: 3,
        first: '00:00:00',
        last: '00:00:45',
      }),
    ]);
  });

  it('keeps events further apart than the gap, and other keys, in windows of their own', () => {
    const s = sessions().add(
      0,
      order({ orderid: 1, t: '00:00:00' }),
      order({ orderid: 2, shopid: 2, t: '00:00:10' }),
      order({ orderid: 3, t: '00:00:30' }),
    );
    expect(emitted(s.finish())).toEqual([
      row({
        window: ['00:00:00', '00:00:30'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:00',
        last: '00:00:00',
      }),
      row({
        window: ['00:00:10', '00:00:40'],
        shopid: 2,
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:10',
        last: '00:00:10',
      }),
      row({
        window: ['00:00:30', '00:01:00'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:30',
        last: '00:00:30',
      }),
    ]);
  });

  it('merges two open sessions when an event bridges them', () => {
    // A watermark of 1 min keeps the bridging order (25 s behind the newest) on time.
    const s = new OrdersTestStream({ window: sessionWindows(GAP), outputMode: 'append', watermarkMs: 60_000 }).add(
      0,
      order({ orderid: 1, t: '00:00:00' }),
      order({ orderid: 2, t: '00:00:50' }),
    );
    expect(s.engine.stateSize()).toMatchObject({ openWindows: 2, rows: 2 });
    s.add(0, order({ orderid: 3, price: 2, t: '00:00:25' }));
    expect(s.engine.stateSize()).toMatchObject({ openWindows: 1, rows: 1 });
    expect(emitted(s.finish())).toEqual([
      row({
        window: ['00:00:00', '00:01:20'],
        expenditure: '4.00',
        items: 3,
        orders: 3,
        first: '00:00:00',
        last: '00:00:50',
      }),
    ]);
  });

  it('drops as late an event behind the watermark, though its own window [t, t + gap) would still be open', () => {
    const late = order({ orderid: 2, t: '00:00:59.999' });
    const s = sessions().add(
      0,
      order({ orderid: 1, t: '00:01:10' }),
      late,
      order({ orderid: 3, shopid: 2, t: '00:01:00' }),
    ); // W = 00:01:00
    const out = s.finish();
    expect(out.deadLetters).toEqual([
      {
        reason: 'late',
        detail:
          'event time 2025-01-01T00:00:59.999Z is behind watermark 2025-01-01T00:01:00.000Z of partition 0: sessions up to the watermark may be closed',
        raw: late,
        partition: 0,
        position: 1,
      },
    ]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:01:00', '00:01:30'],
        shopid: 2,
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:01:00',
        last: '00:01:00',
      }),
      row({
        window: ['00:01:10', '00:01:40'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:01:10',
        last: '00:01:10',
      }),
    ]);
  });

  it('never reopens a closed session: whatever the triggers, the sessions are those of a batch computation', () => {
    // Session [00:00:00, 00:00:30) closes at W = 00:00:30 (event at 00:00:40). An order at 00:00:29
    // would have joined it had it come before that trigger; after it, it is behind W: late.
    const s = sessions().add(0, order({ orderid: 1, t: '00:00:00' }), order({ orderid: 2, shopid: 2, t: '00:00:40' }));
    expect(emitted(s.fire())).toEqual([
      row({
        window: ['00:00:00', '00:00:30'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:00',
        last: '00:00:00',
      }),
    ]);
    s.add(0, order({ orderid: 3, t: '00:00:29' }));
    const out = s.finish();
    expect(out.deadLetters.map((d) => [d.reason, d.position])).toEqual([['late', 2]]);
    expect(emitted(out)).toEqual([
      row({
        window: ['00:00:40', '00:01:10'],
        shopid: 2,
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:40',
        last: '00:00:40',
      }),
    ]);
  });

  it('dead-letters a repeated orderid while its session window is open', () => {
    const repeat = order({ orderid: 1, t: '00:00:10' });
    const out = sessions()
      .add(0, order({ orderid: 1, t: '00:00:00' }), repeat)
      .finish();
    expect(out.deadLetters.map((d) => [d.reason, d.position])).toEqual([['duplicate', 1]]);
  });

  it("keys sessions by the job's group key: keyed by shop only, orders of different items of a shop merge", () => {
    const byShop: typeof ordersJob = {
      ...ordersJob,
      groupKey: (o) => String(o.shopid),
      groupFields: (o) => ({ region: o.region, shopid: o.shopid, itemid: 0 }),
    };
    const engine = new StreamEngine(byShop, { window: sessionWindows(GAP), watermarkMs: 10_000, outputMode: 'append' });
    [
      order({ orderid: 1, itemid: 1, t: '00:00:00' }),
      order({ orderid: 2, itemid: 2, price: 2, t: '00:00:20' }),
      order({ orderid: 3, itemid: 1, shopid: 2, t: '00:00:25' }),
      order({ orderid: 4, itemid: 3, count: 3, t: '00:00:45' }),
    ].forEach((value, position) => engine.process({ partition: 0, position, value }));
    expect(engine.stateSize()).toMatchObject({ openWindows: 2, rows: 2 });
    engine.finish();
    expect(emitted(engine.trigger())).toEqual([
      row({
        window: ['00:00:00', '00:01:15'],
        itemid: 0,
        expenditure: '6.00',
        items: 5,
        orders: 3,
        first: '00:00:00',
        last: '00:00:45',
      }),
      row({
        window: ['00:00:25', '00:00:55'],
        shopid: 2,
        itemid: 0,
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:00:25',
        last: '00:00:25',
      }),
    ]);
  });

  it('refuses the update and complete output modes (a merge would leave the row of the merged session)', () => {
    for (const outputMode of ['update', 'complete'] as const) {
      expect(() => new StreamEngine(ordersJob, { window: sessionWindows(GAP), watermarkMs: 0, outputMode })).toThrow(
        `session windows need append output mode (a session's row is written once, when it closes), got ${outputMode}`,
      );
    }
  });
});

/** An independent computation of ohlc bars per session: per symbol, on-time trades sorted by time, split where the gap is reached. */
function referenceSessionBars(
  partitions: ReadonlyMap<number, readonly string[]>,
  gapMs: number,
  watermarkMs: number,
): { rows: Map<string, Record<string, number | string>>; late: string[] } {
  const trades = new Map<string, { t: number; price: number; volume: number; arrival: number }[]>();
  const late: string[] = [];
  let arrival = 0;
  for (const [p, lines] of partitions) {
    let maxT = -Infinity;
    lines.forEach((line, position) => {
      let o: { symbol?: unknown; price?: unknown; volume?: unknown; ts?: unknown };
      try {
        o = JSON.parse(line) as typeof o;
      } catch {
        return;
      }
      if (
        typeof o.symbol !== 'string' ||
        typeof o.price !== 'number' ||
        typeof o.volume !== 'number' ||
        typeof o.ts !== 'number'
      )
        return;
      if (o.ts < maxT - watermarkMs) late.push(`${p}:${position}`);
      else {
        const list = trades.get(o.symbol) ?? [];
        list.push({ t: o.ts, price: o.price, volume: o.volume, arrival: arrival++ });
        trades.set(o.symbol, list);
      }
      maxT = Math.max(maxT, o.ts);
    });
  }
  const rows = new Map<string, Record<string, number | string>>();
  for (const [symbol, list] of trades) {
    list.sort((a, b) => a.t - b.t || a.arrival - b.arrival);
    let session: typeof list = [];
    const flush = (): void => {
      const first = session[0];
      const last = session[session.length - 1];
      if (first === undefined || last === undefined) return;
      rows.set(`${symbol}|${first.t}`, {
        symbol,
        window_start: first.t,
        open: first.price,
        high: Math.max(...session.map((x) => x.price)),
        low: Math.min(...session.map((x) => x.price)),
        close: last.price,
        volume: session.reduce((n, x) => n + x.volume, 0),
      });
    };
    for (const trade of list) {
      const end = Math.max(...session.map((x) => x.t)) + gapMs;
      if (session.length > 0 && trade.t >= end) {
        flush();
        session = [];
      }
      session.push(trade);
    }
    flush();
  }
  return { rows, late };
}

class Crash extends Error {}

/** Dies like `kill -9` at its n-th poll. */
class CrashingSource implements SourcePort {
  private polls = 0;
  readonly seek: (positions: ReadonlyMap<number, number>) => Promise<void>;
  constructor(
    private readonly inner: MemorySource,
    private readonly crashAt: number,
  ) {
    this.seek = (positions) => inner.seek(positions);
  }
  open(from: ReadonlyMap<number, number>): Promise<readonly number[]> {
    return this.inner.open(from);
  }
  async poll(max: number): Promise<SourceBatch> {
    if (++this.polls === this.crashAt) throw new Crash('killed');
    return this.inner.poll(max);
  }
  acknowledge(p: ReadonlyMap<number, number>): Promise<void> {
    return this.inner.acknowledge(p);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('session windows through the pipeline (ohlc bars per trading session)', () => {
  it('end with the reference sessions whatever the batches, triggers, crashes and graceful stops (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 10_000 }),
          gapS: fc.constantFrom(30, 60, 150),
          batch: fc.integer({ min: 1, max: 200 }),
          trigger: fc.integer({ min: 1, max: 300 }),
          endings: fc.array(
            fc.oneof(
              fc.record({ crashAt: fc.integer({ min: 1, max: 40 }) }),
              fc.record({ stopAfter: fc.integer({ min: 1, max: 40 }) }),
            ),
            { maxLength: 3 },
          ),
        }),
        async ({ seed, gapS, batch, trigger, endings }) => {
          const data = new Map<number, string[]>([
            [0, []],
            [1, []],
            [2, []],
          ]);
          // About one trade a minute per symbol: sessions of a few trades, split where trading pauses.
          for (const { line } of generateOhlcTrades({
            count: 900,
            seed,
            startMs: ms('00:00:00'),
            tradesPerSecond: 0.1,
            faultShare: 0.04,
          })) {
            const symbol = /"symbol":"([A-Z]+)"/.exec(line)?.[1] ?? '';
            (data.get(symbol.length % 3) as string[]).push(line);
          }
          const sink = new MemorySink();
          const settings = ordersSettings({
            job: ohlcJob as AnyJob,
            window: sessionWindows(gapS * 1000),
            watermarkMs: 10_000,
            outputMode: 'append',
            triggerRecords: trigger,
            onStop: 'checkpoint',
          });
          for (const ending of [...endings, undefined]) {
            const run = ending === undefined ? { ...settings, onStop: 'flush' as const } : settings;
            const source = new CrashingSource(
              new MemorySource({ partitions: data, batchSizes: [batch] }),
              ending !== undefined && 'crashAt' in ending ? ending.crashAt : 0,
            );
            let polls = 0;
            const stop: StopToken = {
              isStopped: () => ending !== undefined && 'stopAfter' in ending && ++polls > ending.stopAfter,
            };
            await new StreamPipeline(source, sink, new ManualClock(0, 0), new MemoryLogger(), run)
              .run(stop)
              .catch((e: unknown) => {
                if (!(e instanceof Crash)) throw e;
              });
          }
          const expected = referenceSessionBars(data, gapS * 1000, 10_000);
          const actual = new Map([...sink.table.values()].map((r) => [r.key, { ...r.values }]));
          expect(actual).toEqual(expected.rows);
          expect(
            sink.deadLetters
              .filter((d) => d.reason === 'late')
              .map((d) => `${d.partition}:${d.position}`)
              .sort(),
          ).toEqual([...expected.late].sort());
          expect(expected.rows.size).toBeGreaterThan(20);
        },
      ),
      { numRuns: propertyRuns(30) },
    );
  });
});
