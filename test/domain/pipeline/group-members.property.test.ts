import fc from 'fast-check';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import type { OutputMode } from '../../../src/domain/engine/output-mode';
import { generateOrders } from '../../../src/domain/jobs/orders.generator';
import type { SourceRecord } from '../../../src/domain/records';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import type { SourceBatch, SourcePort } from '../../../src/ports/source.port';
import { toReferenceRow } from '../../support/order-table';
import { orderCountRegressions } from '../../support/row-regressions';
import { ordersSettings } from '../../support/orders-pipeline';
import { referenceOrders, type ReferenceOptions } from '../../support/reference-orders';

class Crash extends Error {}

/**
 * One member of a consumer group over an in-memory topic: it reads only the partitions it is
 * assigned, may be given another set at a poll (a rebalance: an `assigned` batch, then `seek`),
 * and dies like `kill -9` at a poll. Bounded like `prod --bounded`: it ends only when it holds
 * every partition and has read each to its end.
 */
class GroupMemberSource implements SourcePort {
  private readonly cursor = new Map<number, number>();
  private assigned: number[];
  private polls = 0;
  private next = 0;

  constructor(
    private readonly topic: ReadonlyMap<number, readonly string[]>,
    initial: readonly number[],
    private readonly rebalance: { readonly atPoll: number; readonly assigned: readonly number[] } | undefined,
    private readonly crashAtPoll: number,
    private readonly batch: number,
  ) {
    this.assigned = [...initial];
  }

  async open(resumeFrom: ReadonlyMap<number, number>): Promise<readonly number[]> {
    for (const p of this.assigned) this.cursor.set(p, resumeFrom.get(p) ?? 0);
    return [...this.assigned];
  }

  async seek(positions: ReadonlyMap<number, number>): Promise<void> {
    for (const [p, position] of positions) this.cursor.set(p, position);
  }

  async poll(maxRecords: number): Promise<SourceBatch> {
    this.polls++;
    if (this.polls === this.crashAtPoll) throw new Crash('killed');
    if (this.rebalance !== undefined && this.polls === this.rebalance.atPoll) {
      this.assigned = [...this.rebalance.assigned];
      this.cursor.clear();
      return { records: [], endedPartitions: [], exhausted: false, assigned: [...this.assigned] };
    }
    for (let tries = 0; tries < this.assigned.length; tries++) {
      const p = this.assigned[this.next++ % this.assigned.length] as number;
      const values = this.topic.get(p) ?? [];
      const from = this.cursor.get(p) ?? 0;
      const to = Math.min(values.length, from + Math.min(maxRecords, this.batch));
      if (to === from) continue;
      const records: SourceRecord[] = [];
      for (let i = from; i < to; i++) records.push({ partition: p, position: i, value: values[i] });
      this.cursor.set(p, to);
      return { records, endedPartitions: [], exhausted: false };
    }
    const all = this.assigned.length === this.topic.size && this.assigned.every((p) => (this.cursor.get(p) ?? 0) >= (this.topic.get(p)?.length ?? 0));
    return { records: [], endedPartitions: all ? [...this.assigned] : [], exhausted: all };
  }

  async acknowledge(): Promise<void> {}

  async close(): Promise<void> {}
}

/**
 * Three partitions of generated orders keyed by shop, as a topic produced with the shop as key:
 * shops (so rows) and order ids never span two partitions.
 */
function keyedTopic(seed: number, count: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (let p = 0; p < 3; p++) {
    const lines = [...generateOrders({ count, seed: seed + p, startMs: Date.UTC(2025, 0, 1), ordersPerSecond: 4, faultShare: 0.08 })].map((r) =>
      r.line.replace(/"orderid":1(\d{12})/, (_m, rest: string) => `"orderid":${p + 2}${rest}`).replace(/"shopid":(\d+)/, (_m, id: string) => `"shopid":${p + 1}${id}`),
    );
    out.set(p, lines);
  }
  return out;
}

const subsetOf3 = fc.subarray([0, 1, 2], { minLength: 1 });

interface Member {
  readonly initial: readonly number[];
  readonly rebalance?: { readonly atPoll: number; readonly assigned: readonly number[] };
  readonly crashAtPoll: number;
}

describe('group members holding different partitions, killed at random polls', () => {
  it('end with exactly the reference table and each dead letter once', async () => {
    const member: fc.Arbitrary<Member> = fc.record({
      initial: subsetOf3,
      rebalance: fc.option(fc.record({ atPoll: fc.integer({ min: 1, max: 30 }), assigned: subsetOf3 }), { nil: undefined }),
      crashAtPoll: fc.integer({ min: 1, max: 50 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1000 }),
          overlapCommits: fc.boolean(),
          outputMode: fc.constantFrom<OutputMode>('update', 'append', 'complete'),
          semantics: fc.constantFrom<ReferenceOptions>(
            { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 },
            { windowMs: 120_000, slideMs: 60_000, watermarkMs: 5_000 },
            { windowMs: 30_000, slideMs: 10_000, watermarkMs: 0 },
          ),
          batch: fc.integer({ min: 1, max: 120 }),
          triggerRecords: fc.integer({ min: 1, max: 300 }),
          killed: fc.array(member, { minLength: 1, maxLength: 5 }),
          // The last member may start with some partitions (the others still held by dead members
          // until their sessions time out) and is then given all of them.
          last: fc.record({ initial: subsetOf3, atPoll: fc.integer({ min: 1, max: 40 }) }),
        }),
        async ({ seed, overlapCommits, outputMode, semantics, batch, triggerRecords, killed, last }) => {
          const topic = keyedTopic(seed, 500);
          const sink = new MemorySink();
          const settings = ordersSettings({
            outputMode,
            window: { lengthMs: semantics.windowMs, slideMs: semantics.slideMs },
            watermarkMs: semantics.watermarkMs,
            triggerRecords,
            onStop: 'checkpoint',
            overlapCommits,
          });
          for (const m of killed) {
            const source = new GroupMemberSource(topic, m.initial, m.rebalance, m.crashAtPoll, batch);
            // A member that holds every partition may read to the end before its kill: that is a graceful end.
            await new StreamPipeline(source, sink, new ManualClock(0, 0), new MemoryLogger(), settings).run().catch((e: unknown) => {
              if (!(e instanceof Crash)) throw e;
            });
          }
          const final = new GroupMemberSource(topic, last.initial, { atPoll: last.atPoll, assigned: [0, 1, 2] }, 0, batch);
          await new StreamPipeline(final, sink, new ManualClock(0, 0), new MemoryLogger(), { ...settings, onStop: 'flush' }).run();

          const expected = referenceOrders(topic, semantics);
          expect(new Map([...sink.table.values()].map((r) => [r.key, toReferenceRow(r)]))).toEqual(expected.rows);
          const dead = sink.deadLetters.map((d) => `${d.reason}@${d.partition}:${d.position}`).sort();
          expect(dead).toEqual(expected.deadLetters.map((d) => `${d.reason}@${d.partition}:${d.position}`).sort());
          // A replay never writes a row back to a value with fewer orders than one written before.
          if (outputMode === 'update') expect(orderCountRegressions(sink)).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
