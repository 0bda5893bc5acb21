import type { DeadLetter, DeadLetterReason } from '../domain/records';
import type { CommitObserver, TriggerCommit } from '../domain/pipeline/pipeline-output';

/** One kind of rejection: details that differ only in their values (numbers, quoted text) count together. */
export interface RejectionGroup {
  readonly reason: DeadLetterReason;
  /** The first detail of the group, as the engine wrote it. */
  readonly example: string;
  readonly count: number;
}

/** A tally's contents: its total, and its kinds by key. */
export interface TallySnapshot {
  readonly total: number;
  readonly groups: ReadonlyArray<readonly [string, RejectionGroup]>;
}

/** Distinct kinds kept; past it, new kinds are only counted in `total` (memory stays bounded). */
const MAX_GROUPS = 1_000;

/**
 * The dead letters a run committed, counted by kind: what the CLI says when a run accepted nothing
 * ("3,000 rejected, most often: not valid JSON …"). Counted as the commits succeed, so a dead letter
 * of a trigger that was rolled back and committed again counts once.
 */
export class RejectionTally implements CommitObserver {
  private readonly groups = new Map<string, { reason: DeadLetterReason; example: string; count: number }>();
  private count = 0;

  add(deadLetter: DeadLetter): void {
    this.count++;
    const key = `${deadLetter.reason}\u0000${shapeOf(deadLetter.detail)}`;
    const group = this.groups.get(key);
    if (group !== undefined) group.count++;
    else if (this.groups.size < MAX_GROUPS)
      this.groups.set(key, { reason: deadLetter.reason, example: deadLetter.detail, count: 1 });
  }

  /** Told after each trigger's commit: its dead letters count once, however often a failed one was re-sent. */
  committed(trigger: TriggerCommit): void {
    for (const deadLetter of trigger.deadLetters) this.add(deadLetter);
  }

  /** Dead letters committed in this run. */
  get total(): number {
    return this.count;
  }

  /** What this tally holds, to add into another one (a stream thread's, into its process's). */
  snapshot(): TallySnapshot {
    return { total: this.count, groups: [...this.groups].map(([key, g]) => [key, { ...g }] as const) };
  }

  /** Adds another tally's dead letters, kind by kind (the kinds first seen here come first). */
  addSnapshot(other: TallySnapshot): void {
    this.count += other.total;
    for (const [key, g] of other.groups) {
      const group = this.groups.get(key);
      if (group !== undefined) group.count += g.count;
      else if (this.groups.size < MAX_GROUPS) this.groups.set(key, { ...g });
    }
  }

  /** The most frequent kind (the first seen among equals). */
  mostCommon(): RejectionGroup | undefined {
    let best: RejectionGroup | undefined;
    for (const g of this.groups.values()) if (best === undefined || g.count > best.count) best = { ...g };
    return best;
  }
}

/**
 * A detail with its values taken out: `Unexpected token 'A', "ANZ,BUY ,4"...` → `Unexpected token
 * '…', "…"`. A quoted excerpt's trailing `...` (V8 adds it to long ones) is part of the value.
 */
export function shapeOf(detail: string): string {
  return (
    detail
      .replace(/"(?:[^"\\]|\\.)*"(?:\.\.\.|…)?/g, '"…"')
      .replace(/'(?:[^'\\]|\\.)*'/g, "'…'")
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)?/g, 'T')
      // Not the digits of a name such as UTF-8 or int32.
      .replace(/(?<![\w-])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, 'N')
  );
}
