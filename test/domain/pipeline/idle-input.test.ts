import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import type { SourceRecord } from '../../../src/domain/records';
import type { SourceBatch, SourcePort } from '../../../src/ports/source.port';
import { ms, order, row } from '../../support/order-lines';
import { emitted, sortRows, tableOf } from '../../support/order-table';
import { ordersSettings } from '../../support/orders-pipeline';
import { referenceOrders } from '../../support/reference-orders';
import { watermarksOf } from '../../support/memory-committed';

/** One poll of a scripted source: the records it returns, the lag it reports, and the processing time it takes. */
interface Step {
  readonly records?: ReadonlyArray<readonly [partition: number, value: string]>;
  readonly lag?: ReadonlyMap<number, number>;
  /** Processing time the poll takes (default: all of `maxWaitMs` when it returns no record, as a real source waits). */
  readonly takesMs?: number;
  /** The source cannot reach its broker: why. */
  readonly unavailable?: string;
}

/**
 * An unbounded source that plays `steps` one poll each, then returns nothing (waiting `maxWaitMs`
 * of the manual clock each time), numbering each partition's records 0, 1, 2, …
 */
class ScriptedSource implements SourcePort {
  private step = 0;
  private readonly next = new Map<number, number>();

  constructor(
    private readonly partitions: readonly number[],
    private readonly steps: readonly Step[],
    private readonly clock: ManualClock,
  ) {}

  get played(): number {
    return this.step;
  }

  async open(): Promise<readonly number[]> {
    return this.partitions;
  }

  async poll(_maxRecords: number, maxWaitMs: number): Promise<SourceBatch> {
    const step: Step = this.steps[this.step++] ?? {};
    const records: SourceRecord[] = (step.records ?? []).map(([partition, value]) => {
      const position = this.next.get(partition) ?? 0;
      this.next.set(partition, position + 1);
      return { partition, position, value };
    });
    this.clock.advance(step.takesMs ?? (records.length === 0 ? maxWaitMs : 0));
    return {
      records,
      endedPartitions: [],
      exhausted: false,
      ...(step.lag !== undefined ? { lag: step.lag } : {}),
      ...(step.unavailable !== undefined ? { unavailable: step.unavailable } : {}),
    };
  }

  async acknowledge(): Promise<void> {}

  async close(): Promise<void> {}
}

const SECOND = 1_000;

describe('StreamPipeline: idle input', () => {
  it('fires a trigger every interval while no record comes, commits only the one that closes the last window, and writes it once', async () => {
    // Partition 0 gets two records (W_0 = 00:00:40), then nothing; partition 1 never gets one.
    const clock = new ManualClock();
    const source = new ScriptedSource(
      [0, 1],
      [
        {
          records: [
            [0, order({ orderid: 1, t: '00:00:30' })],
            [0, order({ orderid: 2, t: '00:00:50' })],
          ],
        },
      ],
      clock,
    );
    const sink = new MemorySink();
    const logger = new MemoryLogger();
    const settings = ordersSettings({
      outputMode: 'append',
      idleTimeoutMs: 5 * SECOND,
      triggerIntervalMs: SECOND,
      progressIntervalMs: SECOND,
      onStop: 'checkpoint',
    });
    const pipeline = new StreamPipeline(source, sink, clock, logger, settings);

    await pipeline.run({ isStopped: () => sink.commits.length >= 2 });

    // Triggers at 1 s, 2 s, … of processing time. Both partitions were active at the first (1 s):
    // idle from 6 s on, partition 0's watermark then follows processing time, 00:00:40 + (t − 6 s),
    // and partition 1, without a watermark, stops holding it back. It reaches 00:01:00 at t = 26 s.
    // Only two triggers have something to write: the first (positions moved) and the one at 26 s
    // (a window closes); the 24 in between commit nothing.
    expect(sink.commits.slice(0, 2).map(watermarksOf)).toEqual([
      new Map([
        [0, ms('00:00:40')],
        [1, -Infinity],
      ]),
      new Map([
        [0, ms('00:01:00')],
        [1, -Infinity],
      ]),
    ]);
    expect(sink.commits[0]?.rows).toEqual([]);
    const closing = sink.commits[1];
    expect(closing === undefined ? [] : emitted(closing)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '2.00',
        items: 2,
        orders: 2,
        first: '00:00:30',
        last: '00:00:50',
      }),
    ]);
    // Only idle time passed: nothing was read after the first trigger.
    expect(sink.commits.map((c) => c.positions)).toEqual(
      sink.commits.map(
        () =>
          new Map([
            [0, 2],
            [1, 0],
          ]),
      ),
    );
    // The progress line shows the watermark moving, once a second, and that idle time moves it.
    const shown = logger.entries
      .filter((e) => e.message === 'progress')
      .map((e) => [e.context?.['watermarks'], e.context?.['idleAdvanced']]);
    expect(shown.slice(5, 8)).toEqual([
      ['0:2025-01-01T00:00:40.000Z 1:-inf', undefined],
      ['0:2025-01-01T00:00:41.000Z 1:-inf', '0:+1 s'],
      ['0:2025-01-01T00:00:42.000Z 1:-inf', '0:+2 s'],
    ]);
    expect(shown[25]).toEqual(['0:2025-01-01T00:01:00.000Z 1:-inf', '0:+20 s']);
  });

  it('does not advance a partition whose records wait in the source, whatever the reader was doing meanwhile', async () => {
    // The reader stalls for a minute (a slow commit, a pause) with partition 1's next record waiting
    // (lag 1): partition 1 is behind, not idle, and that record is on time when it comes.
    const clock = new ManualClock();
    const lines = new Map([
      [0, [order({ orderid: 1, t: '00:00:30' }), order({ orderid: 2, t: '00:00:40' })]],
      [1, [order({ orderid: 3, shopid: 2, t: '00:00:30' }), order({ orderid: 4, shopid: 2, t: '00:00:31' })]],
    ]);
    const line = (p: number, i: number): readonly [number, string] => [p, lines.get(p)?.[i] ?? ''];
    const waiting = new Map([
      [0, 0],
      [1, 1],
    ]);
    const source = new ScriptedSource(
      [0, 1],
      [
        { records: [line(0, 0), line(1, 0)], lag: waiting },
        { lag: waiting },
        { records: [line(0, 1)], lag: waiting, takesMs: 60 * SECOND },
        {
          records: [line(1, 1)],
          lag: new Map([
            [0, 0],
            [1, 0],
          ]),
        },
      ],
      clock,
    );
    const sink = new MemorySink();
    const settings = ordersSettings({
      outputMode: 'append',
      idleTimeoutMs: 5 * SECOND,
      triggerIntervalMs: SECOND,
      onStop: 'flush',
    });

    await new StreamPipeline(source, sink, clock, new MemoryLogger(), settings).run({
      isStopped: () => source.played >= 4,
    });

    expect(sink.commits[1] === undefined ? undefined : watermarksOf(sink.commits[1])).toEqual(
      new Map([
        [0, ms('00:00:30')],
        [1, ms('00:00:20')],
      ]),
    );
    expect(sink.deadLetters).toEqual([]);
    expect(tableOf(sink.table)).toEqual(
      sortRows(referenceOrders(lines, { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 }).rows.values()),
    );
  });

  it('does not take a broker outage for idleness: records written before it come after it on time', async () => {
    // Partition 0 is read up to 00:00:50 (W_0 = 00:00:40), then the broker is unreachable for a
    // minute; the next record, 00:00:45, is on time when it comes. Counted as idle, partition 0
    // would have moved by 55 s and closed [00:00, 00:01) before it.
    const clock = new ManualClock();
    const lines = new Map([
      [
        0,
        [
          order({ orderid: 1, t: '00:00:30' }),
          order({ orderid: 2, t: '00:00:50' }),
          order({ orderid: 3, t: '00:00:45' }),
        ],
      ],
    ]);
    const line = (i: number): readonly [number, string] => [0, lines.get(0)?.[i] ?? ''];
    const caughtUp = new Map([[0, 0]]);
    const outage: Step = {
      unavailable: 'Kafka at 127.0.0.1:9092: Connection error: connect ECONNREFUSED',
      lag: caughtUp,
    };
    const source = new ScriptedSource(
      [0],
      [
        { records: [line(0), line(1)], lag: caughtUp },
        ...Array.from({ length: 60 }, () => outage),
        { records: [line(2)], lag: caughtUp },
      ],
      clock,
    );
    const sink = new MemorySink();
    const logger = new MemoryLogger();
    const settings = ordersSettings({
      outputMode: 'append',
      idleTimeoutMs: 5 * SECOND,
      triggerIntervalMs: SECOND,
      onStop: 'flush',
    });

    await new StreamPipeline(source, sink, clock, logger, settings).run({ isStopped: () => source.played >= 62 });

    expect(
      sink.commits.map((c) => watermarksOf(c).get(0)).filter((w) => w !== ms('00:00:40') && w !== Infinity),
    ).toEqual([]);
    expect(sink.deadLetters).toEqual([]);
    expect(tableOf(sink.table)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '3.00',
        items: 3,
        orders: 3,
        first: '00:00:30',
        last: '00:00:50',
      }),
    ]);
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
      'source unavailable; it reconnects on its own',
      'source available again',
    ]);
  });
});

describe('StreamPipeline: a producer that pauses', () => {
  /** `n` orders on partition 0, one a second of event time from `fromSecond` on. */
  function orders(fromSecond: number, n: number): Array<readonly [number, string]> {
    return Array.from({ length: n }, (_v, i) => {
      const s = fromSecond + i;
      return [
        0,
        order({
          orderid: s,
          itemid: s % 3,
          t: `00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`,
        }),
      ] as const;
    });
  }

  /**
   * 51 orders (event time 00:00:00 … 00:00:50), then the producer pauses for 200 s of processing
   * time (nothing waits: lag 0), then sends 50 more whose event times go on where it stopped
   * (00:00:51 … 00:01:40).
   */
  async function pausedProducer(idleTimeoutMs: number): Promise<{ sink: MemorySink; late: number }> {
    const clock = new ManualClock();
    const caughtUp = new Map([[0, 0]]);
    const steps = [
      { records: orders(0, 51), lag: caughtUp },
      ...Array.from({ length: 200 }, () => ({ lag: caughtUp })),
      { records: orders(51, 50), lag: caughtUp },
    ];
    const source = new ScriptedSource([0], steps, clock);
    const sink = new MemorySink();
    const settings = ordersSettings({ idleTimeoutMs, triggerIntervalMs: SECOND, onStop: 'checkpoint' });
    const report = await new StreamPipeline(source, sink, clock, new MemoryLogger(), settings).run({
      isStopped: () => source.played >= steps.length,
    });
    return { sink, late: report.counters.late };
  }

  it('with an idle timeout, idle time moves the watermark during the pause and the records after it are late', async () => {
    // Idle from 30 s after the last record: W_0 = 00:00:40 + ~170 s ≈ 00:03:30 when the records
    // come, past the end of both their windows.
    const { sink, late } = await pausedProducer(30 * SECOND);

    expect(late).toBe(50);
    expect(sink.deadLetters.map((d) => [d.reason, d.position])).toEqual(
      Array.from({ length: 50 }, (_v, i) => ['late', 51 + i]),
    );
  });

  it('with the idle timeout off, the watermark waits for the producer: no record is late', async () => {
    const { sink, late } = await pausedProducer(Number.POSITIVE_INFINITY);

    expect(late).toBe(0);
    expect(sink.deadLetters).toEqual([]);
    const all = new Map([[0, [...orders(0, 51), ...orders(51, 50)].map(([, v]) => v)]]);
    expect(tableOf(sink.table)).toEqual(
      sortRows(referenceOrders(all, { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 }).rows.values()),
    );
  });
});

describe('StreamPipeline: triggers with nothing to write', () => {
  it('commit nothing while no record comes, also when idle time moves a watermark without closing a window; a record makes one commit', async () => {
    const clock = new ManualClock();
    const caughtUp = new Map([
      [0, 0],
      [1, 0],
    ]);
    const idle = Array.from({ length: 10 }, () => ({ lag: caughtUp }));
    const steps = [...idle, { records: [[0, order({ orderid: 1, t: '00:00:10' })] as const], lag: caughtUp }, ...idle];
    const source = new ScriptedSource([0, 1], steps, clock);
    const sink = new MemorySink();
    const commitsAt = new Map<number, number>();
    // Idle after 2 s: partition 1 never gets a record, partition 0's watermark moves from 2 s after its record on.
    const settings = ordersSettings({ idleTimeoutMs: 2 * SECOND, triggerIntervalMs: SECOND, onStop: 'checkpoint' });

    await new StreamPipeline(source, sink, clock, new MemoryLogger(), settings).run({
      isStopped: () => {
        commitsAt.set(source.played, sink.commits.length);
        return source.played >= steps.length;
      },
    });

    // 10 idle triggers: no commit. The record's trigger (once the poll after it waited out the
    // interval): one. 9 more idle ones (W_0 moves from 00:00:00 to about 00:00:07, short of
    // 00:01:00): none. Then the stop's.
    expect(commitsAt.get(10)).toBe(0);
    expect(commitsAt.get(12)).toBe(1);
    expect(commitsAt.get(21)).toBe(1);
    expect(sink.commits[0]?.positions).toEqual(
      new Map([
        [0, 1],
        [1, 0],
      ]),
    );
    expect(sink.commits).toHaveLength(2);
  });
});
