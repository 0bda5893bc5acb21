import { stages, type CombineFn } from '../aggregation/combiners';

/**
 * Session windows per group key (ARCHITECTURE §2): an event at `t` opens `[t, t + gap)`; sessions
 * of the same key that overlap it merge into one, from the earliest start to the latest end. A
 * session's end is its last event plus the gap, and it closes once the watermark reaches that end:
 *
 *   key A:  ●──●────●            ●─────●            gap g
 *           [s ────────── e)     [s' ────── e')     e = last event + g; merges when an event
 *                                                   bridges the space between them
 *
 * A session that closed is emitted and forgotten. The engine accepts only events at or after the
 * watermark, so none can reach back into a closed session: the sessions are those of a batch
 * computation, whatever the trigger timing (Spark and Flink accept events up to a gap behind and
 * start a second session where one closed; we call such events late instead).
 */
export interface Session<G, A> {
  startMs: number;
  endMs: number;
  readonly key: string;
  readonly group: G;
  acc: A;
  /** Per partition, the position of its first record in the session (merged: the smallest). */
  readonly firstPositions: Map<number, number>;
}

export class SessionWindows<E, G, A> {
  /** Per key, its open sessions, disjoint and in start order. */
  private readonly byKey = new Map<string, Session<G, A>[]>();
  private count = 0;

  constructor(
    private readonly gapMs: number,
    private readonly combiner: CombineFn<E, A, unknown>,
    /** The grouping fields of an event (asked when it opens a session). */
    private readonly groupOf: (event: E) => G,
  ) {}

  /**
   * Adds an event at `t` to its key's sessions, merging those it bridges; returns how many
   * sessions it added (1 for a new one, -n for n merged away). The job's code (group fields, a
   * combiner that stages) runs before anything changes, so a throw leaves the sessions as they were.
   */
  add(key: string, event: E, t: number, partition: number, position: number): number {
    const end = t + this.gapMs;
    const list = this.byKey.get(key);
    // Sessions overlapping [t, t + gap): start < t + gap and end > t.
    const overlapping = list === undefined ? [] : list.filter((s) => s.startMs < end && s.endMs > t);
    const first = overlapping[0];
    const combiner = this.combiner;
    const commit = stages(combiner) ? combiner.stage(first?.acc ?? combiner.create(), event) : undefined;
    if (first === undefined) {
      const group = this.groupOf(event);
      const acc = commit !== undefined ? commit() : this.combiner.add(this.combiner.create(), event);
      this.insert(key, { startMs: t, endMs: end, key, group, acc, firstPositions: new Map([[partition, position]]) });
      return 1;
    }
    // Staged: the event is in the first session's accumulator before the others merge into it.
    if (commit !== undefined) first.acc = commit();
    for (const other of overlapping.slice(1)) {
      first.acc = this.combiner.merge(first.acc, other.acc);
      first.startMs = Math.min(first.startMs, other.startMs);
      first.endMs = Math.max(first.endMs, other.endMs);
      for (const [p, pos] of other.firstPositions)
        first.firstPositions.set(p, Math.min(pos, first.firstPositions.get(p) ?? pos));
      (list as Session<G, A>[]).splice((list as Session<G, A>[]).indexOf(other), 1);
      this.count--;
    }
    first.startMs = Math.min(first.startMs, t);
    first.endMs = Math.max(first.endMs, end);
    if (commit === undefined) first.acc = this.combiner.add(first.acc, event);
    if (!first.firstPositions.has(partition)) first.firstPositions.set(partition, position);
    return 1 - overlapping.length;
  }

  /** Removes and returns the sessions ending at or before `ms`, in (start, key) order. */
  closeUpTo(ms: number): Session<G, A>[] {
    const closed: Session<G, A>[] = [];
    for (const [key, list] of this.byKey) {
      const keep = list.filter((s) => s.endMs > ms);
      if (keep.length === list.length) continue;
      for (const s of list) if (s.endMs <= ms) closed.push(s);
      if (keep.length === 0) this.byKey.delete(key);
      else this.byKey.set(key, keep);
    }
    this.count -= closed.length;
    return closed.sort((a, b) => a.startMs - b.startMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Every open session, in (start, key) order. */
  all(): Session<G, A>[] {
    return [...this.byKey.values()]
      .flat()
      .sort((a, b) => a.startMs - b.startMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** The smallest position of `partition`'s records in open sessions. */
  firstPosition(partition: number): number | undefined {
    let min: number | undefined;
    for (const list of this.byKey.values()) {
      for (const s of list) {
        const p = s.firstPositions.get(partition);
        if (p !== undefined && (min === undefined || p < min)) min = p;
      }
    }
    return min;
  }

  /** Puts back a session (restoring a snapshot). */
  restore(session: Session<G, A>): void {
    this.insert(session.key, session);
  }

  private insert(key: string, session: Session<G, A>): void {
    const list = this.byKey.get(key) ?? [];
    list.push(session);
    list.sort((a, b) => a.startMs - b.startMs);
    this.byKey.set(key, list);
    this.count++;
  }

  size(): number {
    return this.count;
  }
}
