import type { SourceBatch } from '../../ports/source.port';
import type { BoundedEnds } from './bounded-ends';
import type { GroupMembership } from './group-membership';
import type { RecordQueue } from './record-queue';
import type { WakeSignal } from './wake-signal';

/** What one poll of the group source reads and wakes. */
export interface PollContext {
  readonly membership: GroupMembership;
  readonly queue: RecordQueue;
  /** Wakes the poll waiting for records or for the group. */
  readonly reader: WakeSignal;
  /** Wakes the fetch loop once records were taken. */
  readonly fetcher: WakeSignal;
  readonly ends: BoundedEnds | undefined;
  readonly resumeFrom: ReadonlyMap<number, number>;
  /**
   * How long a poll waits for the group's answer after a hand-over: rejoining takes a moment, and
   * the same poll should bring the assignment, so that no trigger fires for partitions given away.
   */
  readonly rejoinWaitMs: number;
  /** Bounded: asks whether the partitions of other members are done (see `BoundedEnds.checkOthers`). */
  checkOthers(ends: BoundedEnds, partitions: readonly number[]): Promise<void>;
}

function nothing(): SourceBatch {
  return { records: [], endedPartitions: [], exhausted: false };
}

/**
 * One poll of a consumer-group source (either Kafka client's): the membership's step first (each
 * wait at most once per poll; a wait that changes nothing returns nothing), then records.
 */
export async function pollMembership(ctx: PollContext, maxRecords: number, maxWaitMs: number): Promise<SourceBatch> {
  const m = ctx.membership;
  let step = m.pollStep();
  if (step.kind === 'wait-hand-over') {
    await ctx.reader.wait(maxWaitMs);
    step = m.pollStep('hand-over');
  }
  if (step.kind === 'wait-rejoin') {
    await ctx.reader.wait(Math.max(maxWaitMs, ctx.rejoinWaitMs));
    step = m.pollStep('rejoin');
  }
  if (step.kind === 'fail') throw step.error;
  if (step.kind === 'revoking') return { ...nothing(), revoking: true };
  if (step.kind === 'assigned') return { ...nothing(), assigned: step.partitions };
  if (step.kind !== 'read') return nothing();
  const ends = ctx.ends;
  if (ends !== undefined) await ctx.checkOthers(ends, m.partitions);
  if (ctx.queue.available === 0 && !exhausted(ctx) && !m.hasPendingAssignment) {
    await ctx.reader.wait(maxWaitMs);
    const after = m.afterReadWait();
    if (after.kind === 'fail') throw after.error;
    if (after.kind !== 'read') return nothing();
  }
  return deliver(ctx, maxRecords);
}

function deliver(ctx: PollContext, maxRecords: number): SourceBatch {
  const { records, upTo } = ctx.queue.take(maxRecords);
  ctx.membership.deliveredUpTo(upTo);
  ctx.fetcher.wake();
  const partitions = ctx.membership.partitions;
  const endedPartitions = ctx.ends?.report((p) => ctx.queue.pendingFor(p)) ?? [];
  const lag = ctx.queue.lag(ctx.resumeFrom);
  const done =
    exhausted(ctx) && ctx.queue.available === 0 && ctx.ends !== undefined && ctx.ends.allReported(partitions);
  return { records, endedPartitions, exhausted: done, lag };
}

/** Bounded: see `BoundedEnds.exhausted`. */
function exhausted(ctx: PollContext): boolean {
  return ctx.ends !== undefined && ctx.ends.exhausted(ctx.membership.partitions);
}
