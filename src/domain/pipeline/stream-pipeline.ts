import type { ClockPort } from '../../ports/clock.port';
import type { LoggerPort } from '../../ports/logger.port';
import type { MemoryUsagePort } from '../../ports/memory-usage.port';
import { asPipelineOutput, closeOutput, type PipelineOutput, type StoreWithDeadLetters } from './pipeline-output';
import type { SourceBatch, SourcePort } from '../../ports/source.port';
import type { EngineCounters, StateSize } from '../engine/engine-counters';
import { HexstreamError } from '../hexstream-error';
import { CommitQueue } from './commit-queue';
import { EventTimeAlignment } from './event-time-alignment';
import { isUnavailable, OutagePolicy } from './outage-policy';
import type { PipelineSettings, StopToken } from './pipeline-settings';
import { ProgressReporter } from './progress-reporter';
import { RebuildFromCommit } from './rebuild-from-commit';
import { RunState } from './run-state';
import { RunWatch, type RunWatchSettings } from './run-watch';
import { TriggerFiring } from './trigger-firing';
import { TriggerPolicy, type OpenWindowsAction } from './trigger-policy';

export interface RunReport {
  readonly job: string;
  readonly startedAtMs: number;
  readonly elapsedMs: number;
  readonly counters: EngineCounters;
  readonly state: StateSize;
  /** The largest state of the run, figure by figure (at a trigger, before it evicted). */
  readonly peakState: StateSize;
  /** The process's highest resident set size so far, when memory is measured. */
  readonly peakRssMb?: number;
  readonly watermarks: ReadonlyMap<number, number>;
  /** True when a bounded input was read to its end (false when stopped). */
  readonly completed: boolean;
  /**
   * Rows in the result with their final value: those of the windows closed in this run (complete
   * mode: the rows of the whole table). `counters.rowsEmitted` counts every write, updates included.
   */
  readonly finalRows: number;
  /** What became of the windows still open at the end: written (`flushed`) or committed for the next run (`kept`, see `state`). */
  readonly openWindowsAtEnd: 'flushed' | 'kept';
}

export type { PipelineSettings, StopToken } from './pipeline-settings';
export type { RunWatchSettings } from './run-watch';

const NEVER_STOP: StopToken = { isStopped: () => false };

/** One run's parts, made by `run` and handed to each step of its loop. */
interface Run {
  readonly state: RunState;
  readonly stop: StopToken;
  readonly commits: CommitQueue;
  readonly triggers: TriggerPolicy;
  readonly firing: TriggerFiring;
  readonly recovery: RebuildFromCommit;
  readonly outages: OutagePolicy;
  readonly progress: ProgressReporter;
  readonly alignment: EventTimeAlignment | undefined;
  readonly watch: RunWatch | undefined;
}

/**
 * The use case: pull batches, run them through the engine, and commit one trigger at a time.
 *
 *   poll ─▶ process ─▶ … ─▶ trigger? ──yes──▶ engine.trigger() ─▶ commitOutput() ─▶ source.acknowledge()
 *            ▲                  │ no              (dead letters, then rows + state + positions)
 *            └──────────────────┘
 *
 * When a trigger fires is the `TriggerPolicy`'s call; a rebalance, a fence by another instance
 * and the end of an outage all rebuild from the committed data (`RebuildFromCommit`); outages are
 * waited out by the `OutagePolicy`; progress lines come from the `ProgressReporter`. After each
 * poll, partitions whose event time ran more than `maxDriftMs` ahead of the others are held back
 * at the source (`EventTimeAlignment`), so that the open windows stay bounded.
 */
export class StreamPipeline {
  private readonly output: PipelineOutput;

  constructor(
    private readonly source: SourcePort,
    output: PipelineOutput | StoreWithDeadLetters,
    private readonly clock: ClockPort,
    private readonly logger: LoggerPort,
    private readonly settings: PipelineSettings,
    private readonly memory?: MemoryUsagePort,
    /** Who watches the run (metrics, health checks, the live console), when anyone does. */
    private readonly watchSettings?: RunWatchSettings,
  ) {
    this.output = asPipelineOutput(output);
  }

  async run(stop: StopToken = NEVER_STOP): Promise<RunReport> {
    const startedAtMs = this.clock.now();
    const run = await this.start(stop, startedAtMs);
    const state = run.state;
    const stopTicking = run.progress.startTicking();
    try {
      while (!state.exhausted && !stop.isStopped()) await this.step(run);
      // Stopped mid-stream: commit what was read so a restart resumes right after it.
      if (!state.exhausted) await this.fireLast(run);
      await closeOutput(this.output, 'close');
      await this.source.close();
    } catch (error) {
      await run.commits.drain();
      await this.release();
      run.watch?.ended('failed');
      throw error;
    } finally {
      stopTicking();
    }
    run.watch?.ended(state.exhausted ? 'completed' : 'stopped');
    return this.report(state, run.triggers, startedAtMs);
  }

  /** Rebuilds the engine from what the sink committed and makes the run's parts. */
  private async start(stop: StopToken, startedAtMs: number): Promise<Run> {
    const s = this.settings;
    const commits = new CommitQueue();
    const alignment = s.maxDriftMs !== undefined && s.maxDriftMs > 0 ? new EventTimeAlignment(s.maxDriftMs) : undefined;
    const recovery = new RebuildFromCommit(this.source, this.output, this.logger, s, commits, alignment);
    const engine = recovery.newEngine();
    const partitions = await recovery.start(engine);
    this.logger.info('pipeline started', { job: s.job.name, partitions: partitions.length, outputMode: s.outputMode });
    const state = new RunState(engine, partitions, startedAtMs);
    const triggers = new TriggerPolicy(s);
    const watch =
      this.watchSettings === undefined ? undefined : new RunWatch(this.watchSettings, this.clock, s.job.name);
    watch?.started({ job: s.job.name, outputMode: s.outputMode, table: s.job.table, startedAtMs }, state);
    return {
      state,
      stop,
      commits,
      triggers,
      recovery,
      alignment,
      watch,
      firing: new TriggerFiring(this.output, this.source, triggers, commits, s, watch),
      outages: new OutagePolicy(this.clock, this.logger, s.maxOutageMs),
      progress: new ProgressReporter(this.clock, this.logger, s, state, startedAtMs, this.memory),
    };
  }

  /** One poll and what follows it: a rebuild, a commit before a rebalance, or records and maybe a trigger. */
  private async step(run: Run): Promise<void> {
    const { state, triggers } = run;
    const waitMs = triggers.maxWaitMs(this.clock.now(), state.lastTriggerMs);
    const batch = await this.source.poll(triggers.maxRecords(state.pending), waitMs);
    if (batch.assigned !== undefined) return run.recovery.rebuild(state, batch.assigned, 'a rebalance');
    if (batch.revoking === true) {
      // A rebalance is taking partitions away: commit what was processed, so that their next
      // owner (maybe this instance again) starts from here; the source lets go after this.
      await this.fireOrRebuild(run, this.clock.now(), false, true);
      this.logger.info('committed before a rebalance', {
        positions: [...state.engine.positions()].map(([p, n]) => `${p}:${n}`).join(' '),
      });
      return;
    }
    this.take(run, batch);
    const now = this.clock.now();
    if (state.exhausted) applyToOpenWindows(state, triggers.atEndOfInput());
    const at = { nowMs: now, lastTriggerMs: state.lastTriggerMs, pending: state.pending, exhausted: state.exhausted };
    if (triggers.isDue(at) && !(await this.fireOrRebuild(run, now, state.exhausted))) state.exhausted = false;
    run.progress.logIfDue(now);
  }

  /** Runs a batch's records through the engine and notes what the source said about its partitions. */
  private take(run: Run, batch: SourceBatch): void {
    const { state, alignment } = run;
    const owned = new Set(state.assigned);
    if (batch.lag !== undefined) for (const [p, n] of batch.lag) if (owned.has(p)) state.lag.set(p, n);
    run.outages.watchSource(batch.unavailable, state);
    const engine = state.engine;
    // A processing-time job places the records of a batch by when they are processed: now. (Read
    // only for those jobs: a clock that steps on every read keeps its pace for the others.)
    const nowMs = this.settings.job.timeDomain === 'processing' ? this.clock.now() : undefined;
    for (const record of batch.records) engine.process(record, nowMs);
    if (run.triggers.endsPartitions()) for (const p of batch.endedPartitions) engine.endPartition(p);
    if (alignment !== undefined && this.source.holdBack !== undefined) {
      alignment.observe(batch);
      this.source.holdBack(alignment.holdBack(engine.watermarks()));
    }
    state.pending += batch.records.length;
    state.exhausted = batch.exhausted;
  }

  /**
   * Fires; when fenced by another instance, or after waiting out an outage, rebuilds from the
   * committed data instead (returns false then: what was read since the last commit is read again).
   */
  private async fireOrRebuild(run: Run, now: number, last: boolean, wait = last): Promise<boolean> {
    try {
      await run.firing.fire(run.state, now, last, wait);
      return true;
    } catch (e) {
      if (isUnavailable(e)) {
        await this.waitOut(run, e);
        return false;
      }
      if (!isFenced(e) || !run.recovery.canRebuild()) throw e;
      // Another instance owns a partition now and committed it: start over from the data.
      this.logger.warn('fenced by another instance; rebuilding from the committed checkpoint', { error: e.message });
      await run.recovery.rebuild(run.state, run.state.assigned, 'another instance committed');
      return false;
    }
  }

  /**
   * The last trigger of a stopped run. An outage here fails the run: the wait, asked to stop,
   * gives up at once with how long the service was down (should it come back, the first failure stands).
   *
   * A fence here is a rebalance the stop overtook: another instance took a partition over and
   * committed it before this one heard. Nothing of this trigger is visible and nothing is lost —
   * each partition's owner reads on from the last commit — so the stop ends as a stop, with a
   * warning, as it would mid-run (`fireOrRebuild`), minus the rebuild it has no time for.
   *
   *   this instance:   read p1 … ─ SIGTERM ─ commit p1 ✗ fenced ─▶ stopped, last commit stands
   *   other instance:        join ─ owns p1 ─ commit p1 ✓
   */
  private async fireLast(run: Run): Promise<void> {
    applyToOpenWindows(run.state, run.triggers.onStopMidStream());
    await run.firing.fire(run.state, this.clock.now(), true).catch(async (e: unknown) => {
      if (isFenced(e) && run.recovery.canRebuild()) return this.fencedAtStop(run, e);
      if (isUnavailable(e)) await this.waitOut(run, e);
      throw e;
    });
  }

  private fencedAtStop(run: Run, e: HexstreamError): void {
    run.state.endUncommitted();
    this.logger.warn(
      'fenced by another instance at the stop; the last commit stands and what was read since is read again',
      {
        error: e.message,
      },
    );
  }

  /** Waits for the sink to come back, then rebuilds from its last commit. */
  private async waitOut(run: Run, first: HexstreamError): Promise<void> {
    if (!run.recovery.canRebuild()) throw first; // no way to rebuild in place: a rerun resumes from the commit
    await run.outages.waitOutSink(first, run.state, {
      isStopped: () => run.stop.isStopped(),
      logProgress: (nowMs) => run.progress.log(nowMs),
      sleep: (ms) => run.progress.sleep(ms),
      reconnect: () => run.recovery.afterOutage(run.state),
    });
  }

  private report(state: RunState, triggers: TriggerPolicy, startedAtMs: number): RunReport {
    const s = this.settings;
    const counters = state.finalCounters();
    const elapsedMs = this.clock.now() - startedAtMs;
    this.logger.info('pipeline finished', { job: s.job.name, elapsedMs, completed: state.exhausted });
    const engine = state.engine;
    return {
      job: s.job.name,
      startedAtMs,
      elapsedMs,
      counters,
      state: engine.stateSize(),
      peakState: state.peakState(),
      ...(this.memory !== undefined ? { peakRssMb: this.memory.peakRssMb() } : {}),
      watermarks: engine.watermarks(),
      completed: state.exhausted,
      finalRows: s.outputMode === 'complete' ? engine.resultTableRows() : counters.finalRows,
      openWindowsAtEnd: triggers.openWindowsAtEnd(state.exhausted),
    };
  }

  /** After a failure: close both ends (the sink without completing its output) without letting a second error hide the first. */
  private async release(): Promise<void> {
    for (const close of [() => this.source.close(), () => closeOutput(this.output, 'abort')]) {
      try {
        await close();
      } catch (e) {
        this.logger.warn('close after failure failed', { error: e instanceof Error ? e.message : String(e) });
      }
    }
  }
}

/** Flushes the open windows (`finish`), writes them keeping their state (`flush-open`), or leaves them (`keep`). */
function applyToOpenWindows(state: RunState, action: OpenWindowsAction): void {
  if (action === 'finish') state.engine.finish();
  else if (action === 'flush-open') state.engine.flushOpen();
}

function isFenced(e: unknown): e is HexstreamError {
  return e instanceof HexstreamError && e.code === 'SINK_FENCED';
}
