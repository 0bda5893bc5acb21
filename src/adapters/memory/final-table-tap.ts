import type { CommitObserver, TriggerCommit } from '../../domain/pipeline/pipeline-output';
import type { ResultRow } from '../../domain/records';

/**
 * Keeps, in memory, the last committed value of every row: the final result table of the run, for
 * a command that prints it (the `price-stats` report). Told about a trigger only once the result
 * store committed it, so the tap never shows what the table does not hold. Use it only for small
 * results: it holds the whole table.
 */
export class FinalTableTap implements CommitObserver {
  private readonly table = new Map<string, ResultRow>();

  committed(trigger: TriggerCommit): void {
    for (const row of trigger.rows) this.table.set(row.key, row);
  }

  /** The committed rows, last value per key, in key order. */
  rows(): ResultRow[] {
    return [...this.table.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
