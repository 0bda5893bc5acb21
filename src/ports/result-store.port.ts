import type { ServiceIdentifier } from 'inversify';
import type { ResultRow } from '../domain/records';
import type { TableSchema } from '../domain/table-schema';

/**
 * An engine state snapshot as a store keeps it: opaque text for the partitions it covers. The
 * engine decides whether it still matches the checkpoint; the store only keeps the latest per set
 * of partitions.
 */
export interface StoredSnapshot {
  readonly partitions: readonly number[];
  readonly data: string;
}

/** One trigger's writes to the result store: applied as one unit. */
export interface StoreCommit {
  /** 0, 1, 2, … within one run. */
  readonly sequence: number;
  /** Rows to upsert by `key`; a key appears at most once per trigger. */
  readonly rows: readonly ResultRow[];
  /** Next position to read, per partition: where a restart resumes, and the compare-and-set's new value. */
  readonly positions: ReadonlyMap<number, number>;
  /** Rows whose `finalAtMs` is at or before this instant will not change any more (a file writes them then). */
  readonly closedUpToMs: number;
  /**
   * The engine's recovery state per partition: an opaque, versioned text the domain encodes and
   * decodes (see `engine-state.codec.ts`). Stored as given beside the partition's position, one
   * value per partition; a store never looks inside. Every partition of `positions` has one.
   */
  readonly engineState: ReadonlyMap<number, string>;
  /** The engine's whole state, given with the last trigger of a graceful stop; stored atomically too. */
  readonly snapshot?: StoredSnapshot;
}

/** What a store committed last, for resuming. */
export interface StoredCheckpoint {
  readonly positions: ReadonlyMap<number, number>;
  /** Per partition, the `engineState` text of its last commit, exactly as it was given. */
  readonly engineState: ReadonlyMap<number, string>;
  /** Snapshots stored by graceful stops (none overlap: a new one replaces those sharing a partition). */
  readonly snapshots?: readonly StoredSnapshot[];
}

/**
 * The result store: the job's table, the engine's recovery state and the source positions,
 * committed together (ARCHITECTURE §3). Dead letters are not its business (see DeadLetterPort).
 *
 * Contract:
 * - `open(table)` prepares the destination and returns the last committed checkpoint, or
 *   `undefined` for a fresh start (a store that does not resume, such as a test-mode file, always).
 * - `checkpoint()` reads the committed checkpoint again, as `open` returned it (after a rebalance,
 *   another instance may have moved it).
 * - `commit(c)` is atomic: once it resolves, its rows, engine state, positions (and snapshot) are
 *   durable together; if it rejects, none of it is visible. A file, which cannot promise this,
 *   says so in its own documentation.
 * - Positions are a compare-and-set per partition: a store that resumes refuses (SINK_FENCED) a
 *   commit whose partition another instance moved since this one last read or committed it.
 * - Ordering: commits apply in the order they are made; one partition's entries are replaced, never
 *   merged: a commit changes only the partitions it names.
 * - Idempotent: committing the same rows twice leaves the same table (upserts by key).
 * - A `snapshot` is stored in the same unit, dropping every stored snapshot sharing a partition
 *   with it; commits without one leave stored ones alone (the engine ignores stale ones).
 * - `close()` flushes and releases resources; the table is complete once it resolves. `abort()`,
 *   where a store has it, releases resources after a failed run without completing the output.
 */
export interface ResultStorePort {
  open(table: TableSchema): Promise<StoredCheckpoint | undefined>;
  checkpoint(): Promise<StoredCheckpoint | undefined>;
  commit(commit: StoreCommit): Promise<void>;
  close(): Promise<void>;
  abort?(): Promise<void>;
}

export const ResultStorePort: ServiceIdentifier<ResultStorePort> = Symbol.for('hexstream.ResultStorePort');
