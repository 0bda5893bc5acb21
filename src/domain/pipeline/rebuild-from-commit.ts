import type { LoggerPort } from '../../ports/logger.port';
import type { StoredSnapshot } from '../../ports/result-store.port';
import { decodeCommitted, type CommittedState } from '../engine/engine-state.codec';
import { openOutput, type PipelineOutput } from './pipeline-output';
import type { SourcePort } from '../../ports/source.port';
import type { EngineCheckpoint } from '../engine/engine-checkpoint';
import { parseSnapshot, snapshotContinues, type EngineSnapshot } from '../engine/engine-snapshot';
import { StreamEngine } from '../engine/stream-engine';
import { HexstreamError } from '../hexstream-error';
import type { CommitQueue } from './commit-queue';
import type { EventTimeAlignment } from './event-time-alignment';
import type { AnyEngine, RunState } from './run-state';
import type { PipelineSettings } from './pipeline-settings';

/** The settings an engine is built with. */
export type EngineSettings = Pick<PipelineSettings, 'job' | 'window' | 'watermarkMs' | 'outputMode'>;

/** The engine a run starts with, and the partitions it reads. */
export interface Started {
  readonly engine: AnyEngine;
  readonly partitions: readonly number[];
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

/**
 * The one way state comes back: from what the sink committed, never from what was read since.
 * A restart, a rebalance, a fence by another instance and the end of a sink outage all go through
 * `restoreAndSeek`: read the committed checkpoint, restore the partitions on a fresh engine, seek
 * the source there; a rebuild mid-run also carries the counters as of the last commit.
 *
 *   start:    sink.open ─▶ source.open(hint) ─▶ sink.checkpoint ─▶ restoreAndSeek
 *   rebuild:  settle commit ─▶ carry counters ─▶ fresh engine ─▶ sink.checkpoint ─▶ restoreAndSeek
 *   outage:   sink.open ✓ ─▶ rebuild
 *
 * All reads of the sink's checkpoint are here.
 */
export class RebuildFromCommit {
  constructor(
    private readonly source: SourcePort,
    private readonly output: PipelineOutput,
    private readonly logger: LoggerPort,
    private readonly settings: EngineSettings,
    private readonly commits: CommitQueue,
    private readonly alignment?: EventTimeAlignment,
  ) {}

  newEngine(): AnyEngine {
    const s = this.settings;
    return new StreamEngine(s.job, { window: s.window, watermarkMs: s.watermarkMs, outputMode: s.outputMode });
  }

  /** A source that cannot seek cannot be rebuilt in place: a rerun resumes from the commit. */
  canRebuild(): boolean {
    return this.source.seek !== undefined;
  }

  /**
   * Opens the sink and the source and rebuilds a fresh engine from the committed state. A source
   * that can seek is a member of a group, and the checkpoint read when the sink opened is only a
   * hint there: while this member joins, the partitions' current owner goes on committing, and its
   * last commit before the hand-over comes after that read. So the checkpoint is read again once
   * the partitions are assigned, as on every later assignment:
   *
   *   sink.open() ─▶ source.open(hint) ─ joins ─▶ sink.checkpoint() ─▶ engine.restore ─▶ source.seek
   *                    owner: … commit, commit, hand-over commit ┘ (all seen by this read)
   *
   * Rebuilding from the earlier read would emit again what the owner wrote meanwhile (a sink
   * without a compare-and-set, such as a Kafka topic, keeps both copies).
   */
  async start(engine: AnyEngine): Promise<readonly number[]> {
    const opened = decodeCommitted(await openOutput(this.output, this.settings.job.table));
    if (this.source.seek === undefined) return this.startInPlace(engine, opened);
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
    await this.restoreAndSeek(engine, checkpoint, partitions, snapshots, hint);
    // Without an engine checkpoint, the stored watermarks are all there is to go on.
    const positionsOnly = checkpoint?.engine === undefined ? checkpoint : undefined;
    engine.addPartitions(partitions, positionsOnly?.positions, positionsOnly?.watermarks);
    return partitions;
  }

  /**
   * The partitions changed (a rebalance), or another instance committed ahead of this one: drops
   * what was read since the last commit and rebuilds the assigned partitions from the committed
   * checkpoint, exactly as a restart would — without leaving the consumer group.
   */
  async rebuild(state: RunState, assigned: readonly number[], reason: string): Promise<void> {
    if (!this.canRebuild()) throw new HexstreamError('INTERNAL', 'source changed its partitions but cannot seek');
    // The commit in flight belongs to the old assignment: let it land (or be fenced) first.
    await this.commits.settle().catch((e: unknown) => {
      if (!(e instanceof HexstreamError && e.code === 'SINK_FENCED')) throw e;
    });
    state.committing = undefined;
    state.replaceEngine(this.newEngine());
    this.alignment?.reset();
    const engine = state.engine;
    await this.restoreAndSeek(engine, decodeCommitted(await this.output.store.checkpoint()), assigned, []);
    engine.addPartitions(assigned);
    state.assigned = assigned;
    state.pending = 0;
    state.committedPositions = engine.positions();
    // The progress line lists only the partitions owned now.
    const only = new Set(assigned);
    for (const p of [...state.lag.keys()]) if (!only.has(p)) state.lag.delete(p);
    state.rebuilding = engine.replayLeft() > 0 ? reason : undefined;
    this.logger.info('partitions reassigned', { partitions: assigned.join(',') });
  }

  /** The sink is back after an outage (`open` rejects while it is not): rebuild the partitions owned. */
  async afterOutage(state: RunState): Promise<void> {
    await openOutput(this.output, this.settings.job.table);
    await this.rebuild(state, state.assigned, 'a sink outage');
  }

  /**
   * Restores `partitions` on `engine` from `checkpoint` and seeks the source where each is read
   * from — unless it already reads from there (`readingFrom`: nobody committed since it opened,
   * the usual restart).
   */
  private async restoreAndSeek(
    engine: AnyEngine,
    checkpoint: CommittedState | undefined,
    partitions: readonly number[],
    snapshots: readonly EngineSnapshot[],
    readingFrom?: ReadonlyMap<number, number>,
  ): Promise<void> {
    const seek = this.source.seek?.bind(this.source);
    if (seek === undefined) throw new HexstreamError('INTERNAL', 'source cannot seek');
    const starts = this.restoreAssigned(engine, checkpoint, partitions, snapshots);
    if (readingFrom === undefined || [...starts].some(([p, n]) => readingFrom.get(p) !== n)) await seek(starts);
  }

  /**
   * A source that cannot seek (files: no group, nothing changes hands) opens where the checkpoint
   * read at open says: an engine checkpoint replays each partition from its replayFrom; positions
   * only (or nothing: a fresh start) read on from them.
   */
  private async startInPlace(engine: AnyEngine, checkpoint: CommittedState | undefined): Promise<readonly number[]> {
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
    engine: AnyEngine,
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
}
