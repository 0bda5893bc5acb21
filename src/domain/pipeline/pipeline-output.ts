import type { DeadLetterPort } from '../../ports/dead-letter.port';
import type { ResultStorePort, StoreCommit, StoredCheckpoint, StoredSnapshot } from '../../ports/result-store.port';
import type { EngineCheckpoint } from '../engine/engine-checkpoint';
import { encodeEngineState } from '../engine/engine-state.codec';
import type { DeadLetter, ResultRow } from '../records';
import type { TableSchema } from '../table-schema';

/** Everything one trigger produced, as the engine gives it. */
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

/** Told about each trigger once both ports took it (counting dead letters, keeping a final table). */
export interface CommitObserver {
  committed(trigger: TriggerCommit): void;
}

/** The use case's two outputs; observers see each trigger after its commit. */
export interface PipelineOutput {
  readonly store: ResultStorePort;
  readonly deadLetters: DeadLetterPort;
  readonly observers?: readonly CommitObserver[];
}

/**
 * A result store that brings its own dead-letter port (memory, the test-mode files, the Kafka
 * transactional output): the port stages or writes letters for that store.
 */
export interface StoreWithDeadLetters extends ResultStorePort {
  readonly deadLetterPort: DeadLetterPort;
}

export function asPipelineOutput(output: PipelineOutput | StoreWithDeadLetters): PipelineOutput {
  return 'store' in output ? output : { store: output, deadLetters: output.deadLetterPort };
}

/**
 * One trigger's commit, the only place that orders the two ports:
 *
 *   deadLetters.publish(letters) ──▶ store.commit(rows + engine state + positions) ──▶ observers
 *        durable, at least once          atomic: all or nothing
 *              crash ─┘ here: positions not moved ─▶ the records are re-read and their letters
 *                       published again (never lost, maybe twice); no row of the trigger is visible
 *
 * Letters go first because the store's commit moves the positions past their records: the other
 * order could lose them to a crash between the two. An adapter whose letters join the store's own
 * transaction (Kafka `--to-kafka`, memory) only stages them in `publish`: the commit makes both
 * visible at once, exactly once.
 */
export async function commitOutput(output: PipelineOutput, trigger: TriggerCommit): Promise<void> {
  // Encoded first: a trigger the store would refuse publishes nothing.
  const commit = storeCommitOf(trigger);
  if (trigger.deadLetters.length > 0) await output.deadLetters.publish(trigger.deadLetters);
  await output.store.commit(commit);
  for (const observer of output.observers ?? []) observer.committed(trigger);
}

/** What the result store gets of a trigger: no dead letters, the engine state encoded per partition. */
export function storeCommitOf(trigger: TriggerCommit): StoreCommit {
  return {
    sequence: trigger.sequence,
    rows: trigger.rows,
    positions: trigger.positions,
    closedUpToMs: trigger.closedUpToMs,
    engineState: encodeEngineState(trigger.sequence, trigger.positions, trigger.watermarks, trigger.checkpoint),
    ...(trigger.snapshot !== undefined ? { snapshot: trigger.snapshot } : {}),
  };
}

/**
 * Opens the dead letters, then the store, as a run needs them: a broker that cannot take letters
 * fails the start before the database is touched. When the store cannot open, the dead letters
 * are let go again (aborted: a dead-letter file starts only once the store is there), so nothing
 * is left holding a connection. Returns what the store committed last.
 */
export async function openOutput(output: PipelineOutput, table: TableSchema): Promise<StoredCheckpoint | undefined> {
  await output.deadLetters.open();
  try {
    return await output.store.open(table);
  } catch (e) {
    const letters = output.deadLetters;
    await (letters.abort !== undefined ? letters.abort() : letters.close()).catch(() => undefined);
    throw e;
  }
}

/** Closes (or aborts, after a failure) the store, then the dead letters, whatever the first one did. */
export async function closeOutput(output: PipelineOutput, how: 'close' | 'abort'): Promise<void> {
  const end = async (port: ResultStorePort | DeadLetterPort): Promise<void> =>
    how === 'abort' && port.abort !== undefined ? port.abort() : port.close();
  try {
    await end(output.store);
  } finally {
    await end(output.deadLetters);
  }
}
