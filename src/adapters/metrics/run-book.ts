import type { RunIdentity, RunReading } from '../../ports/run-telemetry.port';

/** One run as its observers keep it: what it is, how to read it now, and whether it is over. */
export interface WatchedRun {
  readonly run: RunIdentity;
  readonly read: () => RunReading;
  ended?: 'completed' | 'stopped' | 'failed';
}

/**
 * The runs of this process by job (several jobs side by side share one endpoint). A job run again
 * in the same process (`test` of several jobs runs them one after another) replaces its entry.
 */
export class RunBook {
  private readonly runs = new Map<string, WatchedRun>();

  started(run: RunIdentity, read: () => RunReading): void {
    this.runs.set(run.job, { run, read });
  }

  ended(job: string, outcome: 'completed' | 'stopped' | 'failed'): void {
    const entry = this.runs.get(job);
    if (entry !== undefined) entry.ended = outcome;
  }

  all(): readonly WatchedRun[] {
    return [...this.runs.values()];
  }

  running(): readonly WatchedRun[] {
    return this.all().filter((r) => r.ended === undefined);
  }
}
