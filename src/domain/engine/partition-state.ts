import { PartitionWatermark } from '../windowing/watermark';
import { ReplayBoundaries } from './replay-boundaries';

/** What the engine knows of one source partition: its watermark, read position and replay range. */
export interface PartitionState {
  readonly watermark: PartitionWatermark;
  nextPosition: number;
  /** Processing time of the last record, as seen by the last `advanceIdle`. */
  lastActivityMs: number | undefined;
  sawRecordSinceTick: boolean;
  /** Processing time up to which idle time has already moved the watermark. */
  idleAdvancedToMs: number | undefined;
  /** How far idle time has moved the watermark since the partition's last record (0: not idle-advanced). */
  idleAdvancedByMs: number;
  /** Idle and never saw a record: it has no watermark to advance, so it stops holding others back. */
  idleWithoutEvents: boolean;
  readonly boundaries: ReplayBoundaries;
  /** Records before this position are being replayed after a restart: their dead letters were already written. */
  replayUntil: number;
  /**
   * Windows ending at or before this were closed with this partition's records by the instance
   * that committed it last (restored from its checkpoint): they stay closed for its records.
   */
  closedFloor: number;
  /** The newest event time read from the partition since the last trigger (replayed records aside): its freshness. */
  newestEventMs: number | undefined;
}

export function newPartitionState(watermarkDelayMs: number): PartitionState {
  return {
    watermark: new PartitionWatermark(watermarkDelayMs),
    nextPosition: 0,
    lastActivityMs: undefined,
    sawRecordSinceTick: false,
    idleAdvancedToMs: undefined,
    idleAdvancedByMs: 0,
    idleWithoutEvents: false,
    boundaries: new ReplayBoundaries(),
    replayUntil: 0,
    closedFloor: -Infinity,
    newestEventMs: undefined,
  };
}

/**
 * Windows ending at or before this are closed for the partition's records: those the engine closed
 * (`closedUpTo`) and those the partition's last committer closed (its floor).
 */
export function closedFor(ps: PartitionState, closedUpTo: number): number {
  return Math.max(closedUpTo, ps.closedFloor);
}

/**
 * The watermark a record of the partition is checked against, before the record advances it. A
 * partition that joined after windows were evicted must not reopen them, nor may a replay reopen
 * windows its last committer closed, hence the max with what is closed for it (a no-op for steady
 * partitions).
 */
export function effectiveWatermark(ps: PartitionState, closedUpTo: number): number {
  return Math.max(ps.watermark.current(), closedFor(ps, closedUpTo));
}
