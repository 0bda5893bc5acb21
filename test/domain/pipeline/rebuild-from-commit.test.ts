import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import type { PartitionCheckpoint } from '../../../src/domain/engine/engine-checkpoint';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import type { AnyJob } from '../../../src/domain/jobs/job';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import { CommitQueue } from '../../../src/domain/pipeline/commit-queue';
import { RebuildFromCommit } from '../../../src/domain/pipeline/rebuild-from-commit';
import { RunState, type AnyEngine } from '../../../src/domain/pipeline/run-state';
import type { TableSchema } from '../../../src/domain/table-schema';
import { tumblingWindows } from '../../../src/domain/windowing/window-spec';
import { encodeEngineState } from '../../../src/domain/engine/engine-state.codec';
import { asPipelineOutput, storeCommitOf } from '../../../src/domain/pipeline/pipeline-output';
import type { StoredCheckpoint } from '../../../src/ports/result-store.port';
import type { SourcePort } from '../../../src/ports/source.port';
import { order } from '../../support/order-lines';
import { RecordingSource } from '../../support/recording-source';

const SETTINGS = {
  job: ordersJob as AnyJob,
  window: tumblingWindows(60_000),
  watermarkMs: 10_000,
  outputMode: 'update',
} as const;

/** Partition 0, the only one: the first window [0 s, 60 s) closes at the third record (watermark 66 s); the second stays open. */
const P0 = [
  order({ orderid: 1, t: '00:00:01' }),
  order({ orderid: 2, t: '00:01:15' }),
  order({ orderid: 3, t: '00:01:16' }),
  order({ orderid: 4, t: '00:01:17' }),
  order({ orderid: 5, t: '00:01:18' }),
];

/** A sink that counts its `open`s. */
class OpeningSink extends MemorySink {
  opens = 0;
  override async open(table: TableSchema): Promise<StoredCheckpoint | undefined> {
    this.opens++;
    return super.open(table);
  }
}

function parts(sink = new OpeningSink(), seekable = true) {
  const memory = new MemorySource({ partitions: new Map([[0, P0]]) });
  const inner: SourcePort = seekable
    ? memory
    : {
        open: (from) => memory.open(from),
        poll: (n) => memory.poll(n),
        acknowledge: (at) => memory.acknowledge(at),
        close: () => memory.close(),
      };
  const source = new RecordingSource(inner);
  const logger = new MemoryLogger();
  const commits = new CommitQueue();
  return {
    sink,
    source,
    logger,
    commits,
    recovery: new RebuildFromCommit(source, asPipelineOutput(sink), logger, SETTINGS, commits),
  };
}

/** Feeds partition 0's records `from` up to `to` (exclusive) to `engine`. */
function feed(engine: AnyEngine, from: number, to: number): void {
  for (let position = from; position < to; position++) engine.process({ partition: 0, position, value: P0[position] });
}

/** Fires a trigger of the state's engine and commits it as the pipeline does, keeping its counters. */
async function commit(state: RunState, sink: MemorySink, sequence: number): Promise<void> {
  const engine = state.engine;
  await sink.commit(storeCommitOf({ sequence, ...engine.trigger() }));
  state.committed(engine, engine.stats());
}

/**
 * Commits records 0-2 of partition 0 in two triggers (after 0, after 2): the second closes window
 * [0 s, 60 s), so a rebuild re-reads from 1, the trigger boundary where window [60 s, 120 s) began.
 */
async function commitFirstThree(state: RunState, sink: MemorySink): Promise<void> {
  feed(state.engine, 0, 1);
  await commit(state, sink, 0);
  feed(state.engine, 1, 3);
  await commit(state, sink, 1);
}

/** What a store holds after committing these partitions' checkpoints (their state encoded as a trigger's). */
function checkpointOf(partitions: ReadonlyArray<readonly [number, PartitionCheckpoint]>): StoredCheckpoint {
  const positions = new Map(partitions.map(([p, cp]) => [p, cp.nextPosition]));
  const watermarks = new Map(partitions.map(([p, cp]) => [p, cp.watermarkMs]));
  return {
    positions,
    engineState: encodeEngineState(0, positions, watermarks, { partitions: new Map(partitions) }),
  };
}

function partitionAt(replayFrom: number, nextPosition: number): PartitionCheckpoint {
  return { nextPosition, replayFrom, watermarkMs: -Infinity, replayMaxEventMs: -Infinity, closedUpToMs: -Infinity };
}

describe('rebuild from the commit: a fresh start and a restart', () => {
  it('opens a fresh start at the beginning of every partition', async () => {
    const { recovery, source } = parts();
    const engine = recovery.newEngine();
    expect(await recovery.start(engine)).toEqual([0]);
    expect(source.seeks).toEqual([new Map([[0, 0]])]);
    expect(engine.replayLeft()).toBe(0);
  });

  it('restarts where the open windows began, without a seek when nobody committed since', async () => {
    const first = parts();
    const engine = first.recovery.newEngine();
    await first.recovery.start(engine);
    const state = new RunState(engine, [0], 0);
    await commitFirstThree(state, first.sink);

    const again = parts(first.sink);
    const restarted = again.recovery.newEngine();
    await again.recovery.start(restarted);
    // Window [60 s, 120 s) began at position 1; the closed one holds nothing to re-read.
    expect(again.source.seeks).toEqual([]);
    expect(restarted.replayLeft()).toBe(2);
    expect(new RunState(restarted, [0], 0).rebuilding).toBe('a restart');
  });

  it('seeks to the checkpoint read after joining when the owner committed meanwhile', async () => {
    const { recovery, source, sink } = parts();
    jest.spyOn(sink, 'open').mockResolvedValue(checkpointOf([[0, partitionAt(1, 2)]]));
    jest.spyOn(sink, 'checkpoint').mockResolvedValue(checkpointOf([[0, partitionAt(3, 4)]]));
    const engine = recovery.newEngine();
    await recovery.start(engine);
    expect(source.seeks).toEqual([new Map([[0, 3]])]);
    expect(engine.replayLeft()).toBe(1);
  });

  it('opens a source that cannot seek where the checkpoint read at open says, and cannot rebuild it later', async () => {
    const { recovery, sink } = parts(new OpeningSink(), false);
    jest.spyOn(sink, 'open').mockResolvedValue(checkpointOf([[0, partitionAt(2, 4)]]));
    const engine = recovery.newEngine();
    await recovery.start(engine);
    expect(recovery.canRebuild()).toBe(false);
    expect(engine.replayLeft()).toBe(2);
    await expect(recovery.rebuild(new RunState(engine, [0, 1], 0), [0], 'a rebalance')).rejects.toThrow(
      new HexstreamError('INTERNAL', 'source changed its partitions but cannot seek'),
    );
  });
});

describe('rebuild from the commit: mid-run', () => {
  it('restores the assigned partitions on a fresh engine, seeks, and keeps only the committed counters', async () => {
    const { recovery, source, sink, logger } = parts();
    const engine = recovery.newEngine();
    await recovery.start(engine);
    const state = new RunState(engine, [0, 1], 0);
    await commitFirstThree(state, sink);
    feed(engine, 3, 5); // read, never committed: read again by the next engine
    state.pending = 2;
    state.lag.set(0, 9).set(1, 8).set(2, 7);

    await recovery.rebuild(state, [0, 1], 'a rebalance');

    expect(state.engine).not.toBe(engine);
    expect(source.seeks.at(-1)).toEqual(
      new Map([
        [0, 1],
        [1, 0],
      ]),
    );
    expect(state.engine.replayLeft()).toBe(2);
    expect(state.rebuilding).toBe('a rebalance');
    expect(state.pending).toBe(0);
    expect([...state.lag.keys()]).toEqual([0, 1]);
    const totals = state.totals();
    expect([totals.read, totals.accepted, totals.replayed, totals.triggers, totals.finalRows]).toEqual([3, 3, 0, 2, 1]);
    expect(logger.entries.at(-1)).toEqual({
      level: 'info',
      message: 'partitions reassigned',
      context: { partitions: '0,1' },
    });

    // The next engine re-reads 1-2 and reads 3-4 for the first time, commits, and is replaced in turn.
    feed(state.engine, 1, 5);
    await commit(state, sink, 2);
    await recovery.rebuild(state, [1], 'another instance committed');
    const after = state.totals();
    expect([after.read, after.accepted, after.replayed, after.triggers]).toEqual([5, 5, 2, 3]);
    expect(state.assigned).toEqual([1]);
    expect(source.seeks.at(-1)).toEqual(new Map([[1, 0]]));
    expect(state.rebuilding).toBeUndefined();
  });

  it('reads each committed partition from its replay point, and one never committed from its start', async () => {
    const { recovery, source, sink } = parts();
    const engine = recovery.newEngine();
    await recovery.start(engine);
    jest.spyOn(sink, 'checkpoint').mockResolvedValue(
      checkpointOf([
        [0, partitionAt(1, 3)],
        [1, partitionAt(5, 7)],
      ]),
    );
    await recovery.rebuild(new RunState(engine, [0, 1], 0), [0, 1, 2], 'a rebalance');
    expect(source.seeks.at(-1)).toEqual(
      new Map([
        [0, 1],
        [1, 5],
        [2, 0],
      ]),
    );
  });

  it('lets the commit in flight land first, and goes on when it was fenced', async () => {
    const { recovery, commits } = parts();
    const engine = recovery.newEngine();
    await recovery.start(engine);
    const state = new RunState(engine, [0, 1], 0);
    await commits.submit(async () => {
      throw new HexstreamError('SINK_FENCED', 'another owner');
    }, true);
    await recovery.rebuild(state, [0, 1], 'another instance committed');
    expect(state.engine).not.toBe(engine);

    const broken = new HexstreamError('SINK_WRITE_FAILED', 'disk full');
    await commits.submit(async () => {
      throw broken;
    }, true);
    await expect(recovery.rebuild(state, [0, 1], 'a rebalance')).rejects.toBe(broken);
  });

  it('after an outage, opens the sink again and rebuilds the partitions owned', async () => {
    const { recovery, source, sink } = parts();
    const engine = recovery.newEngine();
    await recovery.start(engine);
    const state = new RunState(engine, [0], 0);
    await commitFirstThree(state, sink);
    await recovery.afterOutage(state);
    expect(sink.opens).toBe(2);
    expect(source.seeks.at(-1)).toEqual(new Map([[0, 1]]));
    expect(state.rebuilding).toBe('a sink outage');
  });
});
