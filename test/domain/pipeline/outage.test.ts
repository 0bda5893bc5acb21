import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import type { TableSchema } from '../../../src/domain/table-schema';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import type { StoreCommit, StoredCheckpoint } from '../../../src/ports/result-store.port';
import type { SourceBatch } from '../../../src/ports/source.port';
import { order } from '../../support/order-lines';
import { byRowkey, type toReferenceRow } from '../../support/order-table';
import { ordersSettings, type Partitions } from '../../support/orders-pipeline';
import { referenceOrders } from '../../support/reference-orders';

const SEMANTICS = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };

/** 3 partitions × 40 orders, one per second of event time, some sharing a row. */
function data(): Partitions {
  const out = new Map<number, string[]>();
  for (let p = 0; p < 3; p++) {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      const s = i * 3 + p;
      lines.push(
        order({
          orderid: p * 1000 + i,
          itemid: i % 4,
          shopid: p,
          t: `00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`,
        }),
      );
    }
    out.set(p, lines);
  }
  return out;
}

/**
 * A database that is down from the `downAt`-th commit on until the clock reaches `upAtMs`: commits and
 * opens fail then with SINK_UNAVAILABLE, as the MySQL sink's do when the server is gone.
 */
class OutageSink extends MemorySink {
  private commitsSeen = 0;
  downSinceMs: number | undefined;
  opens = 0;

  constructor(
    private readonly clock: ManualClock,
    private readonly downAt: number,
    private readonly downForMs: number,
  ) {
    super();
  }

  private isDown(): boolean {
    return this.downSinceMs !== undefined && this.clock.now() < this.downSinceMs + this.downForMs;
  }

  override async open(table: TableSchema): Promise<StoredCheckpoint | undefined> {
    this.opens++;
    if (this.isDown()) throw new HexstreamError('SINK_UNAVAILABLE', 'cannot reach the database: connect ECONNREFUSED');
    return super.open(table);
  }

  override async commit(trigger: StoreCommit): Promise<void> {
    if (this.commitsSeen++ === this.downAt) this.downSinceMs = this.clock.now();
    if (this.isDown()) throw new HexstreamError('SINK_UNAVAILABLE', 'cannot reach the database: connect ECONNREFUSED');
    return super.commit(trigger);
  }
}

function tableAsReference(sink: MemorySink): Map<string, ReturnType<typeof toReferenceRow>> {
  return byRowkey(sink.table.values());
}

function warnings(logger: MemoryLogger, message: string): Array<Record<string, unknown>> {
  return logger.entries.filter((e) => e.level === 'warn' && e.message === message).map((e) => ({ ...e.context }));
}

describe('StreamPipeline: a database outage mid-stream', () => {
  const partitions = data();
  const expected = referenceOrders(partitions, SEMANTICS);

  it('waits with capped exponential backoff, rebuilds from the last commit and ends with the reference table', async () => {
    const clock = new ManualClock(0, 0);
    const sink = new OutageSink(clock, 2, 20_000);
    const logger = new MemoryLogger();
    const source = new MemorySource({ partitions, batchSizes: [7] });
    const pipeline = new StreamPipeline(
      source,
      sink,
      clock,
      logger,
      ordersSettings({ triggerRecords: 10, onStop: 'checkpoint', maxOutageMs: 60_000 }),
    );

    const report = await pipeline.run();

    expect(report.completed).toBe(true);
    expect(tableAsReference(sink)).toEqual(expected.rows);
    // The clock stands still but for the waits: 0.5 + 1 + 2 + 4 + 8 = 15.5 s < 20 s, + 10 s = 25.5 s ≥ 20 s.
    expect(
      warnings(logger, 'sink unavailable; waiting for it').map((w) => [w['attempt'], w['retryInMs'], w['downMs']]),
    ).toEqual([
      [1, 500, 0],
      [2, 1_000, 500],
      [3, 2_000, 1_500],
      [4, 4_000, 3_500],
      [5, 8_000, 7_500],
      [6, 10_000, 15_500],
    ]);
    expect(warnings(logger, 'sink available again; rebuilt from the last commit')).toEqual([
      { downMs: 25_500, attempts: 6 },
    ]);
    // Each wait is visible in the progress line.
    const progress = logger.entries
      .filter((e) => e.message === 'progress' && e.context?.['outage'] !== undefined)
      .map((e) => e.context?.['outage']);
    expect(progress).toEqual([
      'sink unavailable for 0 s, attempt 1, next in 0.5 s',
      'sink unavailable for 0.5 s, attempt 2, next in 1 s',
      'sink unavailable for 1.5 s, attempt 3, next in 2 s',
      'sink unavailable for 3.5 s, attempt 4, next in 4 s',
      'sink unavailable for 7.5 s, attempt 5, next in 8 s',
      'sink unavailable for 15.5 s, attempt 6, next in 10 s',
    ]);
    // One open at the start, one per attempt.
    expect(sink.opens).toBe(7);
  });

  it('fails once the outage outlasts maxOutageMs, waiting no longer than that; a rerun loses nothing', async () => {
    const clock = new ManualClock(0, 0);
    const sink = new OutageSink(clock, 2, 30_000);
    const logger = new MemoryLogger();
    const pipeline = new StreamPipeline(
      new MemorySource({ partitions, batchSizes: [7] }),
      sink,
      clock,
      logger,
      ordersSettings({ triggerRecords: 10, onStop: 'checkpoint', maxOutageMs: 10_000 }),
    );

    await expect(pipeline.run()).rejects.toMatchObject({
      code: 'SINK_UNAVAILABLE',
      message:
        'unavailable for 10 s, longer than --max-outage 10 s; a restart resumes from the last commit: cannot reach the database: connect ECONNREFUSED',
    });
    // 0.5 + 1 + 2 + 4 = 7.5 s, then only the 2.5 s left.
    expect(warnings(logger, 'sink unavailable; waiting for it').map((w) => w['retryInMs'])).toEqual([
      500, 1_000, 2_000, 4_000, 2_500,
    ]);
    const committed = sink.commits.length;
    expect(committed).toBe(2);

    clock.advance(30_000);
    const rerun = new StreamPipeline(
      new MemorySource({ partitions, batchSizes: [7] }),
      sink,
      clock,
      new MemoryLogger(),
      ordersSettings({ triggerRecords: 10, onStop: 'checkpoint', maxOutageMs: 10_000 }),
    );
    await rerun.run();
    expect(tableAsReference(sink)).toEqual(expected.rows);
  });
});

describe('StreamPipeline: a broker outage mid-stream', () => {
  /** A source that says it is reconnecting for the polls in [from, to) (the clock moves 1 s per poll meanwhile). */
  class ReconnectingSource extends MemorySource {
    private polls = 0;

    constructor(
      partitions: Partitions,
      private readonly clock: ManualClock,
      private readonly from: number,
      private readonly to: number,
    ) {
      super({ partitions, batchSizes: [7] });
    }

    override async poll(maxRecords: number): Promise<SourceBatch> {
      const n = this.polls++;
      if (n >= this.from && n < this.to) {
        this.clock.advance(1_000);
        return {
          records: [],
          endedPartitions: [],
          exhausted: false,
          unavailable: 'Kafka at 127.0.0.1:9092: Connection error: connect ECONNREFUSED',
        };
      }
      return super.poll(maxRecords);
    }
  }

  it('goes on where it stopped once the source is back, and says how long it was down', async () => {
    const clock = new ManualClock(0, 0);
    const sink = new MemorySink();
    const logger = new MemoryLogger();
    const pipeline = new StreamPipeline(
      new ReconnectingSource(partitions(), clock, 3, 23),
      sink,
      clock,
      logger,
      ordersSettings({ triggerRecords: 10, onStop: 'checkpoint', maxOutageMs: 60_000 }),
    );

    await pipeline.run();

    const expected = referenceOrders(partitions(), SEMANTICS);
    expect(tableAsReference(sink)).toEqual(expected.rows);
    expect(warnings(logger, 'source unavailable; it reconnects on its own')).toEqual([
      { error: 'Kafka at 127.0.0.1:9092: Connection error: connect ECONNREFUSED' },
    ]);
    // Down from the first poll that said so (t = 0, before its second) to the first that did not (t = 20 s).
    expect(warnings(logger, 'source available again')).toEqual([{ downMs: 19_000 }]);
  });

  it('fails with SOURCE_UNAVAILABLE once the source has been away for maxOutageMs', async () => {
    const clock = new ManualClock(0, 0);
    const pipeline = new StreamPipeline(
      new ReconnectingSource(partitions(), clock, 3, 1_000),
      new MemorySink(),
      clock,
      new MemoryLogger(),
      ordersSettings({ triggerRecords: 10, onStop: 'checkpoint', maxOutageMs: 5_000 }),
    );

    await expect(pipeline.run()).rejects.toMatchObject({
      code: 'SOURCE_UNAVAILABLE',
      message:
        'unavailable for 5 s, longer than --max-outage 5 s; a restart resumes from the last commit: Kafka at 127.0.0.1:9092: Connection error: connect ECONNREFUSED',
    });
  });

  function partitions(): Partitions {
    return data();
  }
});
