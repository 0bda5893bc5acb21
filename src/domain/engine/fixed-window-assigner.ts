import type { JobDefinition } from '../jobs/job';
import { firstWindowStart, lastWindowStart, type FixedWindowSpec } from '../windowing/window-spec';
import type { EngineCounters } from './engine-counters';
import { FixedWindowStore, type WindowRun } from './fixed-window-store';
import { formatInstant } from './format-instant';
import type { OutputMode } from './output-mode';
import type { AssignerSnapshot, WindowAssigner } from './window-assigner';
import { emitFixedWindows, type Emission } from './window-emission';

/**
 * Fixed windows, tumbling or sliding, aligned to the epoch: an event at `t` goes to each window
 * containing `t` that ends after the watermark `w`; a sliding event may keep later windows when
 * earlier ones closed, and is late only when all have.
 *
 *   slide s, length L:   |----closed----|  w          first = first start with start + L > w
 *                              |-----open-----|        last  = last start ≤ t
 *                                    |-----open-----|
 */
export class FixedWindowAssigner<E, G, A> implements WindowAssigner<E> {
  private readonly store: FixedWindowStore<E, G, A>;
  /** The placed event's windows (reused: placing allocates nothing). */
  private readonly run: WindowRun = { first: 0, count: 0, step: 0 };
  private closed = 0;

  constructor(
    private readonly job: JobDefinition<E, G, A>,
    private readonly spec: FixedWindowSpec,
    private readonly mode: OutputMode,
  ) {
    this.store = new FixedWindowStore(job, (start) => start + spec.lengthMs);
    this.run.step = spec.slideMs;
  }

  timeOf(event: E): number {
    return this.job.eventTimeMs(event);
  }

  assign(t: number, w: number): number | undefined {
    const { lengthMs, slideMs } = this.spec;
    const last = lastWindowStart(this.spec, t);
    const firstOfEvent = firstWindowStart(this.spec, t);
    const first = firstOfEvent + lengthMs > w ? firstOfEvent : (Math.floor((w - lengthMs) / slideMs) + 1) * slideMs;
    if (first > last) return undefined;
    this.run.first = first;
    this.run.count = (last - first) / slideMs + 1;
    this.closed = (first - firstOfEvent) / slideMs;
    return last + lengthMs;
  }

  closedOfAssigned(): number {
    return this.closed;
  }

  closedWhy(t: number): string {
    const last = lastWindowStart(this.spec, t);
    return `window [${formatInstant(last)}, ${formatInstant(last + this.spec.lengthMs)}) is closed`;
  }

  add(event: E, key: string, partition: number, position: number, trackChange: boolean): number {
    return this.store.add(event, key, partition, position, this.run, trackChange);
  }

  emit(closeUpTo: number, counters: EngineCounters): Emission {
    return emitFixedWindows(this.store, this.job, this.mode, closeUpTo, counters);
  }

  snapshot(): AssignerSnapshot {
    return { windows: this.store.snapshot() };
  }

  restore(snapshot: AssignerSnapshot): number {
    return this.store.restore(snapshot.windows);
  }

  size(): number {
    return this.store.size();
  }

  firstPosition(partition: number): number | undefined {
    return this.store.firstPosition(partition);
  }
}
