import type { JobDefinition } from '../jobs/job';
import type { EngineCounters } from './engine-counters';
import { FixedWindowStore, type WindowRun } from './fixed-window-store';
import type { OutputMode } from './output-mode';
import type { AssignerSnapshot, WindowAssigner } from './window-assigner';
import { emitFixedWindows, type Emission } from './window-emission';

/** The global window's bounds: every instant. Its rows become final only at the end of input (`finalAtMs` +∞). */
export const GLOBAL_WINDOW = { startMs: -Infinity, endMs: Infinity } as const;

/**
 * One window holding every event, whatever its time: it closes only when the watermark reaches
 * +∞ — at the end of input (`finish`), or when a bounded run writes its open windows (`flushOpen`;
 * a later run then takes every record as late, the window's rows being written).
 */
export class GlobalWindowAssigner<E, G, A> implements WindowAssigner<E> {
  private readonly store: FixedWindowStore<E, G, A>;
  private readonly run: WindowRun = { first: GLOBAL_WINDOW.startMs, count: 1, step: 0 };

  constructor(
    private readonly job: JobDefinition<E, G, A>,
    private readonly mode: OutputMode,
  ) {
    this.store = new FixedWindowStore(job, () => GLOBAL_WINDOW.endMs);
  }

  /** Event time still drives the watermark (and so when remembered ids are forgotten). */
  timeOf(event: E): number {
    return this.job.eventTimeMs(event);
  }

  assign(_t: number, w: number): number | undefined {
    return w >= GLOBAL_WINDOW.endMs ? undefined : GLOBAL_WINDOW.endMs;
  }

  closedOfAssigned(): number {
    return 0;
  }

  closedWhy(): string {
    return 'the global window is closed (its rows were written)';
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
