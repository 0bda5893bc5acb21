import type { ServiceIdentifier } from 'inversify';
import type { EngineCounters, StateSize } from '../domain/engine/engine-counters';
import type { OutputMode } from '../domain/engine/output-mode';
import type { TriggerCommit } from '../domain/pipeline/pipeline-output';
import type { TableSchema } from '../domain/table-schema';

/** What a run is, as its observers need it: told once, when the run starts. */
export interface RunIdentity {
  readonly job: string;
  readonly mode: 'test' | 'prod' | 'batch';
  readonly outputMode: OutputMode;
  readonly table: TableSchema;
  /** Where the records come from (a topic, a file or folder), for display. */
  readonly input: string;
  readonly startedAtMs: number;
}

/** A service the run could not reach, and since when. */
export interface RunOutage {
  /** `source` (the input: the broker) or `sink` (the database, or the broker for `--to-kafka`). */
  readonly side: 'source' | 'sink';
  /** What failed, as the adapter said it. */
  readonly what: string;
  readonly sinceMs: number;
}

/** A run's figures now: what `/metrics`, the health checks and the console read. */
export interface RunReading {
  readonly nowMs: number;
  /** Totals of the run, each record counted once (re-read records only in `replayed`). */
  readonly counters: EngineCounters;
  readonly state: StateSize;
  /** The partitions this instance owns now; empty before the first assignment. */
  readonly assigned: readonly number[];
  /** Records waiting per owned partition, as the source last said (Kafka: high watermark − position). */
  readonly lag: ReadonlyMap<number, number>;
  /** Event-time watermark per partition (epoch ms). */
  readonly watermarks: ReadonlyMap<number, number>;
  /** Why the state is being rebuilt from the last commit, while it is. */
  readonly rebuilding?: string;
  /** The outage going on now, if any (the sink's first when both are down). */
  readonly outage?: RunOutage;
  /** Milliseconds each side spent unreachable in this run, the current outage included. */
  readonly outageMs: { readonly source: number; readonly sink: number };
  /** The last commit attempt: when it ended, and whether it succeeded. */
  readonly lastCommit?: { readonly atMs: number; readonly ok: boolean; readonly error?: string };
}

/** How long one trigger's commit took, and how fresh its data was. */
export interface CommitTiming {
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  /**
   * Event-to-commit latency, one value per partition the trigger moved: the commit's end minus the
   * newest event time read from that partition in this trigger (ms).
   */
  readonly eventToCommitMs: readonly number[];
}

/**
 * What the pipeline tells those who watch it run (metrics, health checks, the live console).
 * Implementations must be cheap and must not throw: they run on the pipeline's path.
 */
export interface RunTelemetryPort {
  /** A run began; `read` gives its figures now (cheap: called on every scrape and console tick). */
  runStarted(run: RunIdentity, read: () => RunReading): void;
  /** A trigger's rows, dead letters and positions are committed. */
  committed(job: string, trigger: TriggerCommit, timing: CommitTiming): void;
  /** A commit failed: the run rebuilds, waits out an outage, or fails. */
  commitFailed(job: string, error: string, atMs: number): void;
  /** The run is over: its input ended, it was stopped, or it failed. */
  runEnded(job: string, outcome: 'completed' | 'stopped' | 'failed', atMs: number): void;
}

export const RunTelemetryPort: ServiceIdentifier<RunTelemetryPort> = Symbol.for('hexstream.RunTelemetryPort');
