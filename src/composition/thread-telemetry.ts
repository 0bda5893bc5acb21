import type { TriggerCommit } from '../domain/pipeline/pipeline-output';
import type { CommitTiming, RunIdentity, RunReading, RunTelemetryPort } from '../ports/run-telemetry.port';
import { mergeReadings } from './thread-merge';

type Outcome = 'completed' | 'stopped' | 'failed';

/** What a stream thread tells its process about its run, over `postMessage` (structured clone). */
export type ThreadTelemetryMessage =
  | { readonly kind: 'started'; readonly run: RunIdentity; readonly reading?: RunReading }
  | { readonly kind: 'reading'; readonly job: string; readonly reading: RunReading }
  | { readonly kind: 'committed'; readonly job: string; readonly trigger: TriggerCommit; readonly timing: CommitTiming }
  | { readonly kind: 'commitFailed'; readonly job: string; readonly error: string; readonly atMs: number }
  | { readonly kind: 'ended'; readonly job: string; readonly outcome: Outcome; readonly atMs: number };

/** How often a thread sends its reading: the endpoint's scrapes and console ticks read the latest. */
export const READING_EVERY_MS = 500;
/**
 * Rows and dead letters of a trigger sent on: the console shows the latest few, and a copy of a
 * whole trigger's rows would cost the thread as much as writing them.
 */
export const FORWARDED_ROWS = 500;
export const FORWARDED_LETTERS = 100;

/**
 * A stream thread's telemetry: tells the process's thread what the pipeline tells it. A reading is
 * pulled by the endpoint in a single-thread run; here the thread pushes one every
 * `READING_EVERY_MS`, and at each commit and at the end.
 */
export class PostingTelemetry implements RunTelemetryPort {
  private read: (() => RunReading) | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private job = '';

  constructor(
    private readonly post: (message: ThreadTelemetryMessage) => void,
    private readonly everyMs = READING_EVERY_MS,
  ) {}

  runStarted(run: RunIdentity, read: () => RunReading): void {
    this.read = read;
    this.job = run.job;
    const reading = this.reading();
    this.post({ kind: 'started', run, ...(reading !== undefined ? { reading } : {}) });
    clearInterval(this.timer);
    this.timer = setInterval(() => this.sendReading(), this.everyMs);
    this.timer.unref();
  }

  committed(job: string, trigger: TriggerCommit, timing: CommitTiming): void {
    const slim: TriggerCommit = {
      sequence: trigger.sequence,
      rows: trigger.rows.slice(-FORWARDED_ROWS),
      deadLetters: trigger.deadLetters.slice(-FORWARDED_LETTERS),
      positions: trigger.positions,
      watermarks: trigger.watermarks,
      closedUpToMs: trigger.closedUpToMs,
      checkpoint: { partitions: new Map() },
    };
    this.post({ kind: 'committed', job, trigger: slim, timing });
    this.sendReading();
  }

  commitFailed(job: string, error: string, atMs: number): void {
    this.post({ kind: 'commitFailed', job, error, atMs });
  }

  runEnded(job: string, outcome: Outcome, atMs: number): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.sendReading();
    this.post({ kind: 'ended', job, outcome, atMs });
  }

  private reading(): RunReading | undefined {
    try {
      return this.read?.();
    } catch {
      return undefined;
    }
  }

  private sendReading(): void {
    const reading = this.reading();
    if (reading !== undefined) this.post({ kind: 'reading', job: this.job, reading });
  }
}

interface JobThreads {
  readonly readings: Map<number, RunReading>;
  readonly ended: Map<number, Outcome>;
  lastEndMs: number;
}

/**
 * The process's side: hears its stream threads and tells the endpoint's telemetry of one run per
 * job, whose reading is the threads' latest readings added up (see `mergeReadings`). The run ends
 * once every thread's has: failed if one failed, stopped if one was stopped, else completed.
 */
export class ThreadTelemetryRelay {
  private readonly jobs = new Map<string, JobThreads>();

  constructor(
    private readonly target: RunTelemetryPort,
    private readonly threads: number,
  ) {}

  receive(thread: number, message: ThreadTelemetryMessage): void {
    switch (message.kind) {
      case 'started':
        return this.started(thread, message.run, message.reading);
      case 'reading':
        this.jobs.get(message.job)?.readings.set(thread, message.reading);
        return;
      case 'committed':
        return this.target.committed(message.job, message.trigger, message.timing);
      case 'commitFailed':
        return this.target.commitFailed(message.job, message.error, message.atMs);
      case 'ended':
        return this.ended(thread, message.job, message.outcome, message.atMs);
    }
  }

  /** A thread is gone without saying how its run ended (it failed, or its worker died): failed. */
  threadGone(thread: number, atMs: number): void {
    for (const [job, threads] of this.jobs) if (!threads.ended.has(thread)) this.ended(thread, job, 'failed', atMs);
  }

  private started(thread: number, run: RunIdentity, reading: RunReading | undefined): void {
    let job = this.jobs.get(run.job);
    if (job === undefined) {
      const created: JobThreads = { readings: new Map(), ended: new Map(), lastEndMs: 0 };
      job = created;
      this.jobs.set(run.job, created);
      this.target.runStarted(run, () => mergeReadings([...created.readings.values()]));
    }
    if (reading !== undefined) job.readings.set(thread, reading);
  }

  private ended(thread: number, name: string, outcome: Outcome, atMs: number): void {
    const job = this.jobs.get(name);
    if (job === undefined || job.ended.has(thread)) return;
    job.ended.set(thread, outcome);
    job.lastEndMs = Math.max(job.lastEndMs, atMs);
    if (job.ended.size < this.threads) return;
    const outcomes = [...job.ended.values()];
    const all: Outcome = outcomes.includes('failed')
      ? 'failed'
      : outcomes.includes('stopped')
        ? 'stopped'
        : 'completed';
    this.target.runEnded(name, all, job.lastEndMs);
  }
}
