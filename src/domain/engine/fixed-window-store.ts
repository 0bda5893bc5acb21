import { stages, type StagingCombineFn } from '../aggregation/combiners';
import type { JobDefinition, WindowBounds } from '../jobs/job';
import type { WindowSnapshot } from './engine-snapshot';
import { decodeState, encodeState } from './state-codec';

/** One row of an open window: a group's accumulator. */
export interface WindowEntry<G, A> {
  readonly window: OpenWindow<G, A>;
  readonly group: G;
  acc: A;
  rowKey: string | undefined;
  changedInTrigger: number;
  /** Rows its last emission wrote (update mode): the final rows of the window once it closes. */
  emittedRows: number;
}

export interface OpenWindow<G, A> extends WindowBounds {
  readonly entries: Map<string, WindowEntry<G, A>>;
  /** Per partition, the position of its first record in this window (the smallest: positions grow). */
  readonly firstPositions: Map<number, number>;
}

/**
 * The windows one event goes to: `count` windows starting at `first`, `first + step`, … (a global
 * window: one, starting at -Infinity). The assigner that placed the event owns it and reuses it, so
 * that placing a record allocates nothing.
 */
export interface WindowRun {
  first: number;
  count: number;
  step: number;
}

/**
 * The open windows of one engine, by start, with their entries per group; it tracks which entries
 * changed in the current trigger (update mode) and whether anything changed since the last
 * emission (complete mode). Fixed (tumbling, sliding) and global windows keep their state here.
 */
export class FixedWindowStore<E, G, A> {
  private readonly windows = new Map<number, OpenWindow<G, A>>();
  private changed: WindowEntry<G, A>[] = [];
  private triggerSeq = 0;
  private changedSinceEmission = false;

  constructor(
    private readonly job: JobDefinition<E, G, A>,
    /** The end of the window starting at a start. */
    private readonly endOf: (startMs: number) => number,
  ) {}

  /**
   * Adds `event` of group `key` to the windows of `run`; `trackChange` lists each entry it changes
   * for this trigger's emission. Returns how many entries it created. The job's code (group fields,
   * the combiner) runs before anything changes where it can: with a combiner that stages, a throw
   * leaves every window as it was; without, a throw from `add` leaves the windows before the one
   * that threw holding the event (the built-in combiners do not throw).
   */
  add(event: E, key: string, partition: number, position: number, run: WindowRun, trackChange: boolean): number {
    const combiner = this.job.combiner;
    if (stages(combiner)) return this.addStaged(combiner, event, key, partition, position, run, trackChange);
    const group = run.count > 1 ? this.groupIfMissing(event, key, run) : undefined;
    let created = 0;
    for (let i = 0, s = run.first; i < run.count; i++, s += run.step) {
      const existing = this.windows.get(s);
      let entry = existing?.entries.get(key);
      if (existing !== undefined && entry !== undefined) {
        entry.acc = this.job.combiner.add(entry.acc, event);
        this.touch(existing, entry, partition, position, trackChange);
        continue;
      }
      // A new entry's first accumulator, before the entry exists: a throw leaves no empty row.
      const g = group ?? this.job.groupFields(event);
      const acc = this.job.combiner.add(this.job.combiner.create(), event);
      const win = existing ?? this.open(s);
      entry = newEntry(win, g, acc);
      win.entries.set(key, entry);
      created++;
      this.touch(win, entry, partition, position, trackChange);
    }
    return created;
  }

  /**
   * `add` for a combiner that stages: stages the event for every window, then commits all (the
   * commits cannot throw).
   */
  private addStaged(
    combiner: StagingCombineFn<E, A, unknown>,
    event: E,
    key: string,
    partition: number,
    position: number,
    run: WindowRun,
    trackChange: boolean,
  ): number {
    const commits: Array<() => A> = [];
    let group: G | undefined;
    for (let i = 0, s = run.first; i < run.count; i++, s += run.step) {
      const entry = this.windows.get(s)?.entries.get(key);
      if (entry === undefined) group ??= this.job.groupFields(event);
      commits.push(combiner.stage(entry?.acc ?? combiner.create(), event));
    }
    let created = 0;
    for (let i = 0, s = run.first; i < run.count; i++, s += run.step) {
      const win = this.windows.get(s) ?? this.open(s);
      let entry = win.entries.get(key);
      const acc = (commits[i] as () => A)();
      if (entry === undefined) {
        entry = newEntry(win, group as G, acc);
        win.entries.set(key, entry);
        created++;
      } else {
        entry.acc = acc;
      }
      this.touch(win, entry, partition, position, trackChange);
    }
    return created;
  }

  private touch(
    win: OpenWindow<G, A>,
    entry: WindowEntry<G, A>,
    partition: number,
    position: number,
    track: boolean,
  ): void {
    if (!win.firstPositions.has(partition)) win.firstPositions.set(partition, position);
    this.changedSinceEmission = true;
    if (track && entry.changedInTrigger !== this.triggerSeq) {
      entry.changedInTrigger = this.triggerSeq;
      this.changed.push(entry);
    }
  }

  /** Group fields of an event that opens an entry in one of its windows, asked before any window changes. */
  private groupIfMissing(event: E, key: string, run: WindowRun): G | undefined {
    for (let i = 0, s = run.first; i < run.count; i++, s += run.step) {
      if (this.windows.get(s)?.entries.has(key) !== true) return this.job.groupFields(event);
    }
    return undefined;
  }

  /** The entries changed since the last call (update mode, called once per trigger), which starts the next trigger. */
  takeChanged(): WindowEntry<G, A>[] {
    const changed = this.changed;
    this.changed = [];
    this.triggerSeq++;
    return changed;
  }

  /** Whether anything changed since the last call (complete mode: an unchanged table has nothing to write). */
  takeChangedSinceEmission(): boolean {
    const changed = this.changedSinceEmission;
    this.changedSinceEmission = false;
    return changed;
  }

  /** Every open window, oldest first. */
  sorted(): OpenWindow<G, A>[] {
    return [...this.windows.values()].sort((a, b) => a.startMs - b.startMs);
  }

  /** Removes the windows ending at or before `upTo` and returns them, oldest first. */
  evictUpTo(upTo: number): OpenWindow<G, A>[] {
    const closing = this.sorted().filter((w) => w.endMs <= upTo);
    for (const win of closing) this.windows.delete(win.startMs);
    return closing;
  }

  /** The position of the partition's first record in any open window. */
  firstPosition(partition: number): number | undefined {
    let oldest: number | undefined;
    for (const win of this.windows.values()) {
      const first = win.firstPositions.get(partition);
      if (first !== undefined && (oldest === undefined || first < oldest)) oldest = first;
    }
    return oldest;
  }

  size(): number {
    return this.windows.size;
  }

  snapshot(): WindowSnapshot[] {
    return [...this.windows.values()].map((w) => ({
      startMs: w.startMs,
      endMs: w.endMs,
      firstPositions: [...w.firstPositions],
      entries: [...w.entries].map(([key, e]) => [key, encodeState(e.group), encodeState(e.acc)] as const),
    }));
  }

  /** Puts the windows of a snapshot back; returns how many entries they hold. */
  restore(windows: readonly WindowSnapshot[]): number {
    let entries = 0;
    for (const w of windows) {
      const win: OpenWindow<G, A> = {
        startMs: w.startMs,
        endMs: w.endMs,
        entries: new Map(),
        firstPositions: new Map(w.firstPositions),
      };
      for (const [key, group, acc] of w.entries) {
        win.entries.set(key, newEntry(win, decodeState(group) as G, decodeState(acc) as A));
      }
      entries += win.entries.size;
      this.windows.set(w.startMs, win);
    }
    // Complete mode: the first trigger after a restore writes the table it continues, so that the
    // run's output holds the whole result even when nothing new comes.
    this.changedSinceEmission = this.windows.size > 0;
    return entries;
  }

  private open(startMs: number): OpenWindow<G, A> {
    const win: OpenWindow<G, A> = {
      startMs,
      endMs: this.endOf(startMs),
      entries: new Map(),
      firstPositions: new Map(),
    };
    this.windows.set(startMs, win);
    return win;
  }
}

function newEntry<G, A>(window: OpenWindow<G, A>, group: G, acc: A): WindowEntry<G, A> {
  return { window, group, acc, rowKey: undefined, changedInTrigger: -1, emittedRows: 0 };
}
