import { newPartitionState, type PartitionState } from './partition-state';

/** Records waiting to be read per partition, as the source counts them; `'unknown'` while it cannot reach them. */
export type Backlog = ReadonlyMap<number, number> | 'unknown';

/**
 * The partitions one engine reads, in the order they became known, with their watermarks: how
 * they advance on idle time, and how far together they let windows close.
 */
export class PartitionTable {
  private readonly states = new Map<number, PartitionState>();

  constructor(private readonly watermarkDelayMs: number) {}

  /** The partition's state, created (empty, watermark at -∞) on first use. */
  get(id: number): PartitionState {
    let ps = this.states.get(id);
    if (ps === undefined) {
      ps = newPartitionState(this.watermarkDelayMs);
      this.states.set(id, ps);
    }
    return ps;
  }

  all(): IterableIterator<[number, PartitionState]> {
    return this.states.entries();
  }

  /** Records of the partition before this position are re-read to rebuild state (0: none). */
  replayUntil(id: number): number {
    return this.states.get(id)?.replayUntil ?? 0;
  }

  readonly watermarkOf = (id: number): number => this.states.get(id)?.watermark.current() ?? -Infinity;

  /** See `StreamEngine.addPartitions`. */
  add(ids: Iterable<number>, positions?: ReadonlyMap<number, number>, watermarks?: ReadonlyMap<number, number>): void {
    for (const id of ids) {
      const ps = this.get(id);
      const resumeAt = positions?.get(id);
      if (resumeAt !== undefined) ps.nextPosition = resumeAt;
      const w = watermarks?.get(id);
      if (w !== undefined && Number.isFinite(w)) ps.watermark.advanceTo(w);
      if (resumeAt !== undefined) ps.boundaries.add(resumeAt, ps.watermark.maxEventTime());
    }
  }

  /** See `StreamEngine.advanceIdle`. */
  advanceIdle(nowMs: number, idleTimeoutMs: number, backlog?: Backlog): void {
    for (const [id, ps] of this.states) {
      if (ps.watermark.isEnded()) continue;
      const busy = backlog === 'unknown' || (backlog?.get(id) ?? 0) > 0;
      if (ps.sawRecordSinceTick || ps.lastActivityMs === undefined || busy) {
        ps.lastActivityMs = nowMs;
        ps.sawRecordSinceTick = false;
        ps.idleAdvancedToMs = undefined;
        ps.idleAdvancedByMs = 0;
        ps.idleWithoutEvents = false;
        continue;
      }
      const idleFrom = ps.lastActivityMs + idleTimeoutMs;
      if (nowMs <= idleFrom) continue;
      if (ps.watermark.current() === -Infinity) {
        ps.idleWithoutEvents = true;
        continue;
      }
      const from = Math.max(idleFrom, ps.idleAdvancedToMs ?? idleFrom);
      ps.watermark.advanceTo(ps.watermark.current() + (nowMs - from));
      ps.idleAdvancedByMs += nowMs - from;
      ps.idleAdvancedToMs = nowMs;
    }
  }

  /** See `StreamEngine.advanceProcessingTime`: every live partition's time reaches `nowMs`. */
  advanceProcessingTime(nowMs: number): void {
    for (const ps of this.states.values()) if (!ps.watermark.isEnded()) ps.watermark.observe(nowMs);
  }

  /** The smallest watermark of the partitions that hold windows open. */
  globalWatermark(): number {
    let min = Infinity;
    let holders = 0;
    for (const ps of this.states.values()) {
      if (ps.idleWithoutEvents) continue;
      holders++;
      min = Math.min(min, ps.watermark.current());
    }
    // Nothing holds the watermark (no partitions, or all idle without a record): close nothing.
    return holders === 0 ? -Infinity : min;
  }

  /** Next position to read per partition; while replaying, what was committed before still counts. */
  positions(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [id, ps] of this.states) out.set(id, Math.max(ps.nextPosition, ps.replayUntil));
    return out;
  }

  watermarks(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [id, ps] of this.states) out.set(id, ps.watermark.current());
    return out;
  }

  /** Per partition whose watermark idle time is moving now: how far it moved it since the partition's last record. */
  idleAdvanced(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [id, ps] of this.states) if (ps.idleAdvancedByMs > 0) out.set(id, ps.idleAdvancedByMs);
    return out;
  }

  /** The newest event time read per partition since the last call, for the partitions that read events. */
  takeNewestEvents(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [id, ps] of this.states) {
      if (ps.newestEventMs !== undefined) out.set(id, ps.newestEventMs);
      ps.newestEventMs = undefined;
    }
    return out;
  }

  /** Records still to re-read before the state is rebuilt. */
  replayLeft(): number {
    let left = 0;
    for (const ps of this.states.values()) left += Math.max(0, ps.replayUntil - ps.nextPosition);
    return left;
  }
}
