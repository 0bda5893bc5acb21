import type { ResultRow } from '../../domain/records';
import type { TableSchema } from '../../domain/table-schema';
import type { SinkCheckpoint, SinkPort, TriggerCommit } from '../../ports/sink.port';

/**
 * A sink in front of the real one that also keeps, in memory, the last committed value of every
 * row: the final result table of the run, for a command that prints it (the `price-stats`
 * report). Rows are taken only once the real sink committed them, so the tap never shows what the
 * table does not hold. Use it only for small results: it holds the whole table.
 */
export class FinalTableTap implements SinkPort {
  private readonly table = new Map<string, ResultRow>();

  constructor(private readonly inner: SinkPort) {}

  open(table: TableSchema): Promise<SinkCheckpoint | undefined> {
    return this.inner.open(table);
  }

  checkpoint(): Promise<SinkCheckpoint | undefined> {
    return this.inner.checkpoint();
  }

  async commit(trigger: TriggerCommit): Promise<void> {
    await this.inner.commit(trigger);
    for (const row of trigger.rows) this.table.set(row.key, row);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  abort(): Promise<void> {
    return this.inner.abort !== undefined ? this.inner.abort() : this.inner.close();
  }

  /** The committed rows, last value per key, in key order. */
  rows(): ResultRow[] {
    return [...this.table.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
