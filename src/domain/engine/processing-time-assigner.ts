import type { EngineCounters } from './engine-counters';
import type { AssignerSnapshot, WindowAssigner } from './window-assigner';
import type { Emission } from './window-emission';

/**
 * Windows over processing time: an event is placed by the instant the engine processes it (the
 * pipeline's clock, passed to `process`), not by its own time; the inner assigner's windows are
 * otherwise unchanged. That instant also drives the partition's watermark, which moreover follows
 * the clock between records (`StreamEngine.advanceProcessingTime`), so a window closes once the
 * clock has passed its end, records or not:
 *
 *   clock:     0s ── r1 ── r2 ──── 60s ─── r3 ────▶      tumbling 60 s
 *   windows:   [0, 60): r1, r2     closes at the trigger after 60 s;  [60, 120): r3
 *
 * A record is late only when its window closed before it was processed (a clock behind the one
 * the watermark followed, or a window a bounded run flushed). A replay after a crash places the
 * re-read records by the time they are re-read, so results depend on when records are processed.
 */
export class ProcessingTimeAssigner<E> implements WindowAssigner<E> {
  constructor(
    private readonly inner: WindowAssigner<E>,
    private readonly jobName: string,
  ) {}

  /** `nowMs` is always given: `StreamEngine.process` refuses a processing-time record without it. */
  timeOf(_event: E, nowMs: number | undefined): number {
    if (nowMs === undefined) throw new RangeError(`job ${this.jobName} runs on processing time: no time given`);
    return nowMs;
  }

  assign(t: number, w: number): number | undefined {
    return this.inner.assign(t, w);
  }

  closedOfAssigned(): number {
    return this.inner.closedOfAssigned();
  }

  closedWhy(t: number): string {
    return this.inner.closedWhy(t);
  }

  add(event: E, key: string, partition: number, position: number, trackChange: boolean): number {
    return this.inner.add(event, key, partition, position, trackChange);
  }

  emit(closeUpTo: number, counters: EngineCounters): Emission {
    return this.inner.emit(closeUpTo, counters);
  }

  snapshot(): AssignerSnapshot {
    return this.inner.snapshot();
  }

  restore(snapshot: AssignerSnapshot): number {
    return this.inner.restore(snapshot);
  }

  size(): number {
    return this.inner.size();
  }

  firstPosition(partition: number): number | undefined {
    return this.inner.firstPosition(partition);
  }
}
