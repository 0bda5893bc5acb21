import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import { StreamEngine } from '../../../src/domain/engine/stream-engine';
import type { AnyJob } from '../../../src/domain/jobs/job';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import { CommitQueue } from '../../../src/domain/pipeline/commit-queue';
import { RunState } from '../../../src/domain/pipeline/run-state';
import { asPipelineOutput } from '../../../src/domain/pipeline/pipeline-output';
import { TriggerFiring } from '../../../src/domain/pipeline/trigger-firing';
import { TriggerPolicy } from '../../../src/domain/pipeline/trigger-policy';
import { tumblingWindows } from '../../../src/domain/windowing/window-spec';
import { order } from '../../support/order-lines';

function setup(onStop: 'flush' | 'checkpoint', overlapCommits = false) {
  const engine = new StreamEngine(ordersJob as AnyJob, {
    window: tumblingWindows(60_000),
    watermarkMs: 10_000,
    outputMode: 'update',
  });
  engine.addPartitions([0]);
  const state = new RunState(engine, [0], 0);
  const sink = new MemorySink();
  const source = new MemorySource({ partitions: new Map() });
  const policy = new TriggerPolicy({ triggerIntervalMs: 1_000, triggerRecords: 10, onStop });
  const firing = new TriggerFiring(asPipelineOutput(sink), source, policy, new CommitQueue(), {
    idleTimeoutMs: 60_000,
    overlapCommits,
  });
  return { state, sink, source, firing };
}

function read(state: RunState, position: number): void {
  state.engine.process({ partition: 0, position, value: order({ orderid: position, t: '00:00:01' }) });
  state.pending++;
}

describe('firing a trigger', () => {
  it('commits what was read, numbered in order, and starts the next trigger', async () => {
    const { state, sink, source, firing } = setup('flush');
    read(state, 0);
    read(state, 1);
    await firing.fire(state, 1_500);
    read(state, 2);
    await firing.fire(state, 2_500);
    expect(sink.commits.map((c) => [c.sequence, c.rows.length, c.positions.get(0), c.snapshot])).toEqual([
      [0, 1, 2, undefined],
      [1, 1, 3, undefined],
    ]);
    expect([state.pending, state.lastTriggerMs, state.sequence]).toEqual([0, 2_500, 2]);
    expect(state.committedPositions).toEqual(new Map([[0, 3]]));
    expect(source.acknowledged).toEqual([new Map([[0, 2]]), new Map([[0, 3]])]);
  });

  it('commits nothing for a trigger with nothing to write, unless it must be durable', async () => {
    const { state, sink, firing } = setup('flush');
    read(state, 0);
    await firing.fire(state, 1_000);
    await firing.fire(state, 2_000);
    expect([sink.commits.length, state.sequence, state.lastTriggerMs]).toEqual([1, 1, 2_000]);
    await firing.fire(state, 3_000, false, true);
    expect(sink.commits.map((c) => c.sequence)).toEqual([0, 1]);
  });

  it('stores the state with the last trigger of a run that resumes', async () => {
    const { state, sink, firing } = setup('checkpoint');
    read(state, 0);
    await firing.fire(state, 1_000, true);
    expect(sink.commits[0]?.snapshot?.partitions).toEqual([0]);
  });

  it('goes on while the commit runs when commits overlap, and waits for it before the next', async () => {
    const { state, sink, firing } = setup('flush', true);
    let release = (): void => undefined;
    const landed: number[] = [];
    jest.spyOn(sink, 'commit').mockImplementation(async (trigger) => {
      await new Promise<void>((resolve) => (release = resolve));
      landed.push(trigger.sequence);
    });
    const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    read(state, 0);
    await firing.fire(state, 1_000);
    expect([landed, state.committing]).toEqual([[], { sinceMs: 1_000 }]);
    read(state, 1);
    const next = firing.fire(state, 2_000);
    await settled();
    expect(landed).toEqual([]);
    release();
    await next;
    expect([landed, state.committing]).toEqual([[0], { sinceMs: 2_000 }]);
    // The last trigger waits for its own commit too.
    const last = firing.fire(state, 3_000, true);
    release();
    await settled();
    release();
    await last;
    expect([landed, state.committing]).toEqual([[0, 1, 2], undefined]);
  });
});
