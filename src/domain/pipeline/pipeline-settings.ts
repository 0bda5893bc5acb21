import type { OutputMode } from '../engine/output-mode';
import type { AnyJob } from '../jobs/job';
import type { WindowSpec } from '../windowing/window-spec';

export interface PipelineSettings {
  readonly job: AnyJob;
  readonly window: WindowSpec;
  readonly watermarkMs: number;
  readonly outputMode: OutputMode;
  readonly idleTimeoutMs: number;
  readonly triggerIntervalMs: number;
  readonly triggerRecords: number;
  /** How often a progress line is logged (processing time). */
  readonly progressIntervalMs: number;
  /**
   * Partitions whose watermark runs more than this ahead of the slowest partition with records
   * waiting are held back at the source (`EventTimeAlignment`); undefined or 0: never.
   */
  readonly maxDriftMs?: number;
  /**
   * What the end of a bounded input or a graceful stop does with windows still open: `flush` emits
   * them as if the watermark were +∞ (test mode: the run is over); `checkpoint` commits them for
   * the next run, which resumes exactly (prod mode); `flush-at-end` flushes at the end of the
   * input but checkpoints on a stop, so a stopped batch resumes (batch mode).
   */
  readonly onStop: 'flush' | 'checkpoint' | 'flush-at-end';
  /**
   * With `onStop: 'checkpoint'`, what the end of a bounded input does with windows still open:
   * `keep` (default) commits them for the next run, as a stop does; `flush` writes them as if the
   * watermark had passed them, and the next run takes records for them as late.
   */
  readonly atEnd?: 'flush' | 'keep';
  /**
   * Commit a trigger while processing the next records (one commit in flight, in order), instead
   * of waiting for it. Shortens each trigger cycle by the database's time; a failed commit is seen
   * at the next trigger.
   */
  readonly overlapCommits?: boolean;
  /**
   * How long the database or the broker may stay unreachable mid-stream before the run fails
   * (default: forever). Meanwhile the pipeline waits with capped exponential backoff.
   */
  readonly maxOutageMs?: number;
}

/** Asked between batches; once it says stop, the pipeline finishes the trigger and returns. */
export interface StopToken {
  isStopped(): boolean;
}
