import type { EngineCounters } from './engine-counters';
import type { SessionSnapshot, WindowSnapshot } from './engine-snapshot';
import type { Emission } from './window-emission';

/** The open windows of one assigner in a snapshot (see `EngineSnapshot`). */
export interface AssignerSnapshot {
  readonly windows: readonly WindowSnapshot[];
  readonly sessions?: readonly SessionSnapshot[];
}

/**
 * One kind of windows — fixed (tumbling, sliding), session, global, or any of them over processing
 * time — as the engine drives it, in the shape of Kafka Streams' `KStreamWindowAggregate`: per
 * event, place it against the watermark, then aggregate it; per trigger, emit and evict what the
 * watermark closed. The watermark an event is checked against is the engine's (`effectiveWatermark`),
 * the same for every kind.
 *
 *   per event:    t = timeOf(event, now) ─▶ assign(t, W) ─undefined─▶ late (closedWhy)
 *                                              │ end of its last window (ids are remembered until then)
 *                                              ▼
 *                                  add(event, key, …) ─▶ state rows created
 *   per trigger:  emit(closeUpTo) ─▶ rows, windows closed
 *
 * `assign` keeps the event's placement for the `add` that follows, so that placing a record
 * allocates nothing.
 */
export interface WindowAssigner<E> {
  /** The instant that places an event: its event time, or the processing time `nowMs` it is processed at. */
  timeOf(event: E, nowMs: number | undefined): number;
  /**
   * Places an event at `t` against the watermark `w` (the one before the event): the end of the
   * last window it goes to, or `undefined` when none is open (the event is late).
   */
  assign(t: number, w: number): number | undefined;
  /** Windows of the placed event that had closed already (sliding windows keep the later ones). */
  closedOfAssigned(): number;
  /** Why an event at `t` is late: which window of it is closed. */
  closedWhy(t: number): string;
  /** Aggregates the placed event into its windows; returns how many state rows it added (negative: merged away). */
  add(event: E, key: string, partition: number, position: number, trackChange: boolean): number;
  /** Emits the rows the output mode writes at this trigger and evicts the windows ending at or before `closeUpTo`. */
  emit(closeUpTo: number, counters: EngineCounters): Emission;
  snapshot(): AssignerSnapshot;
  /** Puts a snapshot's windows back; returns how many state rows they hold. */
  restore(snapshot: AssignerSnapshot): number;
  /** Open windows (sessions count one each). */
  size(): number;
  /** The position of the partition's first record in any open window. */
  firstPosition(partition: number): number | undefined;
}
