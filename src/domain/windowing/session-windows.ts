import type { CombineFn } from '../aggregation/combiners';

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
  /** Trigger in which it last changed (for update tracking). */
  changedInTrigger: number;
}

export class SessionWindows<E, G, A> {
  /** Per key, its open sessions, disjoint and in start order. */
  private readonly byKey = new Map<string, Session<G, A>[]>();
  private count = 0;

  constructor(
    private readonly gapMs: number,
    private readonly combiner: CombineFn<E, A, unknown>,
  ) {}

  /** Adds an event at `t` to its key's sessions, merging those it bridges; returns the session that holds it. */
  add(
    key: string,
    groupOf: () => G,
    event: E,
    t: number,
    partition: number,
    position: number,
  ): { session: Session<G, A>; created: number; merged: number } {
    const end = t + this.gapMs;
    let list = this.byKey.get(key);
    if (list === undefined) {
      list = [];
      this.byKey.set(key, list);
    }
    // Sessions overlapping [t, t + gap): start < t + gap and end > t.
    const overlapping = list.filter((s) => s.startMs < end && s.endMs > t);
    let target: Session<G, A>;
    let created = 0;
    if (overlapping.length === 0) {
      target = {
        startMs: t,
        endMs: end,
        key,
        group: groupOf(),
        acc: this.combiner.create(),
        firstPositions: new Map(),
        changedInTrigger: -1,
      };
      list.push(target);
      list.sort((a, b) => a.startMs - b.startMs);
      this.count++;
      created = 1;
    } else {
      target = overlapping[0] as Session<G, A>;
      for (const other of overlapping.slice(1)) {
        target.acc = this.combiner.merge(target.acc, other.acc);
        target.startMs = Math.min(target.startMs, other.startMs);
        target.endMs = Math.max(target.endMs, other.endMs);
        for (const [p, pos] of other.firstPositions)
          target.firstPositions.set(p, Math.min(pos, target.firstPositions.get(p) ?? pos));
        list.splice(list.indexOf(other), 1);
        this.count--;
      }
      target.startMs = Math.min(target.startMs, t);
      target.endMs = Math.max(target.endMs, end);
    }
    target.acc = this.combiner.add(target.acc, event);
    if (!target.firstPositions.has(partition)) target.firstPositions.set(partition, position);
    return { session: target, created, merged: overlapping.length > 1 ? overlapping.length - 1 : 0 };
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
    const list = this.byKey.get(session.key) ?? [];
    list.push(session);
    list.sort((a, b) => a.startMs - b.startMs);
    this.byKey.set(session.key, list);
    this.count++;
  }

  size(): number {
    return this.count;
  }
}
