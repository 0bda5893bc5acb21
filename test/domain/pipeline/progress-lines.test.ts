import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import type { TableSchema } from '../../../src/domain/table-schema';
import type { LogContext } from '../../../src/ports/logger.port';
import type { StoreCommit, StoredCheckpoint } from '../../../src/ports/result-store.port';
import type { SourceBatch } from '../../../src/ports/source.port';
import { order } from '../../support/order-lines';
import { ordersSettings } from '../../support/orders-pipeline';
import { TickingClock, TimedSource, type TimedStep } from '../../support/timed-source';

const SECOND = 1_000;
const DOWN = 'cannot reach the database: connect ECONNREFUSED';

function progressLines(logger: MemoryLogger): LogContext[] {
  return logger.entries.filter((e) => e.message === 'progress').map((e) => e.context ?? {});
}

/** `n` orders on partition `p`, one a second of event time from `fromSecond` on. */
function orders(p: number, fromSecond: number, n: number): Array<readonly [number, string]> {
  return Array.from({ length: n }, (_v, i) => {
    const s = fromSecond + i;
    return [
      p,
      order({
        orderid: p * 100_000 + s,
        shopid: p,
        t: `00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`,
      }),
    ] as const;
  });
}

/**
 * A database whose commits fail from the `downAt`-th on: each failing commit first hangs for
 * `hangMs` (as a driver waits for its connect timeout), advancing the clock a second at a time;
 * it is back once the clock reaches `upAtMs`.
 */
class HangingOutageSink extends MemorySink {
  private commitsSeen = 0;
  private down = false;

  constructor(
    private readonly clock: ManualClock,
    private readonly downAt: number,
    private readonly hangMs: number,
    private readonly upAtMs: number,
  ) {
    super();
  }

  override async open(table: TableSchema): Promise<StoredCheckpoint | undefined> {
    if (this.down && this.clock.now() < this.upAtMs) throw new HexstreamError('SINK_UNAVAILABLE', DOWN);
    return super.open(table);
  }

  override async commit(trigger: StoreCommit): Promise<void> {
    if (this.commitsSeen++ === this.downAt) this.down = true;
    if (this.down && this.clock.now() < this.upAtMs) {
      for (let waited = 0; waited < this.hangMs; waited += SECOND) {
        this.clock.advance(SECOND);
        await Promise.resolve();
      }
      throw new HexstreamError('SINK_UNAVAILABLE', DOWN);
    }
    return super.commit(trigger);
  }
}

describe('progress lines: rates', () => {
  it('gives the rate over the last interval, and the average since the start apart', async () => {
    // 100 records in each of the first 3 seconds, then nothing: the current rate falls to 0 at
    // once, the average to 300 / elapsed.
    const clock = new ManualClock();
    const steps: TimedStep[] = [0, 1, 2].map((k) => ({ records: orders(0, k * 100, 100), takesMs: SECOND }));
    const source = new TimedSource([0], steps, clock);
    const logger = new MemoryLogger();
    const settings = ordersSettings({
      triggerIntervalMs: SECOND,
      progressIntervalMs: SECOND,
      triggerRecords: 10_000,
      onStop: 'checkpoint',
    });

    await new StreamPipeline(source, new MemorySink(), clock, logger, settings).run({
      isStopped: () => clock.now() >= 6 * SECOND,
    });

    expect(progressLines(logger).map((l) => [l['recordsPerSecond'], l['averageRecordsPerSecond'], l['read']])).toEqual([
      [100, 100, 100],
      [100, 100, 200],
      [100, 100, 300],
      [0, 75, 300],
      [0, 60, 300],
      [0, 50, 300],
    ]);
  });
});

describe('progress lines: partitions', () => {
  it('lists only the partitions the instance owns after a rebalance', async () => {
    const clock = new ManualClock();
    const lag = new Map([
      [0, 5],
      [1, 7],
      [2, 9],
    ]);
    const source = new TimedSource(
      [0, 1, 2],
      [
        { records: orders(0, 0, 1), lag, takesMs: SECOND },
        { assigned: [0, 2] },
        {
          records: orders(2, 0, 1),
          lag: new Map([
            [0, 4],
            [2, 8],
          ]),
          takesMs: SECOND,
        },
      ],
      clock,
    );
    const logger = new MemoryLogger();
    const settings = ordersSettings({ triggerIntervalMs: SECOND, progressIntervalMs: SECOND, onStop: 'checkpoint' });

    await new StreamPipeline(source, new MemorySink(), clock, logger, settings).run({
      isStopped: () => source.played >= 3,
    });

    expect(progressLines(logger).map((l) => [l['lagByPartition'], l['lag']])).toEqual([
      ['0:5 1:7 2:9', 21],
      ['0:4 2:8', 12],
    ]);
  });
});

describe('progress lines during a database outage', () => {
  it('come every interval while a commit hangs and while the outage is waited out, with the time since it began', async () => {
    // The 3rd commit (at 3 s) hangs for 10 s and fails; the database is back at 20 s.
    const clock = new TickingClock();
    const source = new TimedSource(
      [0],
      [0, 1, 2, 3].map((k) => ({ records: orders(0, k * 10, 10), takesMs: SECOND })),
      clock,
    );
    const sink = new HangingOutageSink(clock, 2, 10 * SECOND, 20 * SECOND);
    const logger = new MemoryLogger();
    const settings = ordersSettings({
      triggerIntervalMs: SECOND,
      progressIntervalMs: 2 * SECOND,
      onStop: 'checkpoint',
      maxOutageMs: 60_000,
    });

    await new StreamPipeline(source, sink, clock, logger, settings).run({
      isStopped: () => clock.now() >= 30 * SECOND,
    });

    const lines = progressLines(logger).map((l) => [l['waiting'] ?? l['outage']]);
    expect(lines.slice(0, 14)).toEqual([
      [undefined], // 2 s
      // 3 s: the commit begins; it hangs until 13 s.
      ['commit in progress for 1 s'], // 4 s
      ['commit in progress for 3 s'], // 6 s
      ['commit in progress for 5 s'], // 8 s
      ['commit in progress for 7 s'], // 10 s
      ['commit in progress for 9 s'], // 12 s
      // 13 s: it failed; the outage began when the commit did.
      ['sink unavailable for 10 s, attempt 1, next in 0.5 s'],
      ['sink unavailable for 10.5 s, attempt 2, next in 1 s'],
      ['sink unavailable for 11.5 s, attempt 3, next in 2 s'],
      // 16.5 s: the 3rd attempt's wait ends with the 4th attempt's line.
      ['sink unavailable for 13.5 s, attempt 4, next in 4 s'],
      ['sink unavailable for 15.5 s, attempt 4, next in 2 s'], // 18.5 s
      // 20.5 s: the database is back; the pipeline reads on.
      [undefined],
      [undefined],
      [undefined],
    ]);
  });

  it('shows the counts so far and that a rebuild runs, never a reset to zero', async () => {
    // 80 records, 10 a poll, a second a poll; the 4th commit fails, the database is back 2 s later;
    // the rebuild re-reads the open windows.
    const clock = new ManualClock();
    const lines = orders(0, 0, 80).map(([, v]) => v);
    const source = new (class extends MemorySource {
      override async poll(maxRecords: number): Promise<SourceBatch> {
        clock.advance(SECOND);
        return super.poll(maxRecords);
      }
    })({ partitions: new Map([[0, lines]]), batchSizes: [10] });
    const sink = new HangingOutageSink(clock, 3, 0, 6 * SECOND);
    const logger = new MemoryLogger();
    const settings = ordersSettings({
      triggerIntervalMs: SECOND,
      progressIntervalMs: SECOND,
      onStop: 'checkpoint',
      maxOutageMs: 60_000,
    });

    const report = await new StreamPipeline(source, sink, clock, logger, settings).run();

    expect(report.counters.read).toBe(80);
    const shown = progressLines(logger);
    // While the database is down the lines go on with the counts so far; the rebuild keeps what was
    // committed (30 records: the 10 read after it are read again, and counted then), says that it
    // runs and how far it is, and counts the records it re-reads apart.
    expect(shown.map((l) => [l['read'], l['reread'], l['rebuilding'] ?? l['outage']])).toEqual([
      [10, 0, undefined],
      [20, 0, undefined],
      [30, 0, undefined],
      [40, 0, 'sink unavailable for 0 s, attempt 1, next in 0.5 s'],
      [40, 0, 'sink unavailable for 0.5 s, attempt 2, next in 1 s'],
      [40, 0, 'sink unavailable for 1.5 s, attempt 3, next in 2 s'],
      [40, 0, 'sink unavailable for 2.5 s, attempt 3, next in 1 s'],
      [30, 10, 'from the last commit after a sink outage: 20 records left to re-read'],
      [30, 20, 'from the last commit after a sink outage: 10 records left to re-read'],
      [30, 30, undefined],
      [40, 30, undefined],
      [50, 30, undefined],
      [60, 30, undefined],
      [70, 30, undefined],
      [80, 30, undefined],
    ]);
  });
});
