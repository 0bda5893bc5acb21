import type { PartitionCheckpoint } from '../../../src/domain/engine/engine-checkpoint';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import type { StoreCommit } from '../../../src/ports/result-store.port';
import type { SourceBatch } from '../../../src/ports/source.port';
import { ms, order, row } from '../../support/order-lines';
import { deadLetterKeys, emitted, sortRows, tableOf } from '../../support/order-table';
import { ordersSettings, runOrders, type Partitions } from '../../support/orders-pipeline';
import { RecordingSource } from '../../support/recording-source';
import { referenceOrders } from '../../support/reference-orders';
import { committedOf, watermarksOf } from '../../support/memory-committed';

// Defaults (support/orders-pipeline.ts): tumbling 1 min, watermark 10 s, update mode, 1000 records
// per trigger, no time trigger, no idleness, ManualClock standing still. Times on 2025-01-01.
const TUMBLING_1M = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };

/** n orders, one per item, at 00:00:01, 00:00:02, …: each record is its own row. */
function onePerItem(n: number, firstId = 1): string[] {
  return Array.from({ length: n }, (_, i) =>
    order({ orderid: firstId + i, itemid: firstId + i, t: `00:00:${String(1 + i).padStart(2, '0')}` }),
  );
}

/** The row of one order made by `onePerItem`. */
function itemRow(id: number, i = id): ReturnType<typeof row> {
  const t = `00:00:${String(i).padStart(2, '0')}`;
  return row({ window: ['00:00', '00:01'], itemid: id, expenditure: '1.00', items: 1, orders: 1, first: t, last: t });
}

function positions(commits: readonly StoreCommit[]): Map<number, number>[] {
  return commits.map((c) => new Map(c.positions));
}

describe('StreamPipeline: triggers', () => {
  it('fires a trigger after triggerRecords records, grouping records of several polls', async () => {
    const { sink, report } = await runOrders({
      partitions: new Map([[0, onePerItem(5)]]),
      batchSizes: [1],
      settings: { triggerRecords: 2 },
    });

    expect(sink.commits.map((c) => c.sequence)).toEqual([0, 1, 2]);
    expect(positions(sink.commits)).toEqual([new Map([[0, 2]]), new Map([[0, 4]]), new Map([[0, 5]])]);
    expect(sink.commits.map(emitted)).toEqual([[itemRow(1), itemRow(2)], [itemRow(3), itemRow(4)], [itemRow(5)]]);
    expect(report.completed).toBe(true);
  });

  it('fires a trigger once triggerIntervalMs of processing time has passed', async () => {
    // The clock moves 10 ms per read; the pipeline reads it once before and once after each poll,
    // so the time since the last trigger is 20, 40, 60 ms after polls 1, 2, 3: a trigger every 3 polls.
    const { sink } = await runOrders({
      partitions: new Map([[0, onePerItem(7)]]),
      batchSizes: [1],
      clock: new ManualClock(0, 10),
      settings: { triggerIntervalMs: 50 },
    });

    expect(positions(sink.commits)).toEqual([new Map([[0, 3]]), new Map([[0, 6]]), new Map([[0, 7]])]);
    expect(sink.commits.map(emitted)).toEqual([
      [itemRow(1), itemRow(2), itemRow(3)],
      [itemRow(4), itemRow(5), itemRow(6)],
      [itemRow(7)],
    ]);
  });

  it('flushes every window in the last commit of a bounded input', async () => {
    const lines = [
      order({ orderid: 1, t: '00:00:10' }),
      order({ orderid: 2, t: '00:00:50' }),
      order({ orderid: 3, itemid: 2, t: '00:01:05' }),
    ];

    const { sink, report } = await runOrders({
      partitions: new Map([[0, lines]]),
      settings: { outputMode: 'append', triggerRecords: 2 },
    });

    expect(sink.commits).toHaveLength(2);
    const [first, last] = sink.commits;
    expect(first?.rows).toEqual([]);
    expect(first?.closedUpToMs).toBe(ms('00:00:40'));
    expect(last === undefined ? [] : emitted(last)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '2.00',
        items: 2,
        orders: 2,
        first: '00:00:10',
        last: '00:00:50',
      }),
      row({
        window: ['00:01', '00:02'],
        itemid: 2,
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:01:05',
        last: '00:01:05',
      }),
    ]);
    expect(last?.closedUpToMs).toBe(Infinity);
    expect(last === undefined ? undefined : watermarksOf(last)).toEqual(new Map([[0, Infinity]]));
    expect(report.state).toEqual({ openWindows: 0, rows: 0, rememberedIds: 0 });
  });
});

describe('StreamPipeline: positions and dead letters', () => {
  it('commits the next position of every partition and acknowledges it after the commit', async () => {
    const partitions = new Map([
      [0, onePerItem(3)],
      [1, onePerItem(2, 11)],
    ]);
    const sink = new MemorySink();
    const commitsAtAck: number[] = [];

    const { source } = await runOrders({
      partitions,
      sink,
      batchSizes: [1],
      settings: { triggerRecords: 2 },
      onAcknowledge: () => commitsAtAck.push(sink.commits.length),
    });

    const expected = [
      new Map([
        [0, 1],
        [1, 1],
      ]),
      new Map([
        [0, 2],
        [1, 2],
      ]),
      new Map([
        [0, 3],
        [1, 2],
      ]),
    ];
    expect(positions(sink.commits)).toEqual(expected);
    expect(source.acknowledged).toEqual(expected);
    expect(commitsAtAck).toEqual([1, 2, 3]);
    expect(sink.lastCheckpoint()?.positions).toEqual(
      new Map([
        [0, 3],
        [1, 2],
      ]),
    );
  });

  it('writes dead letters to the sink with reason, detail, raw text, partition and position', async () => {
    const late = order({ orderid: 3, t: '00:00:30' });
    const repeat = order({ orderid: 1, itemid: 2, t: '00:01:20' });
    const partitions = new Map<number, (string | undefined)[]>([
      [0, [order({ orderid: 1, t: '00:01:15' }), '{"orderid":2}', late, repeat]],
      [1, [undefined]],
    ]);

    const { sink, report } = await runOrders({ partitions });

    expect([...sink.deadLetters].sort((a, b) => a.partition - b.partition || a.position - b.position)).toEqual([
      { reason: 'invalid', detail: 'missing field "itemid"', raw: '{"orderid":2}', partition: 0, position: 1 },
      {
        reason: 'late',
        detail:
          'event time 2025-01-01T00:00:30.000Z is behind watermark 2025-01-01T00:01:05.000Z of partition 0: window [2025-01-01T00:00:00.000Z, 2025-01-01T00:01:00.000Z) is closed',
        raw: late,
        partition: 0,
        position: 2,
      },
      {
        reason: 'duplicate',
        detail: 'orderid 1 was already accepted and a window of it is still open',
        raw: repeat,
        partition: 0,
        position: 3,
      },
      { reason: 'invalid', detail: 'record has no value (tombstone)', raw: '', partition: 1, position: 0 },
    ]);
    expect(report.counters).toMatchObject({ read: 5, accepted: 1, invalid: 2, late: 1, duplicate: 1 });
  });
});

describe('StreamPipeline: stop and resume', () => {
  it('commits what was read and the engine state when stopped; a second run reads on from there and reads nothing twice', async () => {
    const partitions = new Map([
      [0, onePerItem(4)],
      [1, onePerItem(3, 11)],
    ]);
    const sink = new MemorySink();
    const first = await runOrders({
      partitions,
      sink,
      batchSizes: [2],
      settings: { onStop: 'checkpoint' },
      stop: (source) => ({ isStopped: () => source.delivered.length >= 4 }),
    });

    expect(first.report.completed).toBe(false);
    expect(sink.commits.map((c) => c.snapshot?.partitions)).toEqual([[0, 1]]);

    const second = await runOrders({ partitions, sink, batchSizes: [2] });

    expect(second.logger.entries.map((e) => e.message)).toContain('resumed from the snapshot of a graceful stop');
    expect(second.source.delivered).toEqual([
      { partition: 0, position: 2 },
      { partition: 0, position: 3 },
      { partition: 1, position: 2 },
    ]);
    expect(second.source.seeks).toEqual([]);
    expect(second.report.counters).toMatchObject({ read: 3, replayed: 0, accepted: 3 });
    expect(sink.lastCheckpoint()?.positions).toEqual(
      new Map([
        [0, 4],
        [1, 3],
      ]),
    );
    expect(sink.deadLetters).toEqual([]);
    expect(tableOf(sink.table)).toEqual(sortRows(referenceOrders(partitions, TUMBLING_1M).rows.values()));
  });

  it('replays instead of using a snapshot taken with other settings', async () => {
    const partitions = new Map([[0, onePerItem(4)]]);
    const sink = new MemorySink();
    await runOrders({
      partitions,
      sink,
      batchSizes: [2],
      settings: { onStop: 'checkpoint', watermarkMs: 5_000 },
      stop: (source) => ({ isStopped: () => source.delivered.length >= 2 }),
    });

    const second = await runOrders({ partitions, sink, batchSizes: [2], settings: { watermarkMs: 10_000 } });

    expect(second.source.delivered.map((d) => d.position)).toEqual([0, 1, 2, 3]);
    // Positions 0 and 1 were counted by the first run: re-read, not read again.
    expect(second.report.counters).toMatchObject({ read: 2, replayed: 2 });
    expect(tableOf(sink.table)).toEqual(sortRows(referenceOrders(partitions, TUMBLING_1M).rows.values()));
  });

  it('without a usable snapshot, a second run re-reads only the open windows, and counts and emits nothing twice', async () => {
    const partitions = new Map([
      [0, onePerItem(4)],
      [1, onePerItem(3, 11)],
    ]);
    const sink = new MemorySink();
    const resumable = { onStop: 'checkpoint' as const };

    const first = await runOrders({
      partitions,
      sink,
      batchSizes: [2],
      settings: resumable,
      stop: (source) => ({ isStopped: () => source.delivered.length >= 4 }),
    });

    expect(first.report.completed).toBe(false);
    expect(first.source.delivered).toEqual([
      { partition: 0, position: 0 },
      { partition: 0, position: 1 },
      { partition: 1, position: 0 },
      { partition: 1, position: 1 },
    ]);
    expect(positions(sink.commits)).toEqual([
      new Map([
        [0, 2],
        [1, 2],
      ]),
    ]);
    expect(sink.lastCheckpoint()?.positions).toEqual(
      new Map([
        [0, 2],
        [1, 2],
      ]),
    );
    // Every record so far is in the still-open window [00:00, 00:01): replay starts at 0.
    expect(
      [...(committedOf(sink)?.engine?.partitions ?? new Map<number, PartitionCheckpoint>()).values()].map(
        (p) => p.replayFrom,
      ),
    ).toEqual([0, 0]);

    const second = await runOrders({ partitions, sink, batchSizes: [2], seekable: false });

    expect(second.report.completed).toBe(true);
    expect(second.source.delivered).toEqual([
      { partition: 0, position: 0 },
      { partition: 0, position: 1 },
      { partition: 1, position: 0 },
      { partition: 1, position: 1 },
      { partition: 0, position: 2 },
      { partition: 0, position: 3 },
      { partition: 1, position: 2 },
    ]);
    // Each record counted once over both runs: the 4 re-read ones only as re-read.
    expect(second.report.counters).toMatchObject({ read: 3, replayed: 4, accepted: 3 });
    expect(first.report.counters.read + second.report.counters.read).toBe(7);
    expect(sink.lastCheckpoint()?.positions).toEqual(
      new Map([
        [0, 4],
        [1, 3],
      ]),
    );
    expect(sink.deadLetters).toEqual([]);
    expect(tableOf(sink.table)).toEqual(sortRows(referenceOrders(partitions, TUMBLING_1M).rows.values()));
  });

  it('keeps late decisions across a restart: a record behind the committed watermark is late in the resumed run', async () => {
    // Uninterrupted, W = 00:01:20 after position 1, so 00:00:20 at position 2 is late and row
    // [00:00, 00:01) keeps orderid 1. The first run stops after position 1 and commits W = 00:01:20.
    const partitions: Partitions = new Map([
      [
        0,
        [
          order({ orderid: 1, t: '00:00:10' }),
          order({ orderid: 2, t: '00:01:30' }),
          order({ orderid: 3, t: '00:00:20' }),
        ],
      ],
    ]);
    const sink = new MemorySink();
    await runOrders({
      partitions,
      sink,
      batchSizes: [1],
      settings: { onStop: 'checkpoint' },
      stop: (source) => ({ isStopped: () => source.delivered.length >= 2 }),
    });
    expect(committedOf(sink)?.watermarks).toEqual(new Map([[0, ms('00:01:20')]]));

    await runOrders({ partitions, sink, batchSizes: [1] });

    const reference = referenceOrders(partitions, TUMBLING_1M);
    expect(deadLetterKeys(sink.deadLetters)).toEqual([{ reason: 'late', partition: 0, position: 2 }]);
    expect(deadLetterKeys(sink.deadLetters)).toEqual(deadLetterKeys(reference.deadLetters));
    expect(tableOf(sink.table)).toEqual(sortRows(reference.rows.values()));
  });

  it('loses no accepted record across a graceful stop and resume (append mode)', async () => {
    const partitions: Partitions = new Map([
      [
        0,
        [
          order({ orderid: 1, t: '00:00:10' }),
          order({ orderid: 2, t: '00:00:20' }),
          order({ orderid: 3, t: '00:01:30' }),
        ],
      ],
    ]);
    const sink = new MemorySink();
    const settings = { outputMode: 'append' as const };
    await runOrders({
      partitions,
      sink,
      settings: { ...settings, onStop: 'checkpoint' },
      batchSizes: [1],
      stop: (source) => ({ isStopped: () => source.delivered.length >= 2 }),
    });
    // Nothing is final yet: the stop committed the open window for the next run instead of emitting it.
    expect(sink.table.size).toBe(0);

    await runOrders({ partitions, sink, settings, batchSizes: [1] });

    expect(tableOf(sink.table)).toEqual([
      row({
        window: ['00:00', '00:01'],
        expenditure: '2.00',
        items: 2,
        orders: 2,
        first: '00:00:10',
        last: '00:00:20',
      }),
      row({
        window: ['00:01', '00:02'],
        expenditure: '1.00',
        items: 1,
        orders: 1,
        first: '00:01:30',
        last: '00:01:30',
      }),
    ]);
  });
});

describe('StreamPipeline: a failing commit', () => {
  /** Fails the commit with the given sequence number, once. */
  class FailingOnceSink extends MemorySink {
    private armed = true;

    constructor(private readonly failAt: number) {
      super();
    }

    override async commit(trigger: StoreCommit): Promise<void> {
      if (this.armed && trigger.sequence === this.failAt) {
        this.armed = false;
        this.failNextCommit(new Error('disk full'));
      }
      return super.commit(trigger);
    }
  }

  it('rejects run() and leaves nothing of the failed trigger in the sink; a rerun resumes after the last good commit', async () => {
    const partitions: Partitions = new Map([
      [0, [...onePerItem(2), 'oops', order({ orderid: 4, itemid: 4, t: '00:00:04' })]],
    ]);
    const sink = new FailingOnceSink(1);
    const source = new RecordingSource(new MemorySource({ partitions, batchSizes: [1] }));
    const pipeline = new StreamPipeline(
      source,
      sink,
      new ManualClock(0, 0),
      new MemoryLogger(),
      ordersSettings({ triggerRecords: 2, onStop: 'checkpoint' }),
    );

    await expect(pipeline.run()).rejects.toThrow('disk full');

    expect(sink.commits).toHaveLength(1);
    expect(tableOf(sink.table)).toEqual([itemRow(1), itemRow(2)]);
    expect(sink.deadLetters).toEqual([]);
    expect(sink.lastCheckpoint()?.positions).toEqual(new Map([[0, 2]]));
    expect(source.acknowledged).toEqual([new Map([[0, 2]])]);

    const rerun = await runOrders({ partitions, sink, batchSizes: [1], settings: { triggerRecords: 2 } });

    // Positions 0 and 1 are re-read to rebuild their open window; 2 and 3 are new.
    expect(rerun.source.delivered).toEqual([
      { partition: 0, position: 0 },
      { partition: 0, position: 1 },
      { partition: 0, position: 2 },
      { partition: 0, position: 3 },
    ]);
    // Positions 0 and 1 were counted by the run that committed them: only re-read here.
    expect(rerun.report.counters).toMatchObject({ read: 2, replayed: 2, accepted: 1, invalid: 1 });
    expect(tableOf(sink.table)).toEqual([itemRow(1), itemRow(2), itemRow(4)]);
    expect(deadLetterKeys(sink.deadLetters)).toEqual([{ reason: 'invalid', partition: 0, position: 2 }]);
  });
});

describe('StreamPipeline: a stop fenced by another instance', () => {
  /** Refuses the commit with the given sequence number as another instance's newer position would. */
  class FencingSink extends MemorySink {
    constructor(private readonly fenceAt: number) {
      super();
    }

    override async commit(trigger: StoreCommit): Promise<void> {
      if (trigger.sequence === this.fenceAt)
        this.failNextCommit(new HexstreamError('SINK_FENCED', 'partition 1: another instance committed ahead'));
      return super.commit(trigger);
    }
  }

  const partitions: Partitions = new Map([
    [0, onePerItem(4)],
    [1, onePerItem(3, 11)],
  ]);
  const settings = ordersSettings({ triggerRecords: 2, onStop: 'checkpoint' });
  const stopAfter = (source: RecordingSource, n: number): { isStopped: () => boolean } => ({
    isStopped: () => source.delivered.length >= n,
  });

  it('ends as a stop with a warning; the last commit stands and only what it holds is counted', async () => {
    const sink = new FencingSink(1);
    const source = new RecordingSource(new MemorySource({ partitions, batchSizes: [1] }));
    const logger = new MemoryLogger();
    const pipeline = new StreamPipeline(source, sink, new ManualClock(0, 0), logger, settings);

    const report = await pipeline.run(stopAfter(source, 3));

    expect(report.completed).toBe(false);
    expect(source.delivered).toHaveLength(3);
    expect(sink.commits.map((c) => c.sequence)).toEqual([0]);
    const committed = [...(sink.lastCheckpoint()?.positions.values() ?? [])].reduce((a, b) => a + b, 0);
    expect(committed).toBe(2);
    // The third record is not in any commit: it is read again by its partition's owner, and not counted here.
    expect(report.counters).toMatchObject({ read: 2, accepted: 2 });
    expect(logger.entries.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
      'fenced by another instance at the stop; the last commit stands and what was read since is read again',
    ]);
    const owner = await runOrders({ partitions, sink, batchSizes: [1] });
    expect(owner.report.counters).toMatchObject({ read: 5 });
    expect(tableOf(sink.table)).toEqual(sortRows(referenceOrders(partitions, TUMBLING_1M).rows.values()));
  });

  it('fails the run when its source cannot rebuild (no consumer group: two runs over one table)', async () => {
    const memory = new MemorySource({ partitions, batchSizes: [1] });
    const source = new RecordingSource({
      open: (from) => memory.open(from),
      poll: (n) => memory.poll(n),
      acknowledge: (at) => memory.acknowledge(at),
      close: () => memory.close(),
    });
    const pipeline = new StreamPipeline(
      source,
      new FencingSink(1),
      new ManualClock(0, 0),
      new MemoryLogger(),
      settings,
    );

    await expect(pipeline.run(stopAfter(source, 3))).rejects.toThrow('another instance committed ahead');
  });
});

describe('StreamPipeline: a rebalance', () => {
  /** Wraps a memory source; after `afterPolls` polls it announces a revoke once, like the Kafka source. */
  class RevokingSource extends MemorySource {
    private polls = 0;
    readonly events: string[] = [];
    constructor(
      partitions: Partitions,
      private readonly afterPolls: number,
    ) {
      super({ partitions, batchSizes: [1] });
    }
    override async poll(maxRecords: number): Promise<SourceBatch> {
      if (++this.polls === this.afterPolls + 1) {
        this.events.push('revoking');
        return { records: [], endedPartitions: [], exhausted: false, revoking: true };
      }
      const batch = await super.poll(maxRecords);
      for (const r of batch.records) this.events.push(`read ${r.partition}:${r.position}`);
      return batch;
    }
    override async acknowledge(positions: ReadonlyMap<number, number>): Promise<void> {
      this.events.push(`acknowledged ${[...positions].map(([p, n]) => `${p}:${n}`).join(' ')}`);
    }
  }

  it('commits what it processed as soon as the source announces a revoke, then acknowledges', async () => {
    const partitions: Partitions = new Map([
      [0, onePerItem(5)],
      [1, onePerItem(4, 11)],
    ]);
    const source = new RevokingSource(partitions, 3);
    const sink = new MemorySink();
    await new StreamPipeline(source, sink, new ManualClock(0, 0), new MemoryLogger(), ordersSettings()).run();

    expect(source.events.slice(0, 6)).toEqual([
      'read 0:0',
      'read 1:0',
      'read 0:1',
      'revoking',
      'acknowledged 0:2 1:1',
      'read 1:1',
    ]);
    expect(positions(sink.commits)[0]).toEqual(
      new Map([
        [0, 2],
        [1, 1],
      ]),
    );
    expect(tableOf(sink.table)).toEqual(sortRows(referenceOrders(partitions, TUMBLING_1M).rows.values()));
  });
});

describe('StreamPipeline: overlapping commits', () => {
  /** A sink whose commits finish only when the test says so. */
  class GatedSink extends MemorySink {
    readonly started: number[] = [];
    private readonly gates: Array<{ sequence: number; open: () => void; fail: (e: Error) => void }> = [];
    override async commit(trigger: StoreCommit): Promise<void> {
      this.started.push(trigger.sequence);
      await new Promise<void>((open, fail) => this.gates.push({ sequence: trigger.sequence, open, fail }));
      return super.commit(trigger);
    }
    async waitForCommit(sequence: number): Promise<{ open: () => void; fail: (e: Error) => void }> {
      for (let i = 0; i < 1_000; i++) {
        const gate = this.gates.find((g) => g.sequence === sequence);
        if (gate !== undefined) return gate;
        await new Promise((resolve) => setImmediate(resolve));
      }
      throw new Error(`commit ${sequence} never started`);
    }
  }

  const partitions: Partitions = new Map([[0, onePerItem(9)]]);

  it('processes the next records while a commit is in flight, and starts the next commit only after it', async () => {
    const sink = new GatedSink();
    const source = new RecordingSource(new MemorySource({ partitions, batchSizes: [1] }));
    const run = new StreamPipeline(
      source,
      sink,
      new ManualClock(0, 0),
      new MemoryLogger(),
      ordersSettings({ triggerRecords: 3, overlapCommits: true }),
    ).run();

    const first = await sink.waitForCommit(0);
    // Trigger 1 is pending; the pipeline read on and fired trigger 2, which waits for it.
    for (let i = 0; i < 50 && source.delivered.length < 6; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(source.delivered.length).toBe(6);
    expect(sink.started).toEqual([0]);
    expect(source.acknowledged).toEqual([]);
    first.open();
    (await sink.waitForCommit(1)).open();
    (await sink.waitForCommit(2)).open();
    const report = await run;

    expect(report.completed).toBe(true);
    expect(sink.started).toEqual([0, 1, 2]);
    expect(source.acknowledged).toEqual([new Map([[0, 3]]), new Map([[0, 6]]), new Map([[0, 9]])]);
    expect(tableOf(sink.table)).toEqual(sortRows(referenceOrders(partitions, TUMBLING_1M).rows.values()));
  });

  it('fails the run with the error of a commit that failed in flight, and commits nothing after it', async () => {
    const sink = new GatedSink();
    const source = new RecordingSource(new MemorySource({ partitions, batchSizes: [1] }));
    const run = new StreamPipeline(
      source,
      sink,
      new ManualClock(0, 0),
      new MemoryLogger(),
      ordersSettings({ triggerRecords: 3, overlapCommits: true }),
    ).run();
    const failed = run.then(
      () => undefined,
      (e: unknown) => e,
    );

    (await sink.waitForCommit(0)).fail(new Error('connection lost'));

    expect(await failed).toEqual(new Error('connection lost'));
    expect(sink.started).toEqual([0]);
    expect(sink.commits).toEqual([]);
    expect(source.acknowledged).toEqual([]);
  });
});
