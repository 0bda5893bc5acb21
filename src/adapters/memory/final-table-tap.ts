import type { ResultRow } from '../../domain/records';
import type { SinkPort, TriggerCommit } from '../../ports/sink.port';
import { ForwardingSink } from './forwarding-sink';

/**
 * A sink in front of the real one that also keeps, in memory, the last committed value of every
 * row: the final result table of the run, for a command that prints it (the `price-stats`
 * report). Rows are taken only once the real sink committed them, so the tap never shows what the
 * table does not hold. Use it only for small results: it holds the whole table.
 */
export class FinalTableTap extends ForwardingSink {
  private readonly table = new Map<string, ResultRow>();

  constructor(inner: SinkPort) {
    super(inner);
  }

  override async commit(trigger: TriggerCommit): Promise<void> {
    await this.inner.commit(trigger);
    for (const row of trigger.rows) this.table.set(row.key, row);
  }

  /** The committed rows, last value per key, in key order. */
  rows(): ResultRow[] {
    return [...this.table.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
