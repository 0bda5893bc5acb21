import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import { StreamEngine } from '../../../src/domain/engine/stream-engine';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import type { AnyJob } from '../../../src/domain/jobs/job';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import { commitTrigger } from '../../../src/domain/pipeline/commit-trigger';
import { RunState, type AnyEngine } from '../../../src/domain/pipeline/run-state';
import { tumblingWindows } from '../../../src/domain/windowing/window-spec';
import { asPipelineOutput, type TriggerCommit } from '../../../src/domain/pipeline/pipeline-output';
import { order } from '../../support/order-lines';

function engine(): AnyEngine {
  return new StreamEngine(ordersJob as AnyJob, {
    window: tumblingWindows(60_000),
    watermarkMs: 10_000,
    outputMode: 'update',
  });
}

/** A state whose engine read two orders, and the trigger that holds them. */
function twoOrders(): { state: RunState; trigger: TriggerCommit } {
  const e = engine();
  e.addPartitions([0]);
  e.process({ partition: 0, position: 0, value: order({ orderid: 1, t: '00:00:01' }) });
  e.process({ partition: 0, position: 1, value: order({ orderid: 2, t: '00:00:02' }) });
  return { state: new RunState(e, [0], 0), trigger: { sequence: 0, ...e.trigger() } };
}

describe('commit of one trigger', () => {
  it('commits, then acknowledges the positions, and keeps the counters a rebuild would carry', async () => {
    const { state, trigger } = twoOrders();
    const sink = new MemorySink();
    const source = new MemorySource({ partitions: new Map() });
    const seen: unknown[] = [];
    jest.spyOn(sink, 'commit').mockImplementation(async () => {
      seen.push(state.committing);
    });
    const stats = state.engine.stats();
    await commitTrigger(asPipelineOutput(sink), source, trigger, state, { owner: state.engine, stats, atMs: 700 });
    expect(seen).toEqual([{ sinceMs: 700 }]);
    expect(state.committing).toBeUndefined();
    expect(state.lastCommitStartMs).toBe(700);
    expect(source.acknowledged).toEqual([new Map([[0, 2]])]);
    state.replaceEngine(engine());
    expect(state.totals().read).toBe(2);
  });

  it('acknowledges nothing when the commit fails, and leaves the commit marked as begun', async () => {
    const { state, trigger } = twoOrders();
    const sink = new MemorySink();
    const source = new MemorySource({ partitions: new Map() });
    const down = new HexstreamError('SINK_UNAVAILABLE', 'down');
    sink.failNextCommit(down);
    const origin = { owner: state.engine, stats: state.engine.stats(), atMs: 900 };
    await expect(commitTrigger(asPipelineOutput(sink), source, trigger, state, origin)).rejects.toBe(down);
    expect(source.acknowledged).toEqual([]);
    expect(state.committing).toEqual({ sinceMs: 900 });
    state.replaceEngine(engine());
    expect(state.totals().read).toBe(0);
  });

  it('keeps no counters of an engine a rebuild replaced while its commit was in flight', async () => {
    const { state, trigger } = twoOrders();
    const owner = state.engine;
    state.replaceEngine(engine());
    const source = new MemorySource({ partitions: new Map() });
    await commitTrigger(asPipelineOutput(new MemorySink()), source, trigger, state, {
      owner,
      stats: owner.stats(),
      atMs: 0,
    });
    state.replaceEngine(engine());
    expect(state.totals().read).toBe(0);
  });
});
