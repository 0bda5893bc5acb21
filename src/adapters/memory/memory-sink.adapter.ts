import type { DeadLetter, ResultRow } from '../../domain/records';
import type { TableSchema } from '../../domain/table-schema';
import type { SinkCheckpoint, SinkPort, TriggerCommit } from '../../ports/sink.port';

/**
 * The in-memory sink: the table (last row per key), dead letters, the checkpoint, and every commit
 * as it arrived, so tests can see what each trigger emitted. A commit is applied to copies and then
 * swapped in, so a failure (`failNextCommit`) leaves nothing of it visible. Reusing one instance
 * across runs behaves like a durable store: `open` returns the last checkpoint.
 */
export class MemorySink implements SinkPort {
  table = new Map<string, ResultRow>();
  deadLetters: DeadLetter[] = [];
  readonly commits: TriggerCommit[] = [];
  private checkpoint_: SinkCheckpoint | undefined;
  private failure: Error | undefined;
  openedWith: TableSchema | undefined;
  closed = false;

  /** The next commit rejects with `error` after preparing (but before applying) its changes. */
  failNextCommit(error: Error): void {
    this.failure = error;
  }

  async open(table: TableSchema): Promise<SinkCheckpoint | undefined> {
    this.openedWith = table;
    this.closed = false;
    return this.checkpoint_;
  }

  async checkpoint(): Promise<SinkCheckpoint | undefined> {
    return this.checkpoint_;
  }

  async commit(trigger: TriggerCommit): Promise<void> {
    const table = new Map(this.table);
    for (const row of trigger.rows) table.set(row.key, row);
    const deadLetters = [...this.deadLetters, ...trigger.deadLetters];
    const snapshot = trigger.snapshot;
    const kept = (this.checkpoint_?.snapshots ?? []).filter(
      (s) => snapshot === undefined || !s.partitions.some((p) => snapshot.partitions.includes(p)),
    );
    const snapshots =
      snapshot === undefined
        ? kept
        : [...kept, { partitions: [...snapshot.partitions].sort((a, b) => a - b), data: snapshot.data }];
    // One entry per partition, as the SQL sinks keep one row: an instance holding some partitions
    // changes only theirs.
    const before = this.checkpoint_;
    const checkpoint: SinkCheckpoint = {
      positions: new Map([...(before?.positions ?? []), ...trigger.positions]),
      watermarks: new Map([...(before?.watermarks ?? []), ...trigger.watermarks]),
      engine: { partitions: new Map([...(before?.engine?.partitions ?? []), ...trigger.checkpoint.partitions]) },
      ...(snapshots.length > 0 ? { snapshots } : {}),
    };
    if (this.failure !== undefined) {
      const error = this.failure;
      this.failure = undefined;
      throw error;
    }
    this.table = table;
    this.deadLetters = deadLetters;
    this.checkpoint_ = checkpoint;
    this.commits.push(trigger);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  lastCheckpoint(): SinkCheckpoint | undefined {
    return this.checkpoint_;
  }
}
