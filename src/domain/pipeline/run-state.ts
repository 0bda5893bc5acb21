import { emptyCounters, maxStateSize, NO_STATE, type EngineCounters, type StateSize } from '../engine/engine-counters';
import type { StreamEngine } from '../engine/stream-engine';
import type { OutageState } from './progress-line';

export type AnyEngine = StreamEngine<unknown, unknown, unknown>;

/** Adds `more` to `into`, figure by figure; `stateRows` is a reading, not a total, and stays. */
export function addCounters(into: EngineCounters, more: EngineCounters): void {
  for (const key of Object.keys(into) as (keyof EngineCounters)[]) if (key !== 'stateRows') into[key] += more[key];
}

/** `a + b`, with the state rows of `b` (the engine of now). */
export function sumCounters(a: EngineCounters, b: EngineCounters): EngineCounters {
  const sum = { ...a };
  addCounters(sum, b);
  return { ...sum, stateRows: b.stateRows };
}

/**
 * What one run knows between polls, shared by the trigger, the rebuild, the outage waits and the
 * progress lines. Each unit takes it as an argument, so what it reads and writes is in sight.
 *
 * Counters survive a rebuild only as committed:
 *
 *   engine 1: read ─ commit (stats A) ─ read more ─✗ rebuild     carried = A
 *   engine 2:                           re-read ─ commit (B) …    total   = A + engine 2's
 */
export class RunState {
  /** The partitions this instance owns now. */
  assigned: readonly number[];
  /** The next trigger's sequence number. */
  sequence = 0;
  /** Records processed since the last trigger. */
  pending = 0;
  lastTriggerMs: number;
  /** A bounded input was read to its end. */
  exhausted = false;
  /** Records waiting per owned partition, as the source last said. */
  readonly lag = new Map<number, number>();
  sourceOutage: OutageState | undefined;
  sinkOutage: OutageState | undefined;
  /** When the last sink outage began, until the source answers again: a source outage right after it is the same one. */
  sinkOutageBeganMs: number | undefined;
  /** Why the state is being rebuilt from the last commit (until its records are re-read). */
  rebuilding: string | undefined;
  /** The commit in progress and when it began: a commit that fails began the outage. */
  committing: { readonly sinceMs: number } | undefined;
  lastCommitStartMs: number;
  /** Positions of the last trigger handed to the sink: a trigger that moves none has nothing new. */
  committedPositions: ReadonlyMap<number, number>;
  /** The last commit attempt: when it ended and how (kept only when the run is watched, see `RunWatch`). */
  lastCommit: { readonly atMs: number; readonly ok: boolean; readonly error?: string } | undefined;
  /** Time each side spent unreachable in outages that are over. */
  readonly outageDoneMs = { source: 0, sink: 0 };
  /** Counters of engines replaced by a rebuild, as of their last commit. */
  private readonly carried = emptyCounters();
  /** The current engine's counters as of its last successful commit: all a rebuild keeps of it. */
  private committedStats = emptyCounters();
  private carriedPeak: StateSize = NO_STATE;
  /** Set when the run ended without its last commit: its counters as of the commit before. */
  private endedUncommitted: EngineCounters | undefined;

  constructor(
    private current: AnyEngine,
    assigned: readonly number[],
    startedAtMs: number,
  ) {
    this.assigned = assigned;
    this.lastTriggerMs = startedAtMs;
    this.lastCommitStartMs = startedAtMs;
    this.rebuilding = current.replayLeft() > 0 ? 'a restart' : undefined;
    this.committedPositions = current.positions();
  }

  get engine(): AnyEngine {
    return this.current;
  }

  /** A commit of `owner` succeeded with these counters: a later rebuild keeps them. */
  committed(owner: AnyEngine, stats: EngineCounters): void {
    // A rebuild waits for the commit in flight first, so the engine is still the owner here.
    if (this.current === owner) this.committedStats = stats;
  }

  /** Swaps in a fresh engine; of the old one, only what it committed counts (the rest is read again). */
  replaceEngine(fresh: AnyEngine): void {
    addCounters(this.carried, this.committedStats);
    this.committedStats = emptyCounters();
    this.carriedPeak = maxStateSize(this.carriedPeak, this.current.peakStateSize());
    this.current = fresh;
  }

  /** Counters of the whole run so far: re-read records count only once (in `replayed`). */
  totals(): EngineCounters {
    return sumCounters(this.carried, this.current.stats());
  }

  /** Records left to re-read before the rebuild is over; clears its reason once there are none. */
  rebuildLeft(): number {
    const left = this.current.replayLeft();
    if (left === 0) this.rebuilding = undefined;
    return left;
  }

  /**
   * The run's counters once it is over: the current engine's all count (the run committed them).
   * A reading, not a change: the run's telemetry goes on reading `totals()` after the end.
   */
  finalCounters(): EngineCounters {
    const counters = this.endedUncommitted ?? sumCounters(this.carried, this.current.stats());
    return { ...counters, stateRows: this.carried.stateRows };
  }

  /**
   * The stop's commit was refused (another instance owns a partition now): what was read since
   * the last commit is read again by each partition's owner, so it no longer counts here.
   */
  endUncommitted(): void {
    this.endedUncommitted = sumCounters(this.carried, this.committedStats);
  }

  peakState(): StateSize {
    return maxStateSize(this.carriedPeak, this.current.peakStateSize());
  }
}
