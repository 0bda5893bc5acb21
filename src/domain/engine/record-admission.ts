import type { DeadLetter, DeadLetterReason, SourceRecord } from '../records';
import type { JobDefinition } from '../jobs/job';
import type { SessionWindows } from '../windowing/session-windows';
import type { FixedWindowSpec } from '../windowing/window-spec';
import type { DedupeIndex } from './dedupe-index';
import { emptyCounters, type EngineCounters } from './engine-counters';
import type { FixedWindowStore } from './fixed-window-store';
import { openWindowStarts } from './fixed-window-assignment';
import { formatInstant } from './format-instant';
import type { OutputMode } from './output-mode';
import { effectiveWatermark } from './partition-state';
import type { PartitionTable } from './partition-table';
import { deadLetterOf } from './dead-letter-of';

/** The engine's state a record is admitted into. */
export interface AdmissionState<E, G, A> {
  readonly job: JobDefinition<E, G, A>;
  readonly window: FixedWindowSpec;
  readonly outputMode: OutputMode;
  readonly partitions: PartitionTable;
  readonly windows: FixedWindowStore<E, G, A>;
  /** Session windows instead of fixed ones, when the window spec has a gap. */
  readonly sessions: SessionWindows<E, G, A> | undefined;
  readonly dedupe: DedupeIndex;
  readonly counters: EngineCounters;
  /** Windows ending at or before this instant are closed for every partition. */
  closedUpTo(): number;
}

interface Rejection {
  readonly reason: DeadLetterReason;
  readonly detail: string;
}

/**
 * Admits each record into the engine's state: checks it (invalid → late → duplicate), aggregates
 * what passes into its windows, advances its partition's watermark, and collects a dead letter for
 * what does not.
 */
export class RecordAdmission<E, G, A> {
  /**
   * Where the outcome of the record being processed is counted: `counters`, or — for a record
   * re-read to rebuild state (before `replayUntil`), whose outcome the run that read it first
   * counted and committed — a tally nobody reports, so that each record is counted once.
   */
  private outcomes: EngineCounters;
  private readonly replayOutcomes: EngineCounters = emptyCounters();
  private deadLetters: DeadLetter[] = [];

  constructor(private readonly state: AdmissionState<E, G, A>) {
    this.outcomes = state.counters;
  }

  /** The dead letters collected since the last call. */
  takeDeadLetters(): DeadLetter[] {
    const deadLetters = this.deadLetters;
    this.deadLetters = [];
    return deadLetters;
  }

  process(record: SourceRecord): void {
    const ps = this.state.partitions.get(record.partition);
    if (record.position < ps.nextPosition && ps.boundaries.isEmpty() === false) {
      // Delivered again by an at-least-once source (e.g. after a rebalance): already processed.
      this.state.counters.redelivered++;
      return;
    }
    ps.nextPosition = record.position + 1;
    ps.sawRecordSinceTick = true;
    ps.idleWithoutEvents = false;
    const replayed = record.position < ps.replayUntil;
    if (replayed) this.state.counters.replayed++;
    else this.state.counters.read++;
    this.outcomes = replayed ? this.replayOutcomes : this.state.counters;
    // The first record of a partition is where a replay of it can start, with the watermark so far.
    if (ps.boundaries.isEmpty()) ps.boundaries.add(record.position, ps.watermark.maxEventTime());
    const text = record.value;
    if (text === undefined) return this.reject('invalid', 'record has no value (tombstone)', '', record);
    if (record.decodeError !== undefined) return this.reject('invalid', record.decodeError, text, record);
    if (isBlank(text)) {
      this.outcomes.blank++;
      return;
    }
    const job = this.state.job;
    const decoded =
      job.decodeMany === undefined ? job.decode(text, record.arrivalMs) : job.decodeMany(text, record.arrivalMs);
    if (!decoded.ok) return this.reject('invalid', decoded.detail, text, record);

    // Check against W before this record advances it.
    const w = effectiveWatermark(ps, this.state.closedUpTo());
    if ('event' in decoded) {
      const t = this.state.job.eventTimeMs(decoded.event);
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
      const r = this.check(record, event, this.state.job.eventTimeMs(event), w);
      if (r !== undefined) rejected.push(r);
    }
    const ps = this.state.partitions.get(record.partition);
    for (const event of events) ps.watermark.observe(this.state.job.eventTimeMs(event));
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
    if (this.state.sessions !== undefined) return this.checkSession(this.state.sessions, record, event, t, w);
    const { first, last, closed } = openWindowStarts(this.state.window, t, w);
    const lengthMs = this.state.window.lengthMs;
    if (first > last) {
      return {
        reason: 'late',
        detail: `event time ${formatInstant(t)} is behind watermark ${formatInstant(w)} of partition ${record.partition}: window [${formatInstant(last)}, ${formatInstant(last + lengthMs)}) is closed`,
      };
    }
    const duplicate = this.checkDuplicate(record, event, w, last + lengthMs);
    if (duplicate !== undefined) return duplicate;
    this.outcomes.lateWindowDrops += closed;
    // A replayed record's effect is in the table already (its trigger committed it): a row changed
    // only by replayed records is not written again, which would put back a value rebuilt so far
    // over the complete one. A row written again because of a new record carries everything.
    const trackChange =
      this.state.outputMode === 'update' && record.position >= this.state.partitions.replayUntil(record.partition);
    const origin = { key: this.state.job.groupKey(event), partition: record.partition, position: record.position };
    this.state.counters.stateRows += this.state.windows.add(event, origin, first, last, trackChange);
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
    if (t < w) {
      return {
        reason: 'late',
        detail: `event time ${formatInstant(t)} is behind watermark ${formatInstant(w)} of partition ${record.partition}: sessions up to the watermark may be closed`,
      };
    }
    const duplicate = this.checkDuplicate(record, event, w, t + this.state.window.lengthMs);
    if (duplicate !== undefined) return duplicate;
    const key = this.state.job.groupKey(event);
    const groupFields = (): G => this.state.job.groupFields(event);
    const { created, merged } = sessions.add(key, groupFields, event, t, record.partition, record.position);
    this.state.counters.stateRows += created - merged;
    this.outcomes.accepted++;
    return undefined;
  }

  /**
   * Jobs with a unique id: a duplicate when the id was accepted and a window of it is still open;
   * otherwise the id is remembered until `lastEndMs` closes. The earlier record's partition is asked
   * for its W; for this partition that is still the W before this record.
   */
  private checkDuplicate(record: SourceRecord, event: E, w: number, lastEndMs: number): Rejection | undefined {
    const dedupe = this.state.job.dedupe;
    if (dedupe === undefined) return undefined;
    const id = dedupe.id(event);
    if (this.state.dedupe.isRemembered(id, this.state.partitions.watermarkOf, record.partition, w)) {
      return {
        reason: 'duplicate',
        detail: `${dedupe.field} ${String(id)} was already accepted and a window of it is still open`,
      };
    }
    this.state.dedupe.remember(id, record.partition, lastEndMs, record.position);
    return undefined;
  }

  private reject(reason: DeadLetterReason, why: string, raw: string, record: SourceRecord): void {
    this.outcomes[reason]++;
    // A replayed record's dead letter was written by the run that read it first.
    if (record.position < this.state.partitions.replayUntil(record.partition)) return;
    this.deadLetters.push(deadLetterOf(reason, why, raw, record));
  }
}

function isBlank(text: string): boolean {
  const c = text.charCodeAt(0);
  // A line starting with a printable ASCII character is not blank: skip trim() for nearly all records.
  if (c > 32 && c < 127) return false;
  return text.trim().length === 0;
}
