import type { ServiceIdentifier } from 'inversify';
import type { EngineCheckpoint } from '../domain/engine/engine-checkpoint';
import type { DeadLetter, ResultRow } from '../domain/records';
import type { TableSchema } from '../domain/table-schema';

/** Everything one trigger produced; a sink applies it as one unit. */
export interface TriggerCommit {
  /** 0, 1, 2, … within one run. */
  readonly sequence: number;
  /** Rows to upsert by `key`; a key appears at most once per trigger. */
  readonly rows: readonly ResultRow[];
  readonly deadLetters: readonly DeadLetter[];
  /** Next position to read, per partition: where a restart resumes. */
  readonly positions: ReadonlyMap<number, number>;
  /** Per-partition watermarks (epoch ms), stored so a restart keeps late-data decisions stable. */
  readonly watermarks: ReadonlyMap<number, number>;
  /** Rows whose `finalAtMs` is at or before this instant will not change any more. */
  readonly closedUpToMs: number;
  /** Where a restart re-reads from to rebuild open windows; stored with the rows, atomically. */
  readonly checkpoint: EngineCheckpoint;
  /** The engine's whole state, given with the last trigger of a graceful stop; stored atomically too. */
  readonly snapshot?: StoredSnapshot;
}

/**
 * An engine state snapshot as a sink stores it: opaque text for the partitions it covers. The
 * engine decides whether it still matches the checkpoint; the sink only keeps the latest per set of
 * partitions.
 */
export interface StoredSnapshot {
  readonly partitions: readonly number[];
  readonly data: string;
}

/** What a sink committed last, for resuming. */
export interface SinkCheckpoint {
  readonly positions: ReadonlyMap<number, number>;
  readonly watermarks: ReadonlyMap<number, number>;
  /** The engine's checkpoint of the last commit; when present, a restart resumes exactly from it. */
  readonly engine?: EngineCheckpoint;
  /** Snapshots stored by graceful stops (none overlap: a new one replaces those sharing a partition). */
  readonly snapshots?: readonly StoredSnapshot[];
}

/**
 * Where results go: the job's table (upserted by primary key), the dead letters, and the positions.
 *
 * Contract:
 * - `open(table)` prepares the destination and returns the last committed checkpoint, or
 *   `undefined` for a fresh start.
 * - `checkpoint()` reads the committed checkpoint again, as `open` returned it.
 * - `commit(trigger)` is atomic: after it resolves, all of the trigger's rows, dead letters and
 *   positions are durable; if it rejects, none of it is visible (a sink that cannot guarantee this,
 *   such as a file, says so in its own documentation).
 * - Upserts are idempotent: committing the same trigger twice leaves the same table.
 * - A sink that resumes (returns checkpoints) stores a trigger's `snapshot` in the same unit, drops
 *   every stored snapshot sharing a partition with it, and returns the stored ones with the
 *   checkpoint. Commits without a snapshot leave stored ones alone (the engine ignores stale ones).
 * - `close()` flushes and releases resources; the table is complete once it resolves.
 * - `abort()`, where a sink has it, releases resources after a failed run without completing the
 *   output: a file sink leaves no file that looks whole. Without it, the runner calls `close()`.
 */
export interface SinkPort {
  open(table: TableSchema): Promise<SinkCheckpoint | undefined>;
  /** The last committed checkpoint, read again (after a rebalance, another instance may have moved it). */
  checkpoint(): Promise<SinkCheckpoint | undefined>;
  commit(trigger: TriggerCommit): Promise<void>;
  close(): Promise<void>;
  abort?(): Promise<void>;
}

export const SinkPort: ServiceIdentifier<SinkPort> = Symbol.for('hexstream.SinkPort');
