import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import type { EngineCounters } from '../../../src/domain/engine/engine-counters';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { StreamPipeline, type PipelineSettings } from '../../../src/domain/pipeline/stream-pipeline';
import type { TableSchema } from '../../../src/domain/table-schema';
import type { StoreCommit, StoredCheckpoint } from '../../../src/ports/result-store.port';
import { decodeCommitted } from '../../../src/domain/engine/engine-state.codec';
import type { SourceBatch } from '../../../src/ports/source.port';
import { order } from '../../support/order-lines';
import { byRowkey } from '../../support/order-table';
import { ordersSettings, type Partitions } from '../../support/orders-pipeline';
import { referenceOrders, type ReferenceDeadLetter, type ReferenceResult } from '../../support/reference-orders';

const SEMANTICS = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };
const PARTITIONS = 3;
const PER_PARTITION = 40;

/**
 * 3 partitions × 40 records, one a second of event time per partition: every 7th is not JSON,
 * every 11th (from the 22nd on) is a minute behind (late), every 13th repeats the previous orderid
 * (a duplicate while its window is open).
 */
function data(): Partitions {
  const out = new Map<number, string[]>();
  for (let p = 0; p < PARTITIONS; p++) {
    const lines: string[] = [];
    for (let i = 0; i < PER_PARTITION; i++) {
      const s = i * 3 + p;
      const t = (sec: number): string =>
        `00:${String(Math.floor(sec / 60)).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`;
      if (i % 7 === 6) lines.push('oops');
      else if (i % 11 === 10 && i > 20) lines.push(order({ orderid: p * 1000 + i, t: t(s - 60) }));
      else if (i % 13 === 12) lines.push(order({ orderid: p * 1000 + i - 1, itemid: 2, shopid: p, t: t(s) }));
      else lines.push(order({ orderid: p * 1000 + i, itemid: i % 4, shopid: p, t: t(s) }));
    }
    out.set(p, lines);
  }
  return out;
}

function byReason(
  letters: readonly Pick<ReferenceDeadLetter, 'reason'>[],
): Record<'invalid' | 'late' | 'duplicate', number> {
  const n = { invalid: 0, late: 0, duplicate: 0 };
  for (const d of letters) {
    if (d.reason === 'error') throw new Error('no record of these streams makes the job throw');
    n[d.reason]++;
  }
  return n;
}

/** What the counters must say for `records` read once each, `letters` of them dead-lettered. */
function expectedCounts(reference: ReferenceResult): Partial<EngineCounters> {
  return {
    read: PARTITIONS * PER_PARTITION,
    accepted: reference.accepted,
    blank: 0,
    ...byReason(reference.deadLetters),
  };
}

/** Records a restart re-reads from `checkpoint`: from each partition's replayFrom up to its committed position. */
function rereadFrom(checkpoint: StoredCheckpoint | undefined): number {
  let n = 0;
  for (const cp of decodeCommitted(checkpoint)?.engine?.partitions.values() ?? []) n += cp.nextPosition - cp.replayFrom;
  return n;
}

/** A database down for `downForMs` from its `downAt`-th commit on; remembers what was committed when it went down. */
class OutageSink extends MemorySink {
  private commitsSeen = 0;
  private downSinceMs: number | undefined;
  committedAtOutage: StoredCheckpoint | undefined;

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
    if (this.isDown()) throw new HexstreamError('SINK_UNAVAILABLE', 'cannot reach the database: connect ECONNREFUSED');
    return super.open(table);
  }

  override async commit(trigger: StoreCommit): Promise<void> {
    if (this.commitsSeen++ === this.downAt) {
      this.downSinceMs = this.clock.now();
      this.committedAtOutage = this.lastCheckpoint();
    }
    if (this.isDown()) throw new HexstreamError('SINK_UNAVAILABLE', 'cannot reach the database: connect ECONNREFUSED');
    return super.commit(trigger);
  }
}

/** A memory source that, after `afterPolls` polls, says the group assigned it the same partitions again (a rebalance). */
class ReassigningSource extends MemorySource {
  private polls = 0;

  constructor(
    partitions: Partitions,
    private readonly afterPolls: number,
  ) {
    super({ partitions, batchSizes: [7] });
  }

  override async poll(maxRecords: number): Promise<SourceBatch> {
    if (this.polls++ === this.afterPolls)
      return { records: [], endedPartitions: [], exhausted: false, assigned: [0, 1, 2] };
    return super.poll(maxRecords);
  }
}

function settings(overrides: Partial<PipelineSettings> = {}): PipelineSettings {
  return ordersSettings({ triggerRecords: 10, onStop: 'checkpoint', maxOutageMs: 60_000, ...overrides });
}

describe('run counters count each record once', () => {
  const partitions = data();
  const reference = referenceOrders(partitions, SEMANTICS);

  it('the fixture has records of every outcome', () => {
    expect(byReason(reference.deadLetters)).toEqual({ invalid: 15, late: 3, duplicate: 9 });
    expect(reference.accepted).toBe(93);
  });

  it.each([false, true])(
    'after an outage rebuild (overlapping commits: %s): read, accepted and dead letters as the input holds them, re-reads apart',
    async (overlapCommits) => {
      const clock = new ManualClock(0, 0);
      const sink = new OutageSink(clock, 4, 3_000);
      const pipeline = new StreamPipeline(
        new MemorySource({ partitions, batchSizes: [7] }),
        sink,
        clock,
        new MemoryLogger(),
        settings({ overlapCommits, atEnd: 'flush' }),
      );

      const report = await pipeline.run();

      expect(report.completed).toBe(true);
      expect(byRowkey(sink.table.values())).toEqual(reference.rows);
      expect(byReason(sink.deadLetters)).toEqual(byReason(reference.deadLetters));
      expect(report.counters).toMatchObject(expectedCounts(reference));
      // Every window closed by the end: each row of the table is final once, rebuilt ones included.
      expect(report.finalRows).toBe(reference.rows.size);
      // The rebuild re-read each partition from its replayFrom up to what was committed then.
      expect(rereadFrom(sink.committedAtOutage)).toBeGreaterThan(0);
      expect(report.counters.replayed).toBe(rereadFrom(sink.committedAtOutage));
    },
  );

  it('after a rebalance: the same, the rebuilt partitions re-read apart', async () => {
    const sink = new MemorySink();
    let committedAtRebalance: StoredCheckpoint | undefined;
    const source = new ReassigningSource(partitions, 9);
    const poll = source.poll.bind(source);
    source.poll = async (n: number): Promise<SourceBatch> => {
      const batch = await poll(n);
      if (batch.assigned !== undefined) committedAtRebalance = sink.lastCheckpoint();
      return batch;
    };
    const report = await new StreamPipeline(source, sink, new ManualClock(0, 0), new MemoryLogger(), settings()).run();

    expect(byReason(sink.deadLetters)).toEqual(byReason(reference.deadLetters));
    expect(report.counters).toMatchObject(expectedCounts(reference));
    expect(rereadFrom(committedAtRebalance)).toBeGreaterThan(0);
    expect(report.counters.replayed).toBe(rereadFrom(committedAtRebalance));
  });

  it('after a crash: the restarted run counts only the records it read first, and the dead letters it wrote', async () => {
    const sink = new MemorySink();
    let commits = 0;
    const commit = sink.commit.bind(sink);
    sink.commit = async (trigger: StoreCommit): Promise<void> => {
      if (++commits === 5) throw new Error('killed');
      return commit(trigger);
    };
    await expect(
      new StreamPipeline(
        new MemorySource({ partitions, batchSizes: [7] }),
        sink,
        new ManualClock(0, 0),
        new MemoryLogger(),
        settings(),
      ).run(),
    ).rejects.toThrow('killed');
    const committed = sink.lastCheckpoint();
    const readBefore = [...(committed?.positions.values() ?? [])].reduce((a, b) => a + b, 0);
    const lettersBefore = sink.deadLetters.length;
    expect(readBefore).toBeGreaterThan(0);

    const rerun = await new StreamPipeline(
      new MemorySource({ partitions, batchSizes: [7] }),
      sink,
      new ManualClock(0, 0),
      new MemoryLogger(),
      settings(),
    ).run();

    const written = sink.deadLetters.slice(lettersBefore);
    expect(rerun.counters.read).toBe(PARTITIONS * PER_PARTITION - readBefore);
    expect(rerun.counters.replayed).toBe(rereadFrom(committed));
    expect({ invalid: rerun.counters.invalid, late: rerun.counters.late, duplicate: rerun.counters.duplicate }).toEqual(
      byReason(written),
    );
    expect(byReason(sink.deadLetters)).toEqual(byReason(reference.deadLetters));
  });
});
