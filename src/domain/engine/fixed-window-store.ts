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

/** Where an event comes from: its group, and the record that holds it. */
export interface EventOrigin {
  readonly key: string;
  readonly partition: number;
  readonly position: number;
}

/**
 * The open fixed (tumbling or sliding) windows of one engine, by start, with their entries per
 * group; it tracks which entries changed in the current trigger (update mode) and whether anything
 * changed since the last emission (complete mode).
 */
export class FixedWindowStore<E, G, A> {
  private readonly windows = new Map<number, OpenWindow<G, A>>();
  private changed: WindowEntry<G, A>[] = [];
  private triggerSeq = 0;
  private changedSinceEmission = false;

  constructor(
    private readonly job: JobDefinition<E, G, A>,
    private readonly lengthMs: number,
    private readonly slideMs: number,
  ) {}

  /**
   * Adds `event` to the windows starting at `first` … `last`; `trackChange` lists each entry it
   * changes for this trigger's emission. Returns how many entries it created.
   */
  add(event: E, origin: EventOrigin, first: number, last: number, trackChange: boolean): number {
    let created = 0;
    for (let s = first; s <= last; s += this.slideMs) {
      const win = this.window(s);
      if (!win.firstPositions.has(origin.partition)) win.firstPositions.set(origin.partition, origin.position);
      let entry = win.entries.get(origin.key);
      if (entry === undefined) {
        entry = newEntry(win, this.job.groupFields(event), this.job.combiner.create());
        win.entries.set(origin.key, entry);
        created++;
      }
      entry.acc = this.job.combiner.add(entry.acc, event);
      this.changedSinceEmission = true;
      if (trackChange && entry.changedInTrigger !== this.triggerSeq) {
        entry.changedInTrigger = this.triggerSeq;
        this.changed.push(entry);
      }
    }
    return created;
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

  private window(startMs: number): OpenWindow<G, A> {
    let win = this.windows.get(startMs);
    if (win === undefined) {
      win = { startMs, endMs: startMs + this.lengthMs, entries: new Map(), firstPositions: new Map() };
      this.windows.set(startMs, win);
    }
    return win;
  }
}

function newEntry<G, A>(window: OpenWindow<G, A>, group: G, acc: A): WindowEntry<G, A> {
  return { window, group, acc, rowKey: undefined, changedInTrigger: -1, emittedRows: 0 };
}
