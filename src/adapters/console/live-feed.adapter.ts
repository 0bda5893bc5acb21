import type { TriggerCommit } from '../../domain/pipeline/pipeline-output';
import type { CommitTiming, RunIdentity, RunReading, RunTelemetryPort } from '../../ports/run-telemetry.port';
import type { ConsoleState, ConsoleUpdate } from './console-view';
import { JobFeed, type FeedLimits } from './job-feed';

export const DEFAULT_FEED_LIMITS: FeedLimits = {
  samples: 300,
  deadLetters: 10,
  rows: 10,
  text: 300,
  symbols: 12,
  bars: 60,
};

export interface LiveFeedOptions {
  readonly sampleEveryMs?: number;
  readonly limits?: Partial<FeedLimits>;
}

/**
 * The live console's view of the runs: a `RunTelemetryPort` that keeps, per job, bounded series
 * sampled once per `tick()` (the console's timer calls it every second) and the latest committed
 * rows and dead letters. It does nothing per record: `committed` costs O(1) per trigger, plus one
 * map update per row for OHLC bars and rankings; `tick` reads each run once.
 */
export class LiveFeed implements RunTelemetryPort {
  readonly sampleEveryMs: number;
  private readonly limits: FeedLimits;
  /** By job name, in the order the runs started. */
  private readonly jobs = new Map<string, JobFeed>();
  private readonly listeners = new Set<(update: ConsoleUpdate) => void>();

  constructor(
    private readonly now: () => number,
    options: LiveFeedOptions = {},
  ) {
    this.sampleEveryMs = options.sampleEveryMs ?? 1000;
    this.limits = { ...DEFAULT_FEED_LIMITS, ...options.limits };
  }

  runStarted(run: RunIdentity, read: () => RunReading): void {
    // A job run again in the same process starts afresh.
    this.jobs.delete(run.job);
    const feed = new JobFeed(run, read, this.limits);
    this.jobs.set(run.job, feed);
    feed.sample();
  }

  committed(job: string, trigger: TriggerCommit, timing: CommitTiming): void {
    this.jobs.get(job)?.committed(trigger, timing);
  }

  commitFailed(job: string, error: string, atMs: number): void {
    this.jobs.get(job)?.commitFailed(error, atMs);
  }

  runEnded(job: string, outcome: 'completed' | 'stopped' | 'failed', _atMs: number): void {
    this.jobs.get(job)?.ended(outcome);
  }

  /** Samples every running job once and tells the listeners what changed; returns that update. */
  tick(): ConsoleUpdate {
    const jobs = [...this.jobs.values()].map((feed) => {
      const sample = feed.sample();
      const changed = feed.takeListsChanged();
      return {
        ...feed.head(),
        ...(sample !== undefined ? { sample } : {}),
        ...(changed ? { lists: feed.lists() } : {}),
      };
    });
    const update: ConsoleUpdate = { nowMs: this.now(), jobs };
    for (const listener of this.listeners) {
      try {
        listener(update);
      } catch {
        // A listener is a client's connection: one that fails must not stop the others.
      }
    }
    return update;
  }

  /** Everything kept, for a client that connects now. */
  state(): ConsoleState {
    return {
      nowMs: this.now(),
      sampleEveryMs: this.sampleEveryMs,
      maxSamples: this.limits.samples,
      jobs: [...this.jobs.values()].map((feed) => feed.view()),
    };
  }

  /** Calls `listener` with each tick's update until the returned function is called. */
  subscribe(listener: (update: ConsoleUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
