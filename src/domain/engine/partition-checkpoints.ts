import type { EngineCheckpoint, PartitionCheckpoint } from './engine-checkpoint';
import type { EngineSnapshot, PartitionSnapshot } from './engine-snapshot';
import { closedFor } from './partition-state';
import type { PartitionTable } from './partition-table';

/**
 * Where each partition would have to be re-read from to rebuild what is open now: the oldest
 * position `oldestOpen` names for it (open windows, sessions, remembered ids), taken back to a
 * trigger boundary. Called once per trigger, after eviction; it also records this trigger as a
 * boundary to replay from later.
 *
 * `exact` (processing time): the replay starts at the oldest position itself. A boundary is where
 * the watermark is known, which an event-time replay needs to make the same late decisions; a
 * processing-time replay places records by the clock anyway, and records before the oldest open
 * window's first would land in new windows though their own were written already.
 */
export function checkpointPartitions(
  table: PartitionTable,
  closedUpTo: number,
  oldestOpen: (partition: number, watermarkMs: number) => number | undefined,
  exact = false,
): EngineCheckpoint {
  const partitions = new Map<number, PartitionCheckpoint>();
  for (const [p, ps] of table.all()) {
    const w = ps.watermark.current();
    const open = oldestOpen(p, w);
    const oldest = open !== undefined && open < ps.nextPosition ? open : ps.nextPosition;
    ps.boundaries.add(ps.nextPosition, ps.watermark.maxEventTime());
    const boundary = ps.boundaries.atOrBefore(oldest) ?? {
      position: ps.nextPosition,
      maxEventMs: ps.watermark.maxEventTime(),
    };
    const from = exact ? { position: oldest, maxEventMs: boundary.maxEventMs } : boundary;
    // While replaying, what was committed before still counts as committed.
    partitions.set(p, {
      nextPosition: Math.max(ps.nextPosition, ps.replayUntil),
      watermarkMs: w,
      replayFrom: from.position,
      replayMaxEventMs: from.maxEventMs,
      closedUpToMs: closedFor(ps, closedUpTo),
    });
  }
  return { partitions };
}

/** See `StreamEngine.restore`; also returns the instant up to which windows are closed for the whole engine. */
export function restorePartitions(
  table: PartitionTable,
  checkpoint: EngineCheckpoint,
  assigned: ReadonlySet<number>,
): { readonly starts: Map<number, number>; readonly closedUpTo: number } {
  let closedUpTo = Infinity;
  const starts = new Map<number, number>();
  for (const p of assigned) {
    const cp = checkpoint.partitions.get(p);
    if (cp === undefined) {
      closedUpTo = -Infinity;
      continue;
    }
    const ps = table.get(p);
    ps.watermark.restore(cp.replayMaxEventMs);
    ps.nextPosition = cp.replayFrom;
    ps.replayUntil = cp.nextPosition;
    ps.closedFloor = cp.closedUpToMs;
    ps.boundaries.add(cp.replayFrom, cp.replayMaxEventMs);
    closedUpTo = Math.min(closedUpTo, cp.closedUpToMs);
    starts.set(p, cp.replayFrom);
  }
  return { starts, closedUpTo: closedUpTo === Infinity ? -Infinity : closedUpTo };
}

/** The partitions' part of a snapshot taken right after the trigger whose checkpoint is `committed`. */
export function snapshotPartitions(
  table: PartitionTable,
  committed: EngineCheckpoint,
  closedUpTo: number,
): [number, PartitionSnapshot][] {
  const partitions: [number, PartitionSnapshot][] = [];
  for (const [p, ps] of table.all()) {
    const cp = committed.partitions.get(p);
    partitions.push([
      p,
      {
        nextPosition: ps.nextPosition,
        replayUntil: ps.replayUntil,
        maxEventMs: ps.watermark.maxEventTime(),
        ended: ps.watermark.isEnded(),
        committedPosition: cp?.nextPosition ?? Math.max(ps.nextPosition, ps.replayUntil),
        committedWatermarkMs: cp?.watermarkMs ?? ps.watermark.current(),
        closedUpToMs: closedFor(ps, closedUpTo),
        boundaries: ps.boundaries.all().map((b) => ({ position: b.position, maxEventMs: b.maxEventMs })),
      },
    ]);
  }
  return partitions;
}

/** Puts the partitions of a snapshot back; returns where each reads on. */
export function restorePartitionSnapshots(
  table: PartitionTable,
  partitions: EngineSnapshot['partitions'],
): Map<number, number> {
  const starts = new Map<number, number>();
  for (const [p, s] of partitions) {
    const ps = table.get(p);
    ps.watermark.restore(s.maxEventMs);
    if (s.ended) ps.watermark.end();
    ps.nextPosition = s.nextPosition;
    ps.replayUntil = s.replayUntil;
    ps.closedFloor = s.closedUpToMs;
    for (const b of s.boundaries) ps.boundaries.add(b.position, b.maxEventMs);
    if (ps.boundaries.isEmpty()) ps.boundaries.add(s.nextPosition, s.maxEventMs);
    starts.set(p, s.nextPosition);
  }
  return starts;
}
