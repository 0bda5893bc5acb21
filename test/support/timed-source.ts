import { ManualClock } from '../../src/adapters/memory/manual-clock.adapter';
import type { SourceRecord } from '../../src/domain/records';
import type { SourceBatch, SourcePort } from '../../src/ports/source.port';

/** One poll of a `TimedSource`. */
export interface TimedStep {
  readonly records?: ReadonlyArray<readonly [partition: number, value: string]>;
  /** Records waiting after this poll, per partition. */
  readonly lag?: ReadonlyMap<number, number>;
  /** Processing time the poll takes (default: all of `maxWaitMs` when it returns no record, as a real source waits). */
  readonly takesMs?: number;
  /** The group assigned these partitions (a rebalance). */
  readonly assigned?: readonly number[];
  /** The source cannot reach its broker: why. */
  readonly unavailable?: string;
}

/**
 * An unbounded source that plays `steps`, one a poll, on a manual clock, then returns nothing
 * (waiting `maxWaitMs` each time), numbering each partition's records 0, 1, 2, … (a seek changes
 * nothing: the script says what comes).
 */
export class TimedSource implements SourcePort {
  private step = 0;
  private readonly next = new Map<number, number>();

  constructor(
    private readonly partitions: readonly number[],
    private readonly steps: readonly TimedStep[],
    private readonly clock: ManualClock,
  ) {}

  get played(): number {
    return this.step;
  }

  async open(): Promise<readonly number[]> {
    return this.partitions;
  }

  async seek(): Promise<void> {}

  async poll(_maxRecords: number, maxWaitMs: number): Promise<SourceBatch> {
    const step: TimedStep = this.steps[this.step++] ?? {};
    if (step.assigned !== undefined)
      return { records: [], endedPartitions: [], exhausted: false, assigned: step.assigned };
    const records: SourceRecord[] = (step.records ?? []).map(([partition, value]) => {
      const position = this.next.get(partition) ?? 0;
      this.next.set(partition, position + 1);
      return { partition, position, value };
    });
    this.clock.advance(step.takesMs ?? (records.length === 0 ? maxWaitMs : 0));
    return {
      records,
      endedPartitions: [],
      exhausted: false,
      ...(step.lag !== undefined ? { lag: step.lag } : {}),
      ...(step.unavailable !== undefined ? { unavailable: step.unavailable } : {}),
    };
  }

  async acknowledge(): Promise<void> {}

  async close(): Promise<void> {}
}

/**
 * A manual clock with timers (`every`), as the system clock has: a tick comes at each of its due
 * instants that `advance` or `sleep` passes, with the clock set to that instant.
 */
export class TickingClock extends ManualClock {
  private readonly timers = new Set<{ dueMs: number; readonly everyMs: number; readonly tick: () => void }>();

  every(ms: number, tick: () => void): () => void {
    const timer = { dueMs: this.now() + ms, everyMs: ms, tick };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  override advance(ms: number): void {
    const target = this.now() + ms;
    for (;;) {
      const due = [...this.timers].filter((t) => t.dueMs <= target).sort((a, b) => a.dueMs - b.dueMs)[0];
      if (due === undefined) break;
      super.advance(due.dueMs - this.now());
      due.dueMs += due.everyMs;
      due.tick();
    }
    super.advance(target - this.now());
  }

  override async sleep(ms: number): Promise<void> {
    this.advance(Math.max(0, ms));
  }
}
