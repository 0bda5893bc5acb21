import type { TallySnapshot } from '../composition/rejection-tally';
import type { RawFlags } from '../composition/raw-flags';
import type { ThreadTelemetryMessage } from '../composition/thread-telemetry';
import type { RunReport } from '../domain/pipeline/stream-pipeline';

/**
 * What a stream thread (a `worker_threads` Worker running one prod pipeline) and the process's main
 * thread say to each other. Everything crosses by structured clone: plain data, Maps, no functions.
 */

/** The worker's `workerData`: the job's flags as parsed (a job file is loaded again in the thread). */
export interface StreamThreadData {
  readonly flags: RawFlags;
  /** 0 … threads − 1. */
  readonly thread: number;
  readonly threads: number;
  /** Whether the process serves an endpoint: the thread then sends its telemetry. */
  readonly telemetry: boolean;
}

/**
 * Main → thread: `start` once every thread is ready (so that they join the group together, and the
 * group's first assignment already spreads the partitions over all of them); `stop` at a signal or
 * when another thread failed (before `start`: the thread starts and stops at once).
 */
export type ToStreamThread = { readonly kind: 'start' } | { readonly kind: 'stop' };

/** An error as it crosses threads: its code (a HexstreamError's) keeps the exit code it maps to. */
export interface ThreadError {
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
}

/** Thread → main. */
export type FromStreamThread =
  /** Its container is built: it waits for `start`. */
  | { readonly kind: 'ready' }
  | { readonly kind: 'telemetry'; readonly message: ThreadTelemetryMessage }
  | {
      readonly kind: 'done';
      readonly report: RunReport;
      readonly tally: TallySnapshot;
    }
  | { readonly kind: 'failed'; readonly error: ThreadError };
