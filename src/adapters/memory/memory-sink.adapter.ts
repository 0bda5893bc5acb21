import type { DeadLetter, ResultRow } from '../../domain/records';
import type { TableSchema } from '../../domain/table-schema';
import type { StoreWithDeadLetters } from '../../domain/pipeline/pipeline-output';
import type { DeadLetterPort } from '../../ports/dead-letter.port';
import type { StoreCommit, StoredCheckpoint } from '../../ports/result-store.port';

/**
 * The in-memory result store: the table (last row per key), the checkpoint, and every commit as it
 * arrived, so tests can see what each trigger emitted. A commit is applied to copies and then
 * swapped in, so a failure (`failNextCommit`) leaves nothing of it visible. Reusing one instance
 * across runs behaves like a durable store: `open` returns the last checkpoint.
 *
 * Its `deadLetterPort` stages letters into the coming commit, as a transaction would: they become
 * visible in `deadLetters` with the rows, or not at all (exactly once; a failed commit drops them,
 * and the re-read records publish them again). `MemoryDeadLetters` is the at-least-once kind.
 */
export class MemorySink implements StoreWithDeadLetters {
  table = new Map<string, ResultRow>();
  deadLetters: DeadLetter[] = [];
  readonly commits: StoreCommit[] = [];
  private checkpoint_: StoredCheckpoint | undefined;
  private failure: Error | undefined;
  private staged: DeadLetter[] = [];
  openedWith: TableSchema | undefined;
  closed = false;

  readonly deadLetterPort: DeadLetterPort = {
    open: async () => undefined,
    publish: async (letters) => {
      this.staged.push(...letters);
    },
    close: async () => undefined,
  };

  /** The next commit rejects with `error` after preparing (but before applying) its changes. */
  failNextCommit(error: Error): void {
    this.failure = error;
  }

  async open(table: TableSchema): Promise<StoredCheckpoint | undefined> {
    this.openedWith = table;
    this.closed = false;
    this.staged = [];
    return this.checkpoint_;
  }

  /** Read again after a failed commit (fenced, a rebalance): letters staged for it are dropped with it. */
  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    this.staged = [];
    return this.checkpoint_;
  }

  async commit(commit: StoreCommit): Promise<void> {
    const table = new Map(this.table);
    for (const row of commit.rows) table.set(row.key, row);
    const deadLetters = [...this.deadLetters, ...this.staged];
    this.staged = [];
    const snapshot = commit.snapshot;
    const kept = (this.checkpoint_?.snapshots ?? []).filter(
      (s) => snapshot === undefined || !s.partitions.some((p) => snapshot.partitions.includes(p)),
    );
    const snapshots =
      snapshot === undefined
        ? kept
        : [...kept, { partitions: [...snapshot.partitions].sort((a, b) => a - b), data: snapshot.data }];
    // One entry per partition, as the SQL stores keep one row: an instance holding some partitions
    // changes only theirs.
    const before = this.checkpoint_;
    const checkpoint: StoredCheckpoint = {
      positions: new Map([...(before?.positions ?? []), ...commit.positions]),
      engineState: new Map([...(before?.engineState ?? []), ...commit.engineState]),
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
    this.commits.push(commit);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  lastCheckpoint(): StoredCheckpoint | undefined {
    return this.checkpoint_;
  }
}
