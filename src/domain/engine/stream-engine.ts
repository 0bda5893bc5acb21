import type { SourceRecord } from '../records';
import type { JobDefinition } from '../jobs/job';
import { HexstreamError } from '../hexstream-error';
import { describeWindows, type WindowSpec } from '../windowing/window-spec';
import type { OutputMode } from './output-mode';
import { DedupeIndex } from './dedupe-index';
import { emptyCounters, maxStateSize, NO_STATE, type EngineCounters, type StateSize } from './engine-counters';
import type { EngineCheckpoint } from './engine-checkpoint';
import type { EngineSnapshot } from './engine-snapshot';
import { PartitionTable, type Backlog } from './partition-table';
import {
  checkpointPartitions,
  restorePartitions,
  restorePartitionSnapshots,
  snapshotPartitions,
} from './partition-checkpoints';
import type { Emission } from './window-emission';
import { RecordAdmission } from './record-admission';
import { thrownMessage } from './thrown-message';
import type { WindowAssigner } from './window-assigner';
import { windowAssignerFor } from './window-assigners';
import type { TriggerOutput } from './trigger-output';

export type { Backlog } from './partition-table';
export type { TriggerOutput } from './trigger-output';

export interface EngineSettings {
  readonly window: WindowSpec;
  readonly watermarkMs: number;
  readonly outputMode: OutputMode;
}

/**
 * The engine of one job: checks each record (invalid → late → duplicate; `error` when the job's code
 * throws), has its window assigner (any kind, over event or processing time) place and aggregate
 * it, and at each trigger emits rows per output mode and evicts closed windows.
 *
 * Late is decided per partition (`W_p`, the record's own partition), so it depends only on the order
 * of records within a partition, never on how partitions interleave. A window's state is shared by
 * all partitions and closes once every live partition has passed its end:
 *
 *   W_0 ─────────────●──────────▶     closedUpTo = min(W_p) over partitions that hold it back
 *   W_1 ───────●────────────────▶     (ended partitions count as +∞, idle ones advance with
 *                 [s, e) closes when min ≥ e          processing time)
 */
export class StreamEngine<E, G, A> {
  /** The job's windows, whatever their kind. */
  private readonly windows: WindowAssigner<E>;
  private readonly partitions: PartitionTable;
  private readonly dedupe = new DedupeIndex();
  private readonly counters: EngineCounters = emptyCounters();
  private readonly admission: RecordAdmission<E, G, A>;
  private closedUpTo = -Infinity;
  /** The largest state seen at a trigger, before it evicted (when state is largest). */
  private peakState: StateSize = NO_STATE;
  private finished = false;
  /** `flushOpen` was called: the next trigger closes every open window, keeping the watermarks. */
  private flushing = false;
  /** Complete mode: the rows of the last emission, the whole result table. */
  private completeRows = 0;

  constructor(
    private readonly job: JobDefinition<E, G, A>,
    private readonly settings: EngineSettings,
  ) {
    if (settings.window.kind === 'session' && settings.outputMode !== 'append') {
      // Rows are upserted, never deleted: a merge of two sessions would leave the rows of the merged ones.
      throw new RangeError(
        `session windows need append output mode (a session's row is written once, when it closes), got ${settings.outputMode}`,
      );
    }
    this.windows = windowAssignerFor(job, settings.window, settings.outputMode);
    this.partitions = new PartitionTable(settings.watermarkMs);
    this.admission = new RecordAdmission({
      job,
      outputMode: settings.outputMode,
      partitions: this.partitions,
      windows: this.windows,
      dedupe: this.dedupe,
      counters: this.counters,
      closedUpTo: () => this.closedUpTo,
    });
  }

  /**
   * Declares partitions up front (so an empty one holds the watermark back), resuming at the
   * committed `positions` with the committed `watermarks`, so late decisions stay as they were.
   */
  addPartitions(
    ids: Iterable<number>,
    positions?: ReadonlyMap<number, number>,
    watermarks?: ReadonlyMap<number, number>,
  ): void {
    this.partitions.add(ids, positions, watermarks);
  }

  /** `nowMs`: the processing time at which the record is processed (required for processing-time jobs). */
  process(record: SourceRecord, nowMs?: number): void {
    if (nowMs === undefined && this.job.timeDomain === 'processing') {
      throw new HexstreamError('INTERNAL', `job ${this.job.name} runs on processing time: process() needs the time`);
    }
    this.admission.process(record, nowMs);
  }

  /**
   * Processing-time jobs: the watermark of every partition follows the clock to `nowMs` (less the
   * watermark delay), records or not, so that windows the clock has passed close at the next
   * trigger. The pipeline calls it before each trigger; a no-op for event-time jobs.
   */
  advanceProcessingTime(nowMs: number): void {
    if (this.job.timeDomain === 'processing') this.partitions.advanceProcessingTime(nowMs);
  }

  /** A bounded partition was read to its end: it stops holding the watermark back. */
  endPartition(id: number): void {
    this.partitions.get(id).watermark.end();
  }

  /** End of all input: the next trigger flushes every window as if the watermark were +∞. */
  finish(): void {
    this.finished = true;
  }

  /**
   * End of a bounded run whose input goes on later: the next trigger closes and writes every open
   * window, as `finish` does, but the partitions keep their watermarks and the windows count as
   * closed only up to the end of the last one flushed. A later run therefore takes a record of a
   * flushed window as late (its row was written without it) and any later record as usual.
   */
  flushOpen(): void {
    this.flushing = true;
  }

  /**
   * Moves the watermark of partitions without records for `idleTimeoutMs` forward with processing
   * time, so their last windows close:
   *
   *   last record     idle from              now
   *   ────●───────────────┼──────────────────┼──▶ processing time
   *        └ idleTimeout ┘└─ W_p advances by this ─┘
   *
   * A partition that never saw a record has no watermark to advance: once idle, it stops holding
   * the others back instead. A partition with records waiting (`backlog`, as the source counts
   * them) is not idle, however long since its last record: the reader is behind (a slow commit, a
   * pause), not the producer, and moving W_p would make the waiting records late. Nor is any
   * partition idle while the source cannot tell (`'unknown'`: the broker is unreachable).
   */
  advanceIdle(nowMs: number, idleTimeoutMs: number, backlog?: Backlog): void {
    // Processing time moves every partition's watermark already (`advanceProcessingTime`).
    if (this.job.timeDomain === 'processing') return;
    this.partitions.advanceIdle(nowMs, idleTimeoutMs, backlog);
  }

  /** One trigger: closes what the watermark has passed and returns what the sink must apply. */
  trigger(): TriggerOutput {
    this.peakState = maxStateSize(this.peakState, this.stateSize());
    const closeUpTo = this.flushing ? Infinity : Math.max(this.closedUpTo, this.globalWatermark());
    const emission = this.emit(closeUpTo);
    if (emission.tableRows !== undefined) this.completeRows = emission.tableRows;
    // A flush keeps later windows open for later records: closed up to the last window it wrote.
    this.closedUpTo = this.flushing ? Math.max(this.closedUpTo, emission.lastEndMs) : closeUpTo;
    this.flushing = false;
    this.dedupe.forgetClosed(this.partitions.watermarkOf);
    this.counters.rowsEmitted += emission.rows.length;
    this.counters.triggers++;
    return {
      rows: emission.rows,
      deadLetters: this.admission.takeDeadLetters(),
      positions: this.positions(),
      watermarks: this.watermarks(),
      closedUpToMs: this.closedUpTo,
      closedWindows: emission.closedWindows,
      checkpoint: checkpointPartitions(
        this.partitions,
        this.closedUpTo,
        this.oldestOpenPosition,
        this.job.timeDomain === 'processing',
      ),
      newestEventMs: this.partitions.takeNewestEvents(),
    };
  }

  /**
   * Restarts the `assigned` partitions from a checkpoint: each resumes reading at its `replayFrom`
   * with the watermark it had there, and records before `nextPosition` are replayed (same
   * decisions, no dead letters written twice). Returns the positions the source must start at.
   *
   * Each partition keeps the windows its last committer closed closed (`closedFloor`); instances
   * may have closed windows up to different instants. Windows close for the whole instance from
   * the earliest of those on — or from nothing, when a partition nobody has committed yet is read
   * from its start (late is then decided by its own watermark).
   */
  restore(checkpoint: EngineCheckpoint, assigned: ReadonlySet<number>): Map<number, number> {
    const { starts, closedUpTo } = restorePartitions(this.partitions, checkpoint, assigned);
    this.closedUpTo = closedUpTo;
    return starts;
  }

  /** The job and the settings that shape the state: a snapshot continues only a run with the same. */
  settingsKey(): string {
    const { window, watermarkMs, outputMode } = this.settings;
    const time = this.job.timeDomain === 'processing' ? ' time=processing' : '';
    const state = this.job.stateShape === undefined ? '' : ` state=${this.job.stateShape}`;
    return `${this.job.name} ${describeWindows(window)}${time} watermark=${watermarkMs} output=${outputMode}${state}`;
  }

  /**
   * The whole state, right after a trigger (nothing pending), for the next run to continue without
   * re-reading (see `EngineSnapshot`). `committed` is that trigger's checkpoint.
   */
  snapshot(committed: EngineCheckpoint): EngineSnapshot {
    const { windows, sessions } = this.windows.snapshot();
    return {
      format: 2,
      settings: this.settingsKey(),
      closedUpToMs: this.closedUpTo,
      partitions: snapshotPartitions(this.partitions, committed, this.closedUpTo),
      windows,
      ids: this.dedupe.snapshot(),
      ...(sessions !== undefined && sessions.length > 0 ? { sessions } : {}),
    };
  }

  /** Continues from a snapshot; returns where each partition reads on. */
  restoreSnapshot(snapshot: EngineSnapshot): Map<number, number> {
    this.closedUpTo = snapshot.closedUpToMs;
    const starts = restorePartitionSnapshots(this.partitions, snapshot.partitions);
    this.counters.stateRows += this.windows.restore(snapshot);
    this.dedupe.restore(snapshot.ids);
    return starts;
  }

  stats(): EngineCounters {
    return { ...this.counters };
  }

  stateSize(): StateSize {
    return {
      openWindows: this.windows.size(),
      rows: this.counters.stateRows,
      rememberedIds: this.dedupe.size(),
    };
  }

  /** The largest state so far, figure by figure: what bounds this engine's memory. */
  peakStateSize(): StateSize {
    return maxStateSize(this.peakState, this.stateSize());
  }

  positions(): Map<number, number> {
    return this.partitions.positions();
  }

  watermarks(): Map<number, number> {
    return this.partitions.watermarks();
  }

  /**
   * Complete mode: rows in the result table (those of its last emission). Other modes count their
   * final rows as windows close (`finalRows`).
   */
  resultTableRows(): number {
    return this.completeRows;
  }

  /** Per partition whose watermark idle time is moving now: how far it moved it since the partition's last record. */
  idleAdvanced(): Map<number, number> {
    return this.partitions.idleAdvanced();
  }

  /** Records still to re-read before the state is rebuilt (0 once every partition reached its committed position). */
  replayLeft(): number {
    return this.partitions.replayLeft();
  }

  private globalWatermark(): number {
    return this.finished ? Infinity : this.partitions.globalWatermark();
  }

  /** The oldest position of the partition that open windows, sessions or remembered ids still need. */
  private readonly oldestOpenPosition = (partition: number, watermarkMs: number): number | undefined => {
    const windows = this.windows.firstPosition(partition);
    const ids = this.dedupe.firstLivePosition(partition, watermarkMs);
    if (windows === undefined || ids === undefined) return windows ?? ids;
    return Math.min(windows, ids);
  };

  /** The trigger's emission; a throw of the job's row code fails the run (no record is to blame). */
  private emit(closeUpTo: number): Emission {
    try {
      return this.windows.emit(closeUpTo, this.counters);
    } catch (e) {
      throw new HexstreamError('JOB_FAILED', `job ${this.job.name}: building a row failed: ${thrownMessage(e)}`, {
        cause: e,
      });
    }
  }
}
