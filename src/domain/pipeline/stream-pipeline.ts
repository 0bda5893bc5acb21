import type { ClockPort } from '../../ports/clock.port';
import type { LoggerPort } from '../../ports/logger.port';
import type { MemoryUsagePort } from '../../ports/memory-usage.port';
import type { StoredSnapshot } from '../../ports/result-store.port';
import type { SourcePort } from '../../ports/source.port';
import type { EngineCheckpoint } from '../engine/engine-checkpoint';
import { decodeCommitted, type CommittedState } from '../engine/engine-state.codec';
import { emptyCounters, maxStateSize, NO_STATE, type EngineCounters, type StateSize } from '../engine/engine-counters';
import { HexstreamError } from '../hexstream-error';
import type { OutputMode } from '../engine/output-mode';
import { StreamEngine, type TriggerOutput } from '../engine/stream-engine';
import { CommitQueue } from './commit-queue';
import {
  asPipelineOutput,
  closeOutput,
  commitTrigger,
  openOutput,
  type PipelineOutput,
  type StoreWithDeadLetters,
} from './commit-trigger';
import { EventTimeAlignment } from './event-time-alignment';
import { parseSnapshot, serializeSnapshot, snapshotContinues, type EngineSnapshot } from '../engine/engine-snapshot';
import { ProgressLine, seconds, type OutageState } from './progress-line';
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

const NEVER_STOP: StopToken = { isStopped: () => false };

/** Backoff between attempts to reach a service that went away: 0.5 s, 1 s, 2 s, … at most 10 s. */
const OUTAGE_FIRST_BACKOFF_MS = 500;
const OUTAGE_MAX_BACKOFF_MS = 10_000;

/** A service that went away mid-stream (a database or broker outage): worth waiting for. */
function isUnavailable(e: unknown): e is HexstreamError {
  return e instanceof HexstreamError && (e.code === 'SINK_UNAVAILABLE' || e.code === 'SOURCE_UNAVAILABLE');
}

/** Where each partition of a checkpoint is re-read from. */
function replayStarts(checkpoint: EngineCheckpoint): Map<number, number> {
  return new Map([...checkpoint.partitions].map(([p, cp]) => [p, cp.replayFrom]));
}

/** Where a checkpoint says each partition is read on from: its snapshots' positions, else replay starts, else positions. */
function readOnFrom(checkpoint: CommittedState | undefined, snapshots: readonly EngineSnapshot[]): Map<number, number> {
  if (checkpoint?.engine === undefined) return new Map(checkpoint?.positions ?? []);
  const readOn = replayStarts(checkpoint.engine);
  for (const snap of snapshots) for (const [p, ps] of snap.partitions) readOn.set(p, ps.nextPosition);
  return readOn;
}

function addCounters(into: EngineCounters, more: EngineCounters): void {
  for (const key of Object.keys(into) as (keyof EngineCounters)[]) if (key !== 'stateRows') into[key] += more[key];
}

function sumCounters(a: EngineCounters, b: EngineCounters): EngineCounters {
  const sum = { ...a };
  addCounters(sum, b);
  return { ...sum, stateRows: b.stateRows };
}

/**
 * A trigger with nothing to write: no row, no dead letter, no window closed, and every position
 * where the last commit left it. Committing it would only move an idle watermark, which the next
 * real commit carries anyway.
 */
function nothingToWrite(out: TriggerOutput, committed: ReadonlyMap<number, number>): boolean {
  if (out.rows.length > 0 || out.deadLetters.length > 0 || out.closedWindows > 0) return false;
  for (const [p, n] of out.positions) if (committed.get(p) !== n) return false;
  return true;
}

/**
 * The use case: pull batches, run them through the engine, and commit one trigger at a time.
 *
 *   poll ─▶ process ─▶ … ─▶ trigger? ──yes──▶ engine.trigger() ─▶ commitTrigger() ─▶ source.acknowledge()
 *            ▲                  │ no                 (dead letters, then rows + state + positions)
 *            └──────────────────┘
 *
 * A trigger fires after `triggerRecords` records or `triggerIntervalMs` of processing time,
 * whichever comes first, and at the end of a bounded input (which flushes every window). After
 * each poll, partitions whose event time ran more than `maxDriftMs` ahead of the others are held
 * back at the source (`EventTimeAlignment`), so that the open windows stay bounded.
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
  ) {
    this.output = asPipelineOutput(output);
  }

  async run(stop: StopToken = NEVER_STOP): Promise<RunReport> {
    const s = this.settings;
    const newEngine = (): StreamEngine<unknown, unknown, unknown> =>
      new StreamEngine(s.job, { window: s.window, watermarkMs: s.watermarkMs, outputMode: s.outputMode });
    let engine = newEngine();
    const startedAtMs = this.clock.now();
    const partitions = await this.resume(engine, decodeCommitted(await openOutput(this.output, s.job.table)));
    this.logger.info('pipeline started', { job: s.job.name, partitions: partitions.length, outputMode: s.outputMode });

    let assignedNow = partitions;
    let sequence = 0;
    let pending = 0;
    let lastTriggerMs = startedAtMs;
    let exhausted = false;
    /** Records waiting per owned partition, as the source last said. */
    const lag = new Map<number, number>();
    let sourceOutage: OutageState | undefined;
    let sinkOutage: OutageState | undefined;
    /** When the last sink outage began, until the source answers again: a source outage right after it is the same one. */
    let sinkOutageBeganMs: number | undefined;
    /** Why the state is being rebuilt from the last commit (until its records are re-read). */
    let rebuilding: string | undefined = engine.replayLeft() > 0 ? 'a restart' : undefined;
    /** The commit in progress and when it began: a commit that fails began the outage. */
    let committing: { readonly sinceMs: number } | undefined;
    let lastCommitStartMs = startedAtMs;
    /** Counters of engines replaced by a rebuild, as of their last commit. */
    const carried = emptyCounters();
    /** The current engine's counters as of its last successful commit: all a rebuild keeps of it. */
    let committedStats = emptyCounters();
    let committedPositions: ReadonlyMap<number, number> = engine.positions();
    let carriedPeak = NO_STATE;
    const alignment = s.maxDriftMs !== undefined && s.maxDriftMs > 0 ? new EventTimeAlignment(s.maxDriftMs) : undefined;
    const commits = new CommitQueue();
    const progress = new ProgressLine(startedAtMs);

    const logProgress = (now: number): void => {
      const left = engine.replayLeft();
      if (left === 0) rebuilding = undefined;
      const memory = this.memory?.now();
      const waitingFor =
        committing !== undefined && now - committing.sinceMs >= s.triggerIntervalMs
          ? { what: 'commit in progress', sinceMs: committing.sinceMs }
          : undefined;
      const line = progress.next({
        nowMs: now,
        // Re-read records count only once (in `reread`); so do those of a trigger the rebuild dropped.
        counters: sumCounters(carried, engine.stats()),
        state: engine.stateSize(),
        lag,
        watermarks: engine.watermarks(),
        idleAdvanced: engine.idleAdvanced(),
        ...(rebuilding !== undefined ? { rebuilding: { reason: rebuilding, left } } : {}),
        ...(waitingFor !== undefined ? { waiting: waitingFor } : {}),
        ...(sinkOutage !== undefined
          ? { outage: sinkOutage }
          : sourceOutage !== undefined
            ? { outage: sourceOutage }
            : {}),
        ...(memory !== undefined ? { memory } : {}),
      });
      this.logger.info('progress', line);
    };
    /** A progress line every interval, whatever the pipeline is doing (see `sleepLogging` and the clock's ticks). */
    const progressIfDue = (now: number): void => {
      // An attempt to reach the sink is due: it logs its own line.
      if (sinkOutage?.retryAtMs !== undefined && now >= sinkOutage.retryAtMs) return;
      if (now - progress.lastLoggedMs() >= s.progressIntervalMs) logProgress(now);
    };
    // Ticks let a line come while a service does not answer (a commit hanging on a dead broker).
    const stopTicking =
      this.clock.every?.(Math.max(1, Math.floor(s.progressIntervalMs / 4)), () => progressIfDue(this.clock.now())) ??
      ((): void => undefined);
    /** Sleeps `ms`, logging progress lines when due meanwhile (the caller logs at the end, or the loop does). */
    const sleepLogging = async (ms: number): Promise<void> => {
      const until = this.clock.now() + ms;
      for (let now = this.clock.now(); now < until; now = this.clock.now()) {
        await this.clock.sleep(
          Math.min(until - now, Math.max(1, progress.lastLoggedMs() + s.progressIntervalMs - now)),
        );
        const after = this.clock.now();
        if (after < until) progressIfDue(after);
      }
    };

    /**
     * One trigger. The last one of a run that checkpoints also stores the engine's whole state;
     * it, and one that must be durable before going on (`wait`), is waited for. A trigger with
     * nothing to write commits nothing (an idle stream would otherwise commit every interval).
     */
    const fire = async (now: number, last = false, wait = last): Promise<void> => {
      // Records waiting in a partition (its lag) mean a slow reader, not an idle partition; while
      // the broker is unreachable, whether a partition is idle is unknown.
      engine.advanceIdle(now, s.idleTimeoutMs, sourceOutage === undefined ? lag : 'unknown');
      const out = engine.trigger();
      pending = 0;
      lastTriggerMs = now;
      if (!wait && nothingToWrite(out, committedPositions)) return;
      const snapshot =
        last && s.onStop !== 'flush'
          ? { partitions: [...out.positions.keys()], data: serializeSnapshot(engine.snapshot(out.checkpoint)) }
          : undefined;
      const trigger = { sequence: sequence++, ...out, ...(snapshot !== undefined ? { snapshot } : {}) };
      const stats = engine.stats();
      const owner = engine;
      committedPositions = out.positions;
      await commits.submit(
        async () => {
          // The trigger's instant: reading the clock again would move a stepping test clock.
          const began = { sinceMs: now };
          committing = began;
          lastCommitStartMs = began.sinceMs;
          await commitTrigger(this.output, trigger);
          if (committing === began) committing = undefined;
          // A rebuild waits for the commit in flight first, so the engine is still the owner here.
          if (engine === owner) committedStats = stats;
          await this.source.acknowledge(out.positions);
        },
        s.overlapCommits === true && !wait,
      );
    };
    /**
     * The partitions changed (a rebalance), or another instance committed ahead of this one: drop
     * what was read since the last commit and rebuild the assigned partitions from the committed
     * checkpoint, exactly as a restart would — without leaving the consumer group.
     *
     *   rebalance ─▶ sink.checkpoint() ─▶ new engine.restore(assigned) ─▶ source.seek(replay starts)
     */
    const reassign = async (assigned: readonly number[], reason: string): Promise<void> => {
      const seek = this.source.seek?.bind(this.source);
      if (seek === undefined) throw new HexstreamError('INTERNAL', 'source changed its partitions but cannot seek');
      // The commit in flight belongs to the old assignment: let it land (or be fenced) first.
      await commits.settle().catch((e: unknown) => {
        if (!(e instanceof HexstreamError && e.code === 'SINK_FENCED')) throw e;
      });
      committing = undefined;
      // Only what the old engine committed counts: what it read after is read again (or by another owner).
      addCounters(carried, committedStats);
      committedStats = emptyCounters();
      carriedPeak = maxStateSize(carriedPeak, engine.peakStateSize());
      alignment?.reset();
      engine = newEngine();
      const committed = decodeCommitted(await this.output.store.checkpoint());
      const only = new Set(assigned);
      const starts =
        committed?.engine !== undefined ? engine.restore(committed.engine, only) : new Map<number, number>();
      for (const p of assigned) if (!starts.has(p)) starts.set(p, committed?.positions.get(p) ?? 0);
      await seek(starts);
      engine.addPartitions(assigned);
      assignedNow = assigned;
      pending = 0;
      committedPositions = engine.positions();
      // The progress line lists only the partitions owned now.
      for (const p of [...lag.keys()]) if (!only.has(p)) lag.delete(p);
      rebuilding = engine.replayLeft() > 0 ? reason : undefined;
      this.logger.info('partitions reassigned', { partitions: assigned.join(',') });
    };

    /**
     * The database (or the broker behind the dead letters) went away mid-stream: waits for it with
     * capped exponential backoff, then rebuilds from what was committed, exactly as a restart
     * would. Gives up once it has been down for `maxOutageMs`, or when asked to stop meanwhile.
     * The outage began when the commit that failed began (or when the source lost its broker, if
     * earlier), not when the failure came back.
     *
     *   commit ✗ unavailable ─▶ wait 0.5 s, 1 s, 2 s … ≤ 10 s ─▶ sink.open() ✓ ─▶ rebuild, read on
     *                                  └─ down ≥ --max-outage, or stopped ─▶ fail (the alert goes out)
     */
    const waitOut = async (first: HexstreamError): Promise<void> => {
      const seek = this.source.seek;
      if (seek === undefined) throw first; // no way to rebuild in place: a rerun resumes from the commit
      const sinceMs = Math.min(lastCommitStartMs, sourceOutage?.sinceMs ?? Infinity, this.clock.now());
      sinkOutageBeganMs = sinceMs;
      committing = undefined;
      const maxOutageMs = s.maxOutageMs ?? Number.POSITIVE_INFINITY;
      let last = first;
      try {
        for (let attempt = 1; ; attempt++) {
          const now = this.clock.now();
          const downMs = now - sinceMs;
          if (downMs >= maxOutageMs || stop.isStopped()) {
            const why = stop.isStopped()
              ? 'stopped while waiting for it'
              : `longer than --max-outage ${seconds(maxOutageMs)}`;
            throw new HexstreamError(
              last.code,
              `unavailable for ${seconds(downMs)}, ${why}; a restart resumes from the last commit: ${last.message}`,
              { cause: last },
            );
          }
          const retryInMs = Math.min(
            OUTAGE_FIRST_BACKOFF_MS * 2 ** Math.min(attempt - 1, 20),
            OUTAGE_MAX_BACKOFF_MS,
            maxOutageMs - downMs,
          );
          sinkOutage = { service: 'sink', sinceMs, error: last.message, attempt, retryAtMs: now + retryInMs };
          this.logger.warn('sink unavailable; waiting for it', {
            error: last.message,
            downMs,
            attempt,
            retryInMs,
            maxOutageMs: Number.isFinite(maxOutageMs) ? maxOutageMs : undefined,
          });
          logProgress(now);
          await sleepLogging(retryInMs);
          try {
            await openOutput(this.output, s.job.table);
            await reassign(assignedNow, 'a sink outage');
            this.logger.warn('sink available again; rebuilt from the last commit', {
              downMs: this.clock.now() - sinceMs,
              attempts: attempt,
            });
            return;
          } catch (e) {
            if (!isUnavailable(e)) throw e;
            last = e;
          }
        }
      } finally {
        sinkOutage = undefined;
      }
    };

    /**
     * Fires; when fenced by another instance, or after waiting out an outage, rebuilds from the
     * committed data instead (returns false then: what was read since the last commit is read again).
     */
    const fireOrRebuild = async (now: number, last: boolean, wait = last): Promise<boolean> => {
      try {
        await fire(now, last, wait);
        return true;
      } catch (e) {
        if (isUnavailable(e)) {
          await waitOut(e);
          return false;
        }
        if (!(e instanceof HexstreamError && e.code === 'SINK_FENCED') || this.source.seek === undefined) throw e;
        // Another instance owns a partition now and committed it: start over from the data.
        this.logger.warn('fenced by another instance; rebuilding from the committed checkpoint', { error: e.message });
        await reassign(assignedNow, 'another instance committed');
        return false;
      }
    };

    try {
      while (!exhausted && !stop.isStopped()) {
        const waitMs = Math.max(0, lastTriggerMs + s.triggerIntervalMs - this.clock.now());
        const batch = await this.source.poll(Math.max(1, s.triggerRecords - pending), waitMs);
        if (batch.assigned !== undefined) {
          await reassign(batch.assigned, 'a rebalance');
          continue;
        }
        if (batch.revoking === true) {
          // A rebalance is taking partitions away: commit what was processed, so that their next
          // owner (maybe this instance again) starts from here; the source lets go after this.
          await fireOrRebuild(this.clock.now(), false, true);
          this.logger.info('committed before a rebalance', {
            positions: [...engine.positions()].map(([p, n]) => `${p}:${n}`).join(' '),
          });
          continue;
        }
        const owned = new Set(assignedNow);
        if (batch.lag !== undefined) for (const [p, n] of batch.lag) if (owned.has(p)) lag.set(p, n);
        sourceOutage = this.watchSource(batch.unavailable, sourceOutage, sinkOutageBeganMs);
        if (batch.unavailable === undefined) sinkOutageBeganMs = undefined;
        for (const record of batch.records) engine.process(record);
        // A finished file stops holding the watermark back; a Kafka partition read to the end offsets
        // of a bounded run keeps its watermark, to be resumed by the next run.
        if (s.onStop !== 'checkpoint') for (const p of batch.endedPartitions) engine.endPartition(p);
        if (alignment !== undefined && this.source.holdBack !== undefined) {
          alignment.observe(batch);
          this.source.holdBack(alignment.holdBack(engine.watermarks()));
        }
        pending += batch.records.length;
        exhausted = batch.exhausted;
        const now = this.clock.now();
        if (exhausted && s.onStop !== 'checkpoint') engine.finish();
        else if (exhausted && s.atEnd === 'flush') engine.flushOpen();
        if (exhausted || pending >= s.triggerRecords || now - lastTriggerMs >= s.triggerIntervalMs) {
          if (!(await fireOrRebuild(now, exhausted))) exhausted = false;
        }
        progressIfDue(now);
      }
      if (!exhausted) {
        // Stopped mid-stream: commit what was read so a restart resumes right after it.
        if (s.onStop === 'flush') engine.finish();
        await fire(this.clock.now(), true).catch(async (e: unknown) => {
          if (isUnavailable(e)) await waitOut(e);
          throw e;
        });
      }
      await closeOutput(this.output, 'close');
      await this.source.close();
    } catch (error) {
      await commits.drain();
      await this.release();
      throw error;
    } finally {
      stopTicking();
    }
    addCounters(carried, engine.stats());

    const elapsedMs = this.clock.now() - startedAtMs;
    this.logger.info('pipeline finished', { job: s.job.name, elapsedMs, completed: exhausted });
    const flushed = s.onStop === 'flush' || (exhausted && (s.onStop === 'flush-at-end' || s.atEnd === 'flush'));
    return {
      job: s.job.name,
      startedAtMs,
      elapsedMs,
      counters: carried,
      state: engine.stateSize(),
      peakState: maxStateSize(carriedPeak, engine.peakStateSize()),
      ...(this.memory !== undefined ? { peakRssMb: this.memory.peakRssMb() } : {}),
      watermarks: engine.watermarks(),
      completed: exhausted,
      finalRows: s.outputMode === 'complete' ? engine.resultTableRows() : carried.finalRows,
      openWindowsAtEnd: flushed ? 'flushed' : 'kept',
    };
  }

  /**
   * Opens the source and rebuilds the engine from the committed state, returning the partitions
   * read. A source that can seek is a member of a group, and the checkpoint read when the sink
   * opened is only a hint there: while this member joins, the partitions' current owner goes on
   * committing, and its last commit before the hand-over comes after that read. So the checkpoint
   * is read again once the partitions are assigned, as on every later assignment:
   *
   *   sink.open() ─▶ source.open(hint) ─ joins ─▶ sink.checkpoint() ─▶ engine.restore ─▶ source.seek
   *                    owner: … commit, commit, hand-over commit ┘ (all seen by this read)
   *
   * Rebuilding from the earlier read would emit again what the owner wrote meanwhile (a sink
   * without a compare-and-set, such as a Kafka topic, keeps both copies).
   */
  private async resume(
    engine: StreamEngine<unknown, unknown, unknown>,
    opened: CommittedState | undefined,
  ): Promise<readonly number[]> {
    const seek = this.source.seek?.bind(this.source);
    if (seek === undefined) return this.resumeInPlace(engine, opened);
    const settings = engine.settingsKey();
    const openedSnapshots = this.candidateSnapshots(opened?.snapshots ?? [], settings);
    const hint = readOnFrom(opened, openedSnapshots);
    const partitions = await this.source.open(hint);
    const checkpoint = decodeCommitted(await this.output.store.checkpoint());
    // The SQL sinks read positions again, not the snapshots: those read at open stand, and are
    // used only if they still continue the checkpoint read now.
    const snapshots =
      checkpoint?.snapshots === undefined
        ? openedSnapshots
        : this.candidateSnapshots(checkpoint.snapshots, settings, false);
    const starts = this.restoreAssigned(engine, checkpoint, partitions, snapshots);
    // Nobody committed meanwhile (the usual restart): the source already reads from there.
    if ([...starts].some(([p, n]) => hint.get(p) !== n)) await seek(starts);
    // Without an engine checkpoint, the stored watermarks are all there is to go on.
    const positionsOnly = checkpoint?.engine === undefined ? checkpoint : undefined;
    engine.addPartitions(partitions, positionsOnly?.positions, positionsOnly?.watermarks);
    return partitions;
  }

  /**
   * A source that cannot seek (files: no group, nothing changes hands) opens where the checkpoint
   * read at open says: an engine checkpoint replays each partition from its replayFrom; positions
   * only (or nothing: a fresh start) read on from them.
   */
  private async resumeInPlace(
    engine: StreamEngine<unknown, unknown, unknown>,
    checkpoint: CommittedState | undefined,
  ): Promise<readonly number[]> {
    const committed = checkpoint?.engine;
    if (committed === undefined) {
      const partitions = await this.source.open(checkpoint?.positions ?? new Map<number, number>());
      engine.addPartitions(partitions, checkpoint?.positions, checkpoint?.watermarks);
      return partitions;
    }
    // Exact resume: re-read from where open windows began, rebuilding them as they were.
    const partitions = await this.source.open(replayStarts(committed));
    engine.restore(committed, new Set(partitions));
    engine.addPartitions(partitions);
    return partitions;
  }

  /**
   * Rebuilds the engine for the assigned partitions from the checkpoint read after the assignment
   * and returns where each partition is read from. Best first:
   *
   *   a snapshot of a graceful stop matches the checkpoint and these partitions ─▶ restore it, read on
   *   an engine checkpoint                                 ─▶ replay each partition from its replayFrom
   *   positions only (or nothing: a fresh start)           ─▶ read on from them
   */
  private restoreAssigned(
    engine: StreamEngine<unknown, unknown, unknown>,
    checkpoint: CommittedState | undefined,
    partitions: readonly number[],
    snapshots: readonly EngineSnapshot[],
  ): Map<number, number> {
    const committed = checkpoint?.engine;
    const positions = checkpoint?.positions ?? new Map<number, number>();
    const from = (starts: Map<number, number>): Map<number, number> =>
      new Map(partitions.map((p) => [p, starts.get(p) ?? positions.get(p) ?? 0]));
    if (committed === undefined) return from(new Map());
    const snapshot = snapshots.find((snap) => snapshotContinues(snap, committed, partitions, engine.settingsKey()));
    if (snapshot !== undefined) {
      engine.restoreSnapshot(snapshot);
      this.logger.info('resumed from the snapshot of a graceful stop', { partitions: partitions.join(',') });
      return from(new Map([...snapshot.partitions].map(([p, ps]) => [p, ps.nextPosition])));
    }
    return from(engine.restore(committed, new Set(partitions)));
  }

  /** Stored snapshots this run could continue (same job and settings); unreadable ones are ignored. */
  private candidateSnapshots(stored: readonly StoredSnapshot[], settings: string, log = true): EngineSnapshot[] {
    const out: EngineSnapshot[] = [];
    for (const s of stored) {
      try {
        const snapshot = parseSnapshot(s.data);
        if (snapshot.settings === settings) out.push(snapshot);
        else if (log)
          this.logger.info('ignoring a snapshot taken with other settings', {
            snapshot: snapshot.settings,
            now: settings,
          });
      } catch (e) {
        if (log)
          this.logger.warn('ignoring an unreadable snapshot; replaying instead', {
            error: e instanceof Error ? e.message : String(e),
          });
      }
    }
    return out;
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

  /**
   * The source reports that it cannot reach its service and is reconnecting on its own (a broker
   * outage): logs when that begins and ends, and fails the run once it has lasted `maxOutageMs`.
   * An outage the sink saw first (`beganMs`: the same broker, or a network gone) began then.
   */
  private watchSource(
    unavailable: string | undefined,
    outage: OutageState | undefined,
    beganMs?: number,
  ): OutageState | undefined {
    if (unavailable === undefined) {
      if (outage !== undefined)
        this.logger.warn('source available again', { downMs: this.clock.now() - outage.sinceMs });
      return undefined;
    }
    const now = this.clock.now();
    if (outage === undefined) {
      this.logger.warn('source unavailable; it reconnects on its own', { error: unavailable });
      return { service: 'source', sinceMs: Math.min(now, beganMs ?? now), error: unavailable };
    }
    const downMs = now - outage.sinceMs;
    const maxOutageMs = this.settings.maxOutageMs ?? Number.POSITIVE_INFINITY;
    if (downMs >= maxOutageMs) {
      throw new HexstreamError(
        'SOURCE_UNAVAILABLE',
        `unavailable for ${seconds(downMs)}, longer than --max-outage ${seconds(maxOutageMs)}; a restart resumes from the last commit: ${unavailable}`,
      );
    }
    return { ...outage, error: unavailable };
  }
}
