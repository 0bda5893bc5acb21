import type { PartitionCheckpoint } from '../../../src/domain/engine/engine-checkpoint';
import fc from 'fast-check';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { MemorySource } from '../../../src/adapters/memory/memory-source.adapter';
import type { OutputMode } from '../../../src/domain/engine/output-mode';
import { generateOrders } from '../../../src/domain/jobs/orders.generator';
import { StreamPipeline, type StopToken } from '../../../src/domain/pipeline/stream-pipeline';
import type { StoreCommit } from '../../../src/ports/result-store.port';
import type { SourceBatch, SourcePort } from '../../../src/ports/source.port';
import { byRowkey } from '../../support/order-table';
import { orderCountRegressions } from '../../support/row-regressions';
import { ordersSettings } from '../../support/orders-pipeline';
import { referenceOrders, type ReferenceOptions } from '../../support/reference-orders';
import { propertyRuns } from '../../support/property-runs';
import { committedOf } from '../../support/memory-committed';

// 40 runs of whole pipelines each: CPU-bound, and slow while the e2e suites share the cores.
jest.setTimeout(600_000);

class Crash extends Error {}

/** A source that dies (like `kill -9`) on its n-th poll: nothing after the last commit survives. */
class CrashingSource implements SourcePort {
  private polls = 0;
  delivered = 0;
  readonly seek?: (positions: ReadonlyMap<number, number>) => Promise<void>;
  constructor(
    private readonly inner: SourcePort,
    private readonly crashAtPoll: number,
    seekable = false,
  ) {
    if (seekable && inner.seek !== undefined) this.seek = inner.seek.bind(inner);
  }
  open(resumeFrom: ReadonlyMap<number, number>): Promise<readonly number[]> {
    return this.inner.open(resumeFrom);
  }
  async poll(maxRecords: number, maxWaitMs: number): Promise<SourceBatch> {
    if (++this.polls === this.crashAtPoll) throw new Crash('killed');
    const batch = await this.inner.poll(maxRecords, maxWaitMs);
    this.delivered += batch.records.length;
    return batch;
  }
  acknowledge(positions: ReadonlyMap<number, number>): Promise<void> {
    return this.inner.acknowledge(positions);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A durable store whose commits take a turn of the event loop, so overlapping commits really overlap. */
class DeferredSink extends MemorySink {
  override async commit(trigger: StoreCommit): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    return super.commit(trigger);
  }
}

/** Three partitions of generated orders (late, duplicate and malformed included), ids unique per partition. */
function partitions(seed: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (let p = 0; p < 3; p++) {
    const lines = [
      ...generateOrders({
        count: 700,
        seed: seed + p,
        startMs: Date.UTC(2025, 0, 1),
        ordersPerSecond: 4,
        faultShare: 0.08,
      }),
    ].map((r) =>
      // Keep order ids of different partitions apart, as a topic keyed by shop would.
      r.line.replace(/"orderid":1(\d{12})/, (_m, rest: string) => `"orderid":${p + 2}${rest}`),
    );
    out.set(p, lines);
  }
  return out;
}

interface Scenario {
  overlapCommits: boolean;
  outputMode: OutputMode;
  semantics: ReferenceOptions;
  crashes: number[];
  batch: number;
  triggerRecords: number;
}

async function runWithCrashes(data: Map<number, string[]>, s: Scenario): Promise<{ sink: MemorySink; runs: number }> {
  const sink = new DeferredSink();
  const settings = ordersSettings({
    outputMode: s.outputMode,
    window: { kind: 'fixed', lengthMs: s.semantics.windowMs, slideMs: s.semantics.slideMs },
    watermarkMs: s.semantics.watermarkMs,
    triggerRecords: s.triggerRecords,
    onStop: 'checkpoint',
    overlapCommits: s.overlapCommits,
  });
  let runs = 0;
  for (const crash of [...s.crashes, 0]) {
    runs++;
    // The last run reads to the end of the stream: its end flushes what is still open.
    const run = crash === 0 ? { ...settings, onStop: 'flush' as const } : settings;
    // A negative crash point fails the run's first commit instead, inside the sink's transaction.
    if (crash < 0) sink.failNextCommit(new Crash('killed during commit'));
    const source = new CrashingSource(
      new MemorySource({ partitions: data, batchSizes: [s.batch] }),
      Math.max(crash, 0),
    );
    const pipeline = new StreamPipeline(source, sink, new ManualClock(0, 0), new MemoryLogger(), run);
    try {
      await pipeline.run();
    } catch (e) {
      if (!(e instanceof Crash)) throw e;
    }
  }
  return { sink, runs };
}

/** What every scenario varies besides how its runs end: data, output mode, semantics, cuts. */
const scenarioShape = {
  seed: fc.integer({ min: 1, max: 1000 }),
  overlapCommits: fc.boolean(),
  outputMode: fc.constantFrom<OutputMode>('update', 'append', 'complete'),
  semantics: fc.constantFrom<ReferenceOptions>(
    { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 },
    { windowMs: 120_000, slideMs: 60_000, watermarkMs: 5_000 },
    { windowMs: 30_000, slideMs: 10_000, watermarkMs: 0 },
  ),
  batch: fc.integer({ min: 1, max: 200 }),
  triggerRecords: fc.integer({ min: 1, max: 400 }),
};

describe('crash recovery (restart from the committed checkpoint, replaying open windows)', () => {
  it('ends with exactly the reference table and each dead letter once, whatever the crash points', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          ...scenarioShape,
          crashes: fc.array(fc.oneof(fc.integer({ min: 1, max: 60 }), fc.constant(-1)), { minLength: 1, maxLength: 4 }),
        }),
        async ({ seed, ...scenario }) => {
          const data = partitions(seed);
          const { sink } = await runWithCrashes(data, scenario);
          const expected = referenceOrders(data, scenario.semantics);
          const actual = byRowkey(sink.table.values());
          expect(actual).toEqual(expected.rows);
          const dead = sink.deadLetters.map((d) => `${d.reason}@${d.partition}:${d.position}`).sort();
          expect(dead).toEqual(expected.deadLetters.map((d) => `${d.reason}@${d.partition}:${d.position}`).sort());
          if (scenario.outputMode === 'update') expect(orderCountRegressions(sink)).toEqual([]);
        },
      ),
      { numRuns: propertyRuns(40, 2) },
    );
  });

  it('re-reads only from the oldest open window, not from the beginning', async () => {
    const data = partitions(7);
    const sink = new DeferredSink();
    const settings = ordersSettings({ triggerRecords: 50, onStop: 'checkpoint' });
    const stopAfter = (n: number): StopToken => {
      let polls = 0;
      return { isStopped: () => ++polls > n };
    };
    await new StreamPipeline(
      new MemorySource({ partitions: data, batchSizes: [25] }),
      sink,
      new ManualClock(),
      new MemoryLogger(),
      settings,
    ).run(stopAfter(40));
    const cp = committedOf(sink)?.engine;
    expect(cp).toBeDefined();
    for (const [, p] of cp?.partitions ?? new Map<number, PartitionCheckpoint>()) {
      expect(p.replayFrom).toBeGreaterThan(0);
      expect(p.replayFrom).toBeLessThan(p.nextPosition);
      // 1-minute windows and a 10 s watermark at 4 orders/s: at most ~2 windows (~480 records) to re-read.
      expect(p.nextPosition - p.replayFrom).toBeLessThan(600);
    }
  });
});

/** A run ends by `kill -9` at a poll, or by a graceful stop (SIGTERM) after a number of polls. */
type Ending =
  { readonly kind: 'crash'; readonly atPoll: number } | { readonly kind: 'stop'; readonly afterPolls: number };

describe('graceful stops (the last trigger stores a snapshot of the engine)', () => {
  it('ends with the reference table; with only graceful stops, no record is read twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          ...scenarioShape,
          endings: fc.array(
            fc.oneof(
              fc.record({ kind: fc.constant('stop' as const), afterPolls: fc.integer({ min: 1, max: 40 }) }),
              fc.record({ kind: fc.constant('crash' as const), atPoll: fc.integer({ min: 1, max: 40 }) }),
            ),
            { minLength: 1, maxLength: 4 },
          ),
        }),
        async ({ seed, overlapCommits, outputMode, semantics, endings, batch, triggerRecords }) => {
          const data = partitions(seed);
          const sink = new DeferredSink();
          const settings = ordersSettings({
            overlapCommits,
            outputMode,
            window: { kind: 'fixed', lengthMs: semantics.windowMs, slideMs: semantics.slideMs },
            watermarkMs: semantics.watermarkMs,
            triggerRecords,
            onStop: 'checkpoint',
          });
          let delivered = 0;
          let replayed = 0;
          for (const ending of [...endings, undefined] as (Ending | undefined)[]) {
            const run = ending === undefined ? { ...settings, onStop: 'flush' as const } : settings;
            const source = new CrashingSource(
              new MemorySource({ partitions: data, batchSizes: [batch] }),
              ending?.kind === 'crash' ? ending.atPoll : 0,
              true,
            );
            let polls = 0;
            const stop: StopToken = { isStopped: () => ending?.kind === 'stop' && ++polls > ending.afterPolls };
            try {
              replayed += (
                await new StreamPipeline(source, sink, new ManualClock(0, 0), new MemoryLogger(), run).run(stop)
              ).counters.replayed;
            } catch (e) {
              if (!(e instanceof Crash)) throw e;
            }
            delivered += source.delivered;
          }
          const expected = referenceOrders(data, semantics);
          expect(byRowkey(sink.table.values())).toEqual(expected.rows);
          const dead = sink.deadLetters.map((d) => `${d.reason}@${d.partition}:${d.position}`).sort();
          expect(dead).toEqual(expected.deadLetters.map((d) => `${d.reason}@${d.partition}:${d.position}`).sort());
          if (endings.every((e) => e.kind === 'stop')) {
            expect(replayed).toBe(0);
            expect(delivered).toBe([...data.values()].reduce((n, lines) => n + lines.length, 0));
          }
        },
      ),
      { numRuns: propertyRuns(40, 2) },
    );
  });
});
