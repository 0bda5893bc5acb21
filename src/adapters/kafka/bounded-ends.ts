import type { ClockPort } from '../../ports/clock.port';
import type { LoggerPort } from '../../ports/logger.port';

/**
 * A bounded run's end: per partition, the offset after the last record that existed at open, which
 * partitions reached it, and (asked of the group's committed offsets) whether the partitions this
 * member was not given are done too.
 */
export class BoundedEnds {
  private readonly ended = new Set<number>();
  private readonly reported = new Set<number>();
  private othersDone = false;
  private othersCheckedAtMs = 0;

  constructor(
    private readonly ends: ReadonlyMap<number, number>,
    private readonly clock: ClockPort,
  ) {}

  /** At open: a partition whose stored position is at its end has nothing to read. */
  static atOpen(
    offsets: readonly { partition: number; low: string; high: string }[],
    resumeFrom: ReadonlyMap<number, number>,
    clock: ClockPort,
  ): BoundedEnds {
    const ends = new BoundedEnds(new Map(offsets.map((o) => [o.partition, Number(o.high)])), clock);
    for (const o of offsets) {
      const start = Math.max(resumeFrom.get(o.partition) ?? 0, Number(o.low));
      if (start >= Number(o.high)) ends.ended.add(o.partition);
    }
    return ends;
  }

  endOf(partition: number): number | undefined {
    return this.ends.get(partition);
  }

  end(partition: number): void {
    this.ended.add(partition);
  }

  hasEnded(partition: number): boolean {
    return this.ended.has(partition);
  }

  /** Read again from `offset` (a rebuild replays it): ended only if nothing is left before the end. */
  restart(partition: number, offset: number): void {
    this.ended.delete(partition);
    this.reported.delete(partition);
    const end = this.ends.get(partition);
    if (end !== undefined && offset >= end) this.ended.add(partition);
  }

  /** Partitions ended and not yet reported, except those with records still queued; now reported. */
  report(stillQueued: (partition: number) => boolean): number[] {
    const ended = [...this.ended].filter((p) => !this.reported.has(p) && !stillQueued(p));
    for (const p of ended) this.reported.add(p);
    return ended;
  }

  allReported(partitions: readonly number[]): boolean {
    return partitions.every((p) => this.reported.has(p));
  }

  /**
   * This member's partitions are read to their end offsets, and every other partition of the topic
   * is done too — at its end already at open, or committed that far by the group. A member that
   * only read its share must not stop while a crashed member still holds the rest (it keeps them
   * until its session times out, then the group hands them over to this one).
   */
  exhausted(partitions: readonly number[]): boolean {
    return partitions.every((p) => this.ended.has(p)) && this.othersDone;
  }

  /**
   * Own partitions done: asks the group's committed offsets about the others, at most once a second.
   * `committed` reads them (per partition, the group's committed offset) with whichever client the source uses.
   */
  async checkOthers(
    partitions: readonly number[],
    committed: () => Promise<ReadonlyMap<number, number>>,
    topic: string,
    logger: LoggerPort,
  ): Promise<void> {
    if (this.othersDone || !partitions.every((p) => this.ended.has(p))) return;
    const others = [...this.ends].filter(([p]) => !partitions.includes(p) && !this.ended.has(p));
    if (others.length === 0) {
      this.othersDone = true;
      return;
    }
    if (this.clock.now() - this.othersCheckedAtMs < 1_000) return;
    this.othersCheckedAtMs = this.clock.now();
    try {
      const at = await committed();
      this.othersDone = others.every(([p, end]) => (at.get(p) ?? -1) >= end);
    } catch (e) {
      logger.warn('could not read the group offsets of the other partitions', { topic, error: (e as Error).message });
    }
  }
}
