import type { DeadLetter, ResultRow } from '../records';
import type { EngineCheckpoint } from './engine-checkpoint';

/** What one trigger hands to the sink: rows per output mode, dead letters, and where to resume. */
export interface TriggerOutput {
  readonly rows: ResultRow[];
  readonly deadLetters: DeadLetter[];
  /** Next position to read, per partition. */
  readonly positions: ReadonlyMap<number, number>;
  /** Per-partition watermarks (epoch ms; -Infinity before the first record, Infinity once ended). */
  readonly watermarks: ReadonlyMap<number, number>;
  /** Windows ending at or before this instant are closed: their rows are final. */
  readonly closedUpToMs: number;
  /** Windows (or sessions) this trigger closed and evicted: the committed state shrank. */
  readonly closedWindows: number;
  /** What a restart needs to rebuild this state (see `EngineCheckpoint`). */
  readonly checkpoint: EngineCheckpoint;
  /**
   * Per partition that read events since the previous trigger: the newest event time among them
   * (replayed records aside). What the event-to-commit latency is measured from.
   */
  readonly newestEventMs?: ReadonlyMap<number, number>;
}
