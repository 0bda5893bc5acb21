import fc from 'fast-check';
import { ManualClock } from '../../../src/adapters/memory/manual-clock.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import type { OutputMode } from '../../../src/domain/engine/output-mode';
import { generateOrders } from '../../../src/domain/jobs/orders.generator';
import type { SourceRecord } from '../../../src/domain/records';
import { StreamPipeline } from '../../../src/domain/pipeline/stream-pipeline';
import type { SourceBatch, SourcePort } from '../../../src/ports/source.port';
import { byRowkey } from '../../support/order-table';
import { orderCountRegressions } from '../../support/row-regressions';
import { ordersSettings } from '../../support/orders-pipeline';
import { referenceOrders, type ReferenceOptions } from '../../support/reference-orders';
import { propertyRuns } from '../../support/property-runs';

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
    const all =
      this.assigned.length === this.topic.size &&
      this.assigned.every((p) => (this.cursor.get(p) ?? 0) >= (this.topic.get(p)?.length ?? 0));
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
    const lines = [
      ...generateOrders({ count, seed: seed + p, startMs: Date.UTC(2025, 0, 1), ordersPerSecond: 4, faultShare: 0.08 }),
    ].map((r) =>
      r.line
        .replace(/"orderid":1(\d{12})/, (_m, rest: string) => `"orderid":${p + 2}${rest}`)
        .replace(/"shopid":(\d+)/, (_m, id: string) => `"shopid":${p + 1}${id}`),
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
      rebalance: fc.option(fc.record({ atPoll: fc.integer({ min: 1, max: 30 }), assigned: subsetOf3 }), {
        nil: undefined,
      }),
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
            window: { kind: 'fixed', lengthMs: semantics.windowMs, slideMs: semantics.slideMs },
            watermarkMs: semantics.watermarkMs,
            triggerRecords,
            onStop: 'checkpoint',
            overlapCommits,
          });
          for (const m of killed) {
            const source = new GroupMemberSource(topic, m.initial, m.rebalance, m.crashAtPoll, batch);
            // A member that holds every partition may read to the end before its kill: that is a graceful end.
            await new StreamPipeline(source, sink, new ManualClock(0, 0), new MemoryLogger(), settings)
              .run()
              .catch((e: unknown) => {
                if (!(e instanceof Crash)) throw e;
              });
          }
          const final = new GroupMemberSource(
            topic,
            last.initial,
            { atPoll: last.atPoll, assigned: [0, 1, 2] },
            0,
            batch,
          );
          await new StreamPipeline(final, sink, new ManualClock(0, 0), new MemoryLogger(), {
            ...settings,
            onStop: 'flush',
          }).run();

          const expected = referenceOrders(topic, semantics);
          expect(byRowkey(sink.table.values())).toEqual(expected.rows);
          const dead = sink.deadLetters.map((d) => `${d.reason}@${d.partition}:${d.position}`).sort();
          expect(dead).toEqual(expected.deadLetters.map((d) => `${d.reason}@${d.partition}:${d.position}`).sort());
          // A replay never writes a row back to a value with fewer orders than one written before.
          if (outputMode === 'update') expect(orderCountRegressions(sink)).toEqual([]);
        },
      ),
      { numRuns: propertyRuns(60, 3) },
    );
  });
});

/** Bound on any member's polls: a run that never ends fails instead of spinning. */
const MAX_POLLS = 50_000;

/**
 * Two members of one group over an in-memory topic, run side by side on one sink without a
 * compare-and-set (as a Kafka topic is):
 *
 *   owner:    poll … joinAtPoll ─ commits ─ … ─ revoking ─▶ hand-over commit ─▶ acknowledge ─▶ assigned(ownerShare) …
 *   newcomer:             sink.open() ─▶ source.open() ………… joins ……………………………┘ gets newcomerShare …
 *
 * The newcomer starts (its sink opens) at the owner's poll `joinAtPoll`; the owner goes on for
 * `pollsWhileJoining` polls, committing triggers, until the rebalance begins. Later one member is
 * killed at a poll (`kill -9`: no hand-over) and the survivor is given every partition.
 */
class JoiningGroup {
  readonly owner: SharedMember;
  readonly newcomer: SharedMember;
  private joined: () => void = () => undefined;
  handedOver = false;
  readonly split = new Promise<void>((resolve) => {
    this.joined = resolve;
  });

  constructor(
    readonly topic: ReadonlyMap<number, readonly string[]>,
    readonly plan: JoinPlan,
    batch: number,
    private readonly startNewcomer: () => void,
  ) {
    const ownerShare = [0, 1, 2].filter((p) => !plan.newcomerShare.includes(p));
    this.owner = new SharedMember(
      this,
      [0, 1, 2],
      ownerShare,
      batch,
      plan.victim === 'owner' ? plan.killAfterSplit : 0,
    );
    this.newcomer = new SharedMember(
      this,
      [],
      plan.newcomerShare,
      batch,
      plan.victim === 'newcomer' ? plan.killAfterSplit : 0,
    );
  }

  /** Called at each of the owner's polls before the split: what the group does then. */
  ownerBeforeSplit(poll: number): 'read' | 'revoking' {
    if (poll === this.plan.joinAtPoll) this.startNewcomer();
    return poll >= this.plan.joinAtPoll + this.plan.pollsWhileJoining ? 'revoking' : 'read';
  }

  /** The owner's hand-over commit is acknowledged: the group completes the rebalance. */
  handOver(): void {
    this.handedOver = true;
    this.owner.reassign(this.owner.share);
    this.joined();
  }

  died(member: SharedMember): void {
    const survivor = member === this.owner ? this.newcomer : this.owner;
    survivor.reassign([0, 1, 2]);
  }
}

interface JoinPlan {
  readonly joinAtPoll: number;
  readonly pollsWhileJoining: number;
  readonly newcomerShare: readonly number[];
  readonly victim: 'owner' | 'newcomer';
  /** The victim's poll, counted from the split, at which it is killed. */
  readonly killAfterSplit: number;
}

class SharedMember implements SourcePort {
  private readonly cursor = new Map<number, number>();
  private assigned: number[];
  private polls = 0;
  private pollsAtSplit: number | undefined;
  private next = 0;
  private pending: number[] | undefined;
  /** Set when the rebalance began: the next position of every partition read so far. */
  private delivered: Map<number, number> | undefined;

  constructor(
    private readonly group: JoiningGroup,
    initial: readonly number[],
    readonly share: readonly number[],
    private readonly batch: number,
    private readonly killAfterSplit: number,
  ) {
    this.assigned = [...initial];
  }

  async open(resumeFrom: ReadonlyMap<number, number>): Promise<readonly number[]> {
    if (this.assigned.length === 0) {
      // The newcomer: joining takes until the owner handed its partitions over.
      await this.group.split;
      this.assigned = [...this.share];
      this.pollsAtSplit = 0;
    }
    for (const p of this.assigned) this.cursor.set(p, resumeFrom.get(p) ?? 0);
    return [...this.assigned];
  }

  async seek(positions: ReadonlyMap<number, number>): Promise<void> {
    for (const [p, position] of positions) this.cursor.set(p, position);
  }

  reassign(partitions: readonly number[]): void {
    this.pending = [...partitions];
    this.pollsAtSplit ??= this.polls;
  }

  async poll(maxRecords: number): Promise<SourceBatch> {
    this.polls++;
    if (this.polls > MAX_POLLS) throw new Error(`a member polled ${MAX_POLLS} times without ending`);
    if (
      this.pollsAtSplit !== undefined &&
      this.killAfterSplit > 0 &&
      this.polls - this.pollsAtSplit === this.killAfterSplit
    ) {
      this.group.died(this);
      throw new Crash('killed');
    }
    if (this.pending !== undefined) {
      this.assigned = this.pending;
      this.pending = undefined;
      this.cursor.clear();
      return { records: [], endedPartitions: [], exhausted: false, assigned: [...this.assigned] };
    }
    if (this.pollsAtSplit === undefined && this.group.ownerBeforeSplit(this.polls) === 'revoking') {
      // Asked once; until the commit is acknowledged, nothing more is read.
      const first = this.delivered === undefined;
      this.delivered ??= new Map(this.cursor);
      return { records: [], endedPartitions: [], exhausted: false, ...(first ? { revoking: true } : {}) };
    }
    return this.read(maxRecords);
  }

  /**
   * As the Kafka source: the partitions go once a commit covering everything delivered before the
   * rebalance began is acknowledged (with overlapping commits, an earlier trigger's commit may be
   * acknowledged after the announcement; it does not count).
   */
  async acknowledge(positions: ReadonlyMap<number, number>): Promise<void> {
    const delivered = this.delivered;
    if (delivered === undefined || this.pollsAtSplit !== undefined) return;
    if ([...delivered].every(([p, n]) => (positions.get(p) ?? -1) >= n)) this.group.handOver();
  }

  async close(): Promise<void> {}

  private read(maxRecords: number): SourceBatch {
    const topic = this.group.topic;
    for (let tries = 0; tries < this.assigned.length; tries++) {
      const p = this.assigned[this.next++ % this.assigned.length] as number;
      const values = topic.get(p) ?? [];
      const from = this.cursor.get(p) ?? 0;
      const to = Math.min(values.length, from + Math.min(maxRecords, this.batch));
      if (to === from) continue;
      const records: SourceRecord[] = [];
      for (let i = from; i < to; i++) records.push({ partition: p, position: i, value: values[i] });
      this.cursor.set(p, to);
      return { records, endedPartitions: [], exhausted: false };
    }
    // The run ends after the join (a source that ended before would leave the newcomer nothing to do).
    const all =
      this.pollsAtSplit !== undefined &&
      this.assigned.length === topic.size &&
      this.assigned.every((p) => (this.cursor.get(p) ?? 0) >= (topic.get(p)?.length ?? 0));
    return { records: [], endedPartitions: all ? [...this.assigned] : [], exhausted: all };
  }
}

/** Keys emitted by more than one commit: a topic written once per closed window must hold none. */
function emittedTwice(sink: MemorySink): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const commit of sink.commits) {
    for (const row of commit.rows) {
      if (seen.has(row.key)) twice.push(row.key);
      seen.add(row.key);
    }
  }
  return twice;
}

describe('a member joining a running group', () => {
  it("rebuilds from the owner's hand-over commit, not from the checkpoint read when its sink opened: nothing is written twice", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 1000 }),
          overlapCommits: fc.boolean(),
          outputMode: fc.constantFrom<OutputMode>('update', 'append'),
          batch: fc.integer({ min: 1, max: 120 }),
          triggerRecords: fc.integer({ min: 1, max: 300 }),
          plan: fc.record({
            joinAtPoll: fc.integer({ min: 1, max: 20 }),
            pollsWhileJoining: fc.integer({ min: 1, max: 20 }),
            newcomerShare: fc.subarray([0, 1, 2], { minLength: 1, maxLength: 2 }),
            victim: fc.constantFrom<'owner' | 'newcomer'>('owner', 'newcomer'),
            killAfterSplit: fc.integer({ min: 1, max: 40 }),
          }),
        }),
        async ({ seed, overlapCommits, outputMode, batch, triggerRecords, plan }) => {
          const semantics: ReferenceOptions = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };
          const topic = keyedTopic(seed, 300);
          const sink = new MemorySink();
          const settings = ordersSettings({
            outputMode,
            window: { kind: 'fixed', lengthMs: semantics.windowMs, slideMs: semantics.slideMs },
            watermarkMs: semantics.watermarkMs,
            triggerRecords,
            onStop: 'flush',
            overlapCommits,
          });
          const run = (source: SourcePort): Promise<unknown> =>
            new StreamPipeline(source, sink, new ManualClock(0, 0), new MemoryLogger(), settings)
              .run()
              .catch((e: unknown) => {
                if (!(e instanceof Crash)) throw e;
              });
          let newcomerRun: Promise<unknown> = Promise.reject(new Error('the newcomer never started'));
          newcomerRun.catch(() => undefined);
          const group: JoiningGroup = new JoiningGroup(topic, plan, batch, () => {
            newcomerRun = run(group.newcomer);
          });
          await run(group.owner);
          // Without the hand-over, the newcomer would wait for its partitions forever.
          expect(group.handedOver).toBe(true);
          await newcomerRun;

          const expected = referenceOrders(topic, semantics);
          expect(byRowkey(sink.table.values())).toEqual(expected.rows);
          const dead = sink.deadLetters.map((d) => `${d.reason}@${d.partition}:${d.position}`).sort();
          expect(dead).toEqual(expected.deadLetters.map((d) => `${d.reason}@${d.partition}:${d.position}`).sort());
          if (outputMode === 'append') expect(emittedTwice(sink)).toEqual([]);
          else expect(orderCountRegressions(sink)).toEqual([]);
        },
      ),
      { numRuns: propertyRuns(60, 3) },
    );
  });
});
