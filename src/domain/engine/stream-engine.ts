import type { DeadLetter, DeadLetterReason, ResultRow, SourceRecord } from '../records';
import type { JobDefinition, WindowBounds } from '../jobs/job';
import { firstWindowStart, lastWindowStart, type WindowSpec } from '../windowing/window-spec';
import { SessionWindows, type Session } from '../windowing/session-windows';
import { PartitionWatermark } from '../windowing/watermark';
import type { OutputMode } from './output-mode';
import { DedupeIndex } from './dedupe-index';
import { emptyCounters, maxStateSize, NO_STATE, type EngineCounters, type StateSize } from './engine-counters';
import type { EngineCheckpoint, PartitionCheckpoint } from './engine-checkpoint';
import { boundedDetail, boundedRaw, utf8ByteLength } from './dead-letter-raw';
import { formatInstant } from './format-instant';
import { ReplayBoundaries } from './replay-boundaries';
import type { EngineSnapshot, PartitionSnapshot, SessionSnapshot, WindowSnapshot } from './engine-snapshot';
import { decodeState, encodeState } from './state-codec';

export interface EngineSettings {
  readonly window: WindowSpec;
  readonly watermarkMs: number;
  readonly outputMode: OutputMode;
}

/** Records waiting to be read per partition, as the source counts them; `'unknown'` while it cannot reach them. */
export type Backlog = ReadonlyMap<number, number> | 'unknown';

/** What one trigger hands to the sink: rows per output mode, dead letters, and where to resume. */
export interface TriggerOutput {
  readonly rows: ResultRow[];
  readonly deadLetters: DeadLetter[];
  /** Next position to read, per partition. */
  readonly positions: ReadonlyMap<number, number>;
  /** Per-partition watermarks (epoch ms; -Infinity before the first record, Infinity once ended). */
  readonly watermarks: ReadonlyMap<number, number>;
  /** Windows ending at or before this instant are closed: their rows are final. */
  readonly closedUpToMs: number;
  /** Windows (or sessions) this trigger closed and evicted: the committed state shrank. */
  readonly closedWindows: number;
  /** What a restart needs to rebuild this state (see `EngineCheckpoint`). */
  readonly checkpoint: EngineCheckpoint;
}

interface Entry<G, A> {
  readonly window: OpenWindow<G, A>;
  readonly group: G;
  acc: A;
  rowKey: string | undefined;
  changedInTrigger: number;
  /** Rows its last emission wrote (update mode): the final rows of the window once it closes. */
  emittedRows: number;
}

interface OpenWindow<G, A> extends WindowBounds {
  readonly entries: Map<string, Entry<G, A>>;
  /** Per partition, the position of its first record in this window (the smallest: positions grow). */
  readonly firstPositions: Map<number, number>;
}

interface PartitionState {
  readonly watermark: PartitionWatermark;
  nextPosition: number;
  /** Processing time of the last record, as seen by the last `advanceIdle`. */
  lastActivityMs: number | undefined;
  sawRecordSinceTick: boolean;
  /** Processing time up to which idle time has already moved the watermark. */
  idleAdvancedToMs: number | undefined;
  /** How far idle time has moved the watermark since the partition's last record (0: not idle-advanced). */
  idleAdvancedByMs: number;
  /** Idle and never saw a record: it has no watermark to advance, so it stops holding others back. */
  idleWithoutEvents: boolean;
  readonly boundaries: ReplayBoundaries;
  /** Records before this position are being replayed after a restart: their dead letters were already written. */
  replayUntil: number;
  /**
   * Windows ending at or before this were closed with this partition's records by the instance
   * that committed it last (restored from its checkpoint): they stay closed for its records.
   */
  closedFloor: number;
}

/**
 * The event-time engine of one job: checks each record (invalid → late → duplicate), assigns it to
 * its windows, aggregates, and at each trigger emits rows per output mode and evicts closed windows.
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
  private readonly windows = new Map<number, OpenWindow<G, A>>();
  private readonly partitions = new Map<number, PartitionState>();
  private readonly dedupe = new DedupeIndex();
  private readonly counters: EngineCounters = emptyCounters();
  /**
   * Where the outcome of the record being processed is counted: `counters`, or — for a record
   * re-read to rebuild state (before `replayUntil`), whose outcome the run that read it first
   * counted and committed — a tally nobody reports, so that each record is counted once.
   */
  private outcomes: EngineCounters = this.counters;
  private readonly replayOutcomes: EngineCounters = emptyCounters();
  private changed: Entry<G, A>[] = [];
  /** Session windows instead of fixed ones, when the window spec has a gap. */
  private readonly sessions: SessionWindows<E, G, A> | undefined;
  private deadLetters: DeadLetter[] = [];
  private closedUpTo = -Infinity;
  /** The largest state seen at a trigger, before it evicted (when state is largest). */
  private peakState: StateSize = NO_STATE;
  private triggerSeq = 0;
  private finished = false;
  /** `flushOpen` was called: the next trigger closes every open window, keeping the watermarks. */
  private flushing = false;
  /** Complete mode: the table changed since its last emission (nothing to write otherwise). */
  private completeChanged = false;
  /** Complete mode: the rows of the last emission, the whole result table. */
  private completeRows = 0;

  constructor(
    private readonly job: JobDefinition<E, G, A>,
    private readonly settings: EngineSettings,
  ) {
    const gap = settings.window.sessionGapMs;
    if (gap !== undefined && settings.outputMode !== 'append') {
      // Rows are upserted, never deleted: a merge of two sessions would leave the rows of the merged ones.
      throw new RangeError(
        `session windows need append output mode (a session's row is written once, when it closes), got ${settings.outputMode}`,
      );
    }
    this.sessions = gap === undefined ? undefined : new SessionWindows(gap, job.combiner);
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
    for (const id of ids) {
      const ps = this.partition(id);
      const resumeAt = positions?.get(id);
      if (resumeAt !== undefined) ps.nextPosition = resumeAt;
      const w = watermarks?.get(id);
      if (w !== undefined && Number.isFinite(w)) ps.watermark.advanceTo(w);
      if (resumeAt !== undefined) ps.boundaries.add(resumeAt, ps.watermark.maxEventTime());
    }
  }

  process(record: SourceRecord): void {
    const ps = this.partition(record.partition);
    if (record.position < ps.nextPosition && ps.boundaries.isEmpty() === false) {
      // Delivered again by an at-least-once source (e.g. after a rebalance): already processed.
      this.counters.redelivered++;
      return;
    }
    ps.nextPosition = record.position + 1;
    ps.sawRecordSinceTick = true;
    ps.idleWithoutEvents = false;
    if (record.position < ps.replayUntil) {
      this.counters.replayed++;
      this.outcomes = this.replayOutcomes;
    } else {
      this.counters.read++;
      this.outcomes = this.counters;
    }
    // The first record of a partition is where a replay of it can start, with the watermark so far.
    if (ps.boundaries.isEmpty()) ps.boundaries.add(record.position, ps.watermark.maxEventTime());
    const text = record.value;
    if (text === undefined) return this.reject('invalid', 'record has no value (tombstone)', '', record);
    if (record.decodeError !== undefined) return this.reject('invalid', record.decodeError, text, record);
    if (isBlank(text)) {
      this.outcomes.blank++;
      return;
    }
    const decodeMany = this.job.decodeMany;
    const decoded =
      decodeMany === undefined ? this.job.decode(text, record.arrivalMs) : decodeMany(text, record.arrivalMs);
    if (!decoded.ok) return this.reject('invalid', decoded.detail, text, record);

    // Check against W before this record advances it. A partition that joined after windows were
    // evicted must not reopen them, nor may a replay reopen windows its last committer closed,
    // hence the max with closedUpTo and the partition's floor (no-ops for steady partitions).
    const w = Math.max(ps.watermark.current(), this.closedUpTo, ps.closedFloor);
    if ('event' in decoded) {
      const t = this.job.eventTimeMs(decoded.event);
      const rejected = this.check(record, decoded.event, t, w);
      if (rejected !== undefined) this.reject(rejected.reason, rejected.detail, text, record);
      // Every valid record advances W — accepted, late or duplicate — and only after its checks.
      ps.watermark.observe(t);
      return;
    }
    this.processBatched(record, decoded.events, w, text);
  }

  /**
   * A record holding several events: each is checked against the same W (the one before the
   * record) and aggregated on its own; those rejected make one dead letter for the record, naming
   * each (so nothing disappears, and a record has at most one dead letter).
   */
  private processBatched(record: SourceRecord, events: readonly E[], w: number, text: string): void {
    if (events.length === 0) return this.reject('invalid', 'record holds no event', text, record);
    const rejected: Rejection[] = [];
    for (const event of events) {
      const r = this.check(record, event, this.job.eventTimeMs(event), w);
      if (r !== undefined) rejected.push(r);
    }
    const ps = this.partition(record.partition);
    for (const event of events) ps.watermark.observe(this.job.eventTimeMs(event));
    const first = rejected[0];
    if (first === undefined) return;
    const detail =
      rejected.length === 1 && events.length === 1
        ? first.detail
        : `${rejected.length} of ${events.length} events rejected: ${rejected.map((r) => `${r.reason}: ${r.detail}`).join('; ')}`;
    this.reject(first.reason, detail, text, record);
  }

  /** Checks one event (late, then duplicate) and aggregates it; returns why not, if rejected. */
  private check(record: SourceRecord, event: E, t: number, w: number): Rejection | undefined {
    if (this.sessions !== undefined) return this.checkSession(this.sessions, record, event, t, w);
    const { lengthMs, slideMs } = this.settings.window;
    const last = lastWindowStart(this.settings.window, t);
    const firstOfRecord = firstWindowStart(this.settings.window, t);
    // Windows ending at or before W are closed: skip them (a sliding record may keep later ones).
    const first = firstOfRecord + lengthMs > w ? firstOfRecord : (Math.floor((w - lengthMs) / slideMs) + 1) * slideMs;
    if (first > last) {
      return {
        reason: 'late',
        detail: `event time ${formatInstant(t)} is behind watermark ${formatInstant(w)} of partition ${record.partition}: window [${formatInstant(last)}, ${formatInstant(last + lengthMs)}) is closed`,
      };
    }
    const dedupe = this.job.dedupe;
    if (dedupe !== undefined) {
      const id = dedupe.id(event);
      // The earlier record's partition is asked for its W; for this partition that is still the W
      // before this record.
      if (this.dedupe.isRemembered(id, this.watermarkOf, record.partition, w)) {
        return {
          reason: 'duplicate',
          detail: `${dedupe.field} ${String(id)} was already accepted and a window of it is still open`,
        };
      }
      this.dedupe.remember(id, record.partition, last + lengthMs, record.position);
    }
    if (first > firstOfRecord) this.outcomes.lateWindowDrops += (first - firstOfRecord) / slideMs;

    const key = this.job.groupKey(event);
    // A replayed record's effect is in the table already (its trigger committed it): a row changed
    // only by replayed records is not written again, which would put back a value rebuilt so far
    // over the complete one. A row written again because of a new record carries everything.
    const trackChanges =
      this.settings.outputMode === 'update' &&
      record.position >= (this.partitions.get(record.partition)?.replayUntil ?? 0);
    for (let s = first; s <= last; s += slideMs) {
      let win = this.windows.get(s);
      if (win === undefined) {
        win = { startMs: s, endMs: s + lengthMs, entries: new Map(), firstPositions: new Map() };
        this.windows.set(s, win);
      }
      if (!win.firstPositions.has(record.partition)) win.firstPositions.set(record.partition, record.position);
      let entry = win.entries.get(key);
      if (entry === undefined) {
        entry = {
          window: win,
          group: this.job.groupFields(event),
          acc: this.job.combiner.create(),
          rowKey: undefined,
          changedInTrigger: -1,
          emittedRows: 0,
        };
        win.entries.set(key, entry);
        this.counters.stateRows++;
      }
      entry.acc = this.job.combiner.add(entry.acc, event);
      this.completeChanged = true;
      if (trackChanges && entry.changedInTrigger !== this.triggerSeq) {
        entry.changedInTrigger = this.triggerSeq;
        this.changed.push(entry);
      }
    }
    this.outcomes.accepted++;
    return undefined;
  }

  /**
   * `check` for session windows: late when behind the watermark (`t < W`). A session closes once W
   * reaches its end, so an event behind W might belong to one already written; accepting it would
   * start a second session where a batch computation has one, depending on when triggers fired.
   * Events at or after W never touch a closed session, so the result is the batch one.
   */
  private checkSession(
    sessions: SessionWindows<E, G, A>,
    record: SourceRecord,
    event: E,
    t: number,
    w: number,
  ): Rejection | undefined {
    const gap = this.settings.window.lengthMs;
    if (t < w) {
      return {
        reason: 'late',
        detail: `event time ${formatInstant(t)} is behind watermark ${formatInstant(w)} of partition ${record.partition}: sessions up to the watermark may be closed`,
      };
    }
    const dedupe = this.job.dedupe;
    if (dedupe !== undefined) {
      const id = dedupe.id(event);
      if (this.dedupe.isRemembered(id, this.watermarkOf, record.partition, w)) {
        return {
          reason: 'duplicate',
          detail: `${dedupe.field} ${String(id)} was already accepted and a window of it is still open`,
        };
      }
      this.dedupe.remember(id, record.partition, t + gap, record.position);
    }
    const { created, merged } = sessions.add(
      this.job.groupKey(event),
      () => this.job.groupFields(event),
      event,
      t,
      record.partition,
      record.position,
    );
    this.counters.stateRows += created - merged;
    this.outcomes.accepted++;
    return undefined;
  }

  /** A bounded partition was read to its end: it stops holding the watermark back. */
  endPartition(id: number): void {
    this.partition(id).watermark.end();
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
    for (const [id, ps] of this.partitions) {
      if (ps.watermark.isEnded()) continue;
      const busy = backlog === 'unknown' || (backlog?.get(id) ?? 0) > 0;
      if (ps.sawRecordSinceTick || ps.lastActivityMs === undefined || busy) {
        ps.lastActivityMs = nowMs;
        ps.sawRecordSinceTick = false;
        ps.idleAdvancedToMs = undefined;
        ps.idleAdvancedByMs = 0;
        ps.idleWithoutEvents = false;
        continue;
      }
      const idleFrom = ps.lastActivityMs + idleTimeoutMs;
      if (nowMs <= idleFrom) continue;
      if (ps.watermark.current() === -Infinity) {
        ps.idleWithoutEvents = true;
        continue;
      }
      const from = Math.max(idleFrom, ps.idleAdvancedToMs ?? idleFrom);
      ps.watermark.advanceTo(ps.watermark.current() + (nowMs - from));
      ps.idleAdvancedByMs += nowMs - from;
      ps.idleAdvancedToMs = nowMs;
    }
  }

  /** One trigger: closes what the watermark has passed and returns what the sink must apply. */
  trigger(): TriggerOutput {
    this.peakState = maxStateSize(this.peakState, this.stateSize());
    const closeUpTo = this.flushing ? Infinity : Math.max(this.closedUpTo, this.globalWatermark());
    const mode = this.settings.outputMode;
    const rows: ResultRow[] = [];
    if (mode === 'update') {
      for (const entry of this.changed) this.emit(entry, rows);
      this.changed = [];
    }
    const closing = [...this.windows.values()]
      .filter((w) => w.endMs <= closeUpTo)
      .sort((a, b) => a.startMs - b.startMs);
    let closedWindows = 0;
    let lastEndMs = this.closedUpTo;
    if (this.sessions !== undefined) {
      // Append only (see the constructor): each session's row once, when it closes.
      const closed = this.sessions.closeUpTo(closeUpTo);
      for (const s of closed) {
        this.emitSession(s, rows);
        lastEndMs = Math.max(lastEndMs, s.endMs);
      }
      this.counters.stateRows -= closed.length;
      this.counters.finalRows += rows.length;
      closedWindows = closed.length;
    } else if (mode === 'complete') {
      // The whole table, when it changed: an unchanged table has nothing to write.
      if (this.completeChanged) {
        const all = [...this.windows.values()].sort((a, b) => a.startMs - b.startMs);
        for (const win of all) for (const entry of win.entries.values()) this.emit(entry, rows);
        this.completeRows = rows.length;
      }
      this.completeChanged = false;
    } else {
      for (const win of closing) {
        if (mode === 'append') for (const entry of win.entries.values()) this.emit(entry, rows);
        else for (const entry of win.entries.values()) this.counters.finalRows += this.finalRowsOf(entry);
        this.windows.delete(win.startMs);
        this.counters.stateRows -= win.entries.size;
        lastEndMs = Math.max(lastEndMs, win.endMs);
      }
      if (mode === 'append') this.counters.finalRows += rows.length;
      closedWindows = closing.length;
    }
    // A flush keeps later windows open for later records: closed up to the last window it wrote.
    this.closedUpTo = this.flushing ? lastEndMs : closeUpTo;
    this.flushing = false;
    this.dedupe.forgetClosed(this.watermarkOf);
    this.counters.rowsEmitted += rows.length;
    this.counters.triggers++;
    this.triggerSeq++;
    const deadLetters = this.deadLetters;
    this.deadLetters = [];
    return {
      rows,
      deadLetters,
      positions: this.positions(),
      watermarks: this.watermarks(),
      closedUpToMs: this.closedUpTo,
      closedWindows,
      checkpoint: this.checkpoint(),
    };
  }

  /**
   * Where each partition would have to be re-read from to rebuild what is open now. Called once per
   * trigger, after eviction; it also records this trigger as a boundary to replay from later.
   */
  private checkpoint(): EngineCheckpoint {
    const partitions = new Map<number, PartitionCheckpoint>();
    for (const [p, ps] of this.partitions) {
      const w = ps.watermark.current();
      let oldest = ps.nextPosition;
      for (const win of this.windows.values()) {
        const first = win.firstPositions.get(p);
        if (first !== undefined && first < oldest) oldest = first;
      }
      const firstInSession = this.sessions?.firstPosition(p);
      if (firstInSession !== undefined && firstInSession < oldest) oldest = firstInSession;
      const firstId = this.dedupe.firstLivePosition(p, w);
      if (firstId !== undefined && firstId < oldest) oldest = firstId;
      ps.boundaries.add(ps.nextPosition, ps.watermark.maxEventTime());
      const from = ps.boundaries.atOrBefore(oldest) ?? {
        position: ps.nextPosition,
        maxEventMs: ps.watermark.maxEventTime(),
      };
      // While replaying, what was committed before still counts as committed.
      partitions.set(p, {
        nextPosition: Math.max(ps.nextPosition, ps.replayUntil),
        watermarkMs: w,
        replayFrom: from.position,
        replayMaxEventMs: from.maxEventMs,
        closedUpToMs: Math.max(this.closedUpTo, ps.closedFloor),
      });
    }
    return { partitions };
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
    let closedUpTo = Infinity;
    const starts = new Map<number, number>();
    for (const p of assigned) {
      const cp = checkpoint.partitions.get(p);
      if (cp === undefined) {
        closedUpTo = -Infinity;
        continue;
      }
      const ps = this.partition(p);
      ps.watermark.restore(cp.replayMaxEventMs);
      ps.nextPosition = cp.replayFrom;
      ps.replayUntil = cp.nextPosition;
      ps.closedFloor = cp.closedUpToMs;
      ps.boundaries.add(cp.replayFrom, cp.replayMaxEventMs);
      closedUpTo = Math.min(closedUpTo, cp.closedUpToMs);
      starts.set(p, cp.replayFrom);
    }
    this.closedUpTo = closedUpTo === Infinity ? -Infinity : closedUpTo;
    return starts;
  }

  /** The job and the settings that shape the state: a snapshot continues only a run with the same. */
  settingsKey(): string {
    const { window, watermarkMs, outputMode } = this.settings;
    const windows =
      window.sessionGapMs === undefined
        ? `window=${window.lengthMs}/${window.slideMs}`
        : `session-gap=${window.sessionGapMs}`;
    return `${this.job.name} ${windows} watermark=${watermarkMs} output=${outputMode}`;
  }

  /**
   * The whole state, right after a trigger (nothing pending), for the next run to continue without
   * re-reading (see `EngineSnapshot`). `committed` is that trigger's checkpoint.
   */
  snapshot(committed: EngineCheckpoint): EngineSnapshot {
    const partitions: [number, PartitionSnapshot][] = [];
    for (const [p, ps] of this.partitions) {
      const cp = committed.partitions.get(p);
      partitions.push([
        p,
        {
          nextPosition: ps.nextPosition,
          replayUntil: ps.replayUntil,
          maxEventMs: ps.watermark.maxEventTime(),
          ended: ps.watermark.isEnded(),
          committedPosition: cp?.nextPosition ?? Math.max(ps.nextPosition, ps.replayUntil),
          committedWatermarkMs: cp?.watermarkMs ?? ps.watermark.current(),
          closedUpToMs: Math.max(this.closedUpTo, ps.closedFloor),
          boundaries: ps.boundaries.all().map((b) => ({ position: b.position, maxEventMs: b.maxEventMs })),
        },
      ]);
    }
    const windows: WindowSnapshot[] = [...this.windows.values()].map((w) => ({
      startMs: w.startMs,
      endMs: w.endMs,
      firstPositions: [...w.firstPositions],
      entries: [...w.entries].map(([key, e]) => [key, encodeState(e.group), encodeState(e.acc)] as const),
    }));
    const sessions: SessionSnapshot[] = (this.sessions?.all() ?? []).map((s) => ({
      key: s.key,
      startMs: s.startMs,
      endMs: s.endMs,
      firstPositions: [...s.firstPositions],
      group: encodeState(s.group),
      acc: encodeState(s.acc),
    }));
    return {
      format: 2,
      settings: this.settingsKey(),
      closedUpToMs: this.closedUpTo,
      partitions,
      windows,
      ids: this.dedupe.snapshot(),
      ...(sessions.length > 0 ? { sessions } : {}),
    };
  }

  /** Continues from a snapshot; returns where each partition reads on. */
  restoreSnapshot(snapshot: EngineSnapshot): Map<number, number> {
    this.closedUpTo = snapshot.closedUpToMs;
    const starts = new Map<number, number>();
    for (const [p, s] of snapshot.partitions) {
      const ps = this.partition(p);
      ps.watermark.restore(s.maxEventMs);
      if (s.ended) ps.watermark.end();
      ps.nextPosition = s.nextPosition;
      ps.replayUntil = s.replayUntil;
      ps.closedFloor = s.closedUpToMs;
      for (const b of s.boundaries) ps.boundaries.add(b.position, b.maxEventMs);
      if (ps.boundaries.isEmpty()) ps.boundaries.add(s.nextPosition, s.maxEventMs);
      starts.set(p, s.nextPosition);
    }
    for (const w of snapshot.windows) {
      const win: OpenWindow<G, A> = {
        startMs: w.startMs,
        endMs: w.endMs,
        entries: new Map(),
        firstPositions: new Map(w.firstPositions),
      };
      for (const [key, group, acc] of w.entries) {
        win.entries.set(key, {
          window: win,
          group: decodeState(group) as G,
          acc: decodeState(acc) as A,
          rowKey: undefined,
          changedInTrigger: -1,
          emittedRows: 0,
        });
      }
      this.counters.stateRows += win.entries.size;
      this.windows.set(w.startMs, win);
    }
    for (const s of snapshot.sessions ?? []) {
      if (this.sessions === undefined) break;
      this.sessions.restore({
        key: s.key,
        startMs: s.startMs,
        endMs: s.endMs,
        group: decodeState(s.group) as G,
        acc: decodeState(s.acc) as A,
        firstPositions: new Map(s.firstPositions),
        changedInTrigger: -1,
      });
      this.counters.stateRows++;
    }
    this.dedupe.restore(snapshot.ids);
    // Complete mode: this run's first trigger writes the table it continues, so that the run's
    // output holds the whole result even when nothing new comes.
    this.completeChanged = this.windows.size > 0;
    return starts;
  }

  stats(): EngineCounters {
    return { ...this.counters };
  }

  stateSize(): StateSize {
    return {
      openWindows: this.sessions?.size() ?? this.windows.size,
      rows: this.counters.stateRows,
      rememberedIds: this.dedupe.size(),
    };
  }

  /** The largest state so far, figure by figure: what bounds this engine's memory. */
  peakStateSize(): StateSize {
    return maxStateSize(this.peakState, this.stateSize());
  }

  positions(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [id, ps] of this.partitions) out.set(id, Math.max(ps.nextPosition, ps.replayUntil));
    return out;
  }

  watermarks(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [id, ps] of this.partitions) out.set(id, ps.watermark.current());
    return out;
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
    const out = new Map<number, number>();
    for (const [id, ps] of this.partitions) if (ps.idleAdvancedByMs > 0) out.set(id, ps.idleAdvancedByMs);
    return out;
  }

  /** Records still to re-read before the state is rebuilt (0 once every partition reached its committed position). */
  replayLeft(): number {
    let left = 0;
    for (const ps of this.partitions.values()) left += Math.max(0, ps.replayUntil - ps.nextPosition);
    return left;
  }

  private globalWatermark(): number {
    if (this.finished) return Infinity;
    let min = Infinity;
    let holders = 0;
    for (const ps of this.partitions.values()) {
      if (ps.idleWithoutEvents) continue;
      holders++;
      min = Math.min(min, ps.watermark.current());
    }
    // Nothing holds the watermark (no partitions, or all idle without a record): close nothing.
    return holders === 0 ? -Infinity : min;
  }

  private readonly watermarkOf = (id: number): number => this.partitions.get(id)?.watermark.current() ?? -Infinity;

  private emitSession(s: Session<G, A>, into: ResultRow[]): void {
    const bounds = { startMs: s.startMs, endMs: s.endMs };
    if (this.job.toRows !== undefined) into.push(...this.job.toRows(bounds, s.group, s.acc));
    else into.push(this.job.toRow(bounds, s.group, s.acc, this.job.rowKey(bounds, s.group)));
  }

  /**
   * Update mode: the rows a closing entry holds in the table — as its last emission wrote them, or,
   * for an entry rebuilt only from re-read records (written by the run that read them first), as
   * many as it makes.
   */
  private finalRowsOf(entry: Entry<G, A>): number {
    if (entry.emittedRows > 0) return entry.emittedRows;
    return this.job.toRows === undefined ? 1 : this.job.toRows(entry.window, entry.group, entry.acc).length;
  }

  private emit(entry: Entry<G, A>, into: ResultRow[]): void {
    if (this.job.toRows !== undefined) {
      const rows = this.job.toRows(entry.window, entry.group, entry.acc);
      for (const row of rows) into.push(row);
      entry.emittedRows = rows.length;
      return;
    }
    if (entry.rowKey === undefined) entry.rowKey = this.job.rowKey(entry.window, entry.group);
    into.push(this.job.toRow(entry.window, entry.group, entry.acc, entry.rowKey));
    entry.emittedRows = 1;
  }

  private reject(reason: DeadLetterReason, why: string, raw: string, record: SourceRecord): void {
    this.outcomes[reason]++;
    // A replayed record's dead letter was written by the run that read it first.
    if (record.position < (this.partitions.get(record.partition)?.replayUntil ?? 0)) return;
    const { partition, position } = record;
    const detail = boundedDetail(why);
    const kept = boundedRaw(raw, record.byteLength);
    const source = record.source === undefined ? {} : { source: record.source };
    if (kept.rawBytes === undefined) {
      this.deadLetters.push({ reason, detail, raw, ...source, partition, position });
    } else {
      // A dead letter stays small whatever the record's size; the detail says what was cut.
      const note = `; raw holds its first ${utf8ByteLength(kept.raw)} of ${kept.rawBytes} bytes`;
      this.deadLetters.push({
        reason,
        detail: `${detail}${note}`,
        raw: kept.raw,
        rawBytes: kept.rawBytes,
        ...source,
        partition,
        position,
      });
    }
  }

  private partition(id: number): PartitionState {
    let ps = this.partitions.get(id);
    if (ps === undefined) {
      ps = {
        watermark: new PartitionWatermark(this.settings.watermarkMs),
        nextPosition: 0,
        lastActivityMs: undefined,
        sawRecordSinceTick: false,
        idleAdvancedToMs: undefined,
        idleAdvancedByMs: 0,
        idleWithoutEvents: false,
        boundaries: new ReplayBoundaries(),
        replayUntil: 0,
        closedFloor: -Infinity,
      };
      this.partitions.set(id, ps);
    }
    return ps;
  }
}

interface Rejection {
  readonly reason: DeadLetterReason;
  readonly detail: string;
}

function isBlank(text: string): boolean {
  const c = text.charCodeAt(0);
  // A line starting with a printable ASCII character is not blank: skip trim() for nearly all records.
  if (c > 32 && c < 127) return false;
  return text.trim().length === 0;
}
