import type { DeadLetter, DeadLetterReason, SourceRecord } from '../records';
import type { Decoded, DecodedMany, JobDefinition } from '../jobs/job';
import type { DedupeIndex } from './dedupe-index';
import { emptyCounters, type EngineCounters } from './engine-counters';
import { formatInstant } from './format-instant';
import type { OutputMode } from './output-mode';
import { effectiveWatermark, type PartitionState } from './partition-state';
import type { PartitionTable } from './partition-table';
import { deadLetterOf } from './dead-letter-of';
import { thrownMessage } from './thrown-message';
import type { WindowAssigner } from './window-assigner';

/** The engine's state a record is admitted into. */
export interface AdmissionState<E, G, A> {
  readonly job: JobDefinition<E, G, A>;
  readonly windows: WindowAssigner<E>;
  readonly outputMode: OutputMode;
  readonly partitions: PartitionTable;
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
 * what does not. A throw of the job's own code (decoding, time, keys, de-duplication id,
 * aggregation) on a record makes it a dead letter `error` holding the exception's message; the
 * record then changes nothing, not even the watermark.
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
  /** How late details name the instant that placed an event. */
  private readonly timeName: string;

  constructor(private readonly state: AdmissionState<E, G, A>) {
    this.outcomes = state.counters;
    this.timeName = state.job.timeDomain === 'processing' ? 'processing time' : 'event time';
  }

  /** The dead letters collected since the last call. */
  takeDeadLetters(): DeadLetter[] {
    const deadLetters = this.deadLetters;
    this.deadLetters = [];
    return deadLetters;
  }

  /** `nowMs`: the processing time the record is processed at (what places it for processing-time jobs). */
  process(record: SourceRecord, nowMs?: number): void {
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
    const decoded = this.decode(text, record.arrivalMs);
    if (typeof decoded === 'string') return this.reject('error', decoded, text, record);
    if (!decoded.ok) return this.reject('invalid', decoded.detail, text, record);

    // Check against W before this record advances it.
    const w = effectiveWatermark(ps, this.state.closedUpTo());
    if ('event' in decoded) {
      const rejected = this.admit(record, ps, decoded.event, nowMs, w);
      if (rejected !== undefined) this.reject(rejected.reason, rejected.detail, text, record);
      return;
    }
    this.processBatched(record, ps, decoded.events, nowMs, w, text);
  }

  /** The job's decoding, or what went wrong when it threw (or, in a job written in JavaScript, returned no result). */
  private decode(text: string, arrivalMs: number | undefined): Decoded<E> | DecodedMany<E> | string {
    const job = this.state.job;
    try {
      const decoded = job.decodeMany === undefined ? job.decode(text, arrivalMs) : job.decodeMany(text, arrivalMs);
      return typeof decoded === 'object' && decoded !== null ? decoded : 'decoding returned no result';
    } catch (e) {
      return thrownMessage(e);
    }
  }

  /**
   * A record holding several events: each is checked against the same W (the one before the
   * record) and aggregated on its own; those rejected make one dead letter for the record, naming
   * each (so nothing disappears, and a record has at most one dead letter).
   */
  private processBatched(
    record: SourceRecord,
    ps: PartitionState,
    events: readonly E[],
    nowMs: number | undefined,
    w: number,
    text: string,
  ): void {
    if (events.length === 0) return this.reject('invalid', 'record holds no event', text, record);
    const rejected: Rejection[] = [];
    for (const event of events) {
      const r = this.admit(record, ps, event, nowMs, w);
      if (r !== undefined) rejected.push(r);
    }
    const first = rejected[0];
    if (first === undefined) return;
    const detail =
      rejected.length === 1 && events.length === 1
        ? first.detail
        : `${rejected.length} of ${events.length} events rejected: ${rejected.map((r) => `${r.reason}: ${r.detail}`).join('; ')}`;
    this.reject(first.reason, detail, text, record);
  }

  /**
   * Checks one event (late, then duplicate) against `w`, aggregates it, and advances W by it —
   * accepted, late or duplicate. Returns why not, if rejected. W advancing at once leaves the
   * other events of a record checked against the same `w`.
   */
  private admit(
    record: SourceRecord,
    ps: PartitionState,
    event: E,
    nowMs: number | undefined,
    w: number,
  ): Rejection | undefined {
    try {
      const t = this.state.windows.timeOf(event, nowMs);
      if (record.position >= ps.replayUntil) ps.newestEventMs = Math.max(ps.newestEventMs ?? t, t);
      const rejected = this.place(record, event, t, w);
      ps.watermark.observe(t);
      return rejected;
    } catch (e) {
      return { reason: 'error', detail: thrownMessage(e) };
    }
  }

  /**
   * Places an event at `t` in its windows, unless late or a duplicate. Everything that runs the
   * job's code comes before anything changes (the windows add atomically, see `WindowAssigner.add`).
   */
  private place(record: SourceRecord, event: E, t: number, w: number): Rejection | undefined {
    const { windows, job } = this.state;
    const lastEndMs = windows.assign(t, w);
    if (lastEndMs === undefined) {
      return {
        reason: 'late',
        detail: `${this.timeName} ${formatInstant(t)} is behind watermark ${formatInstant(w)} of partition ${record.partition}: ${windows.closedWhy(t)}`,
      };
    }
    const key = job.groupKey(event);
    const id = job.dedupe?.id(event);
    if (
      id !== undefined &&
      this.state.dedupe.isRemembered(id, this.state.partitions.watermarkOf, record.partition, w)
    ) {
      return {
        reason: 'duplicate',
        detail: `${job.dedupe?.field ?? 'id'} ${String(id)} was already accepted and a window of it is still open`,
      };
    }
    // A replayed record's effect is in the table already (its trigger committed it): a row changed
    // only by replayed records is not written again, which would put back a value rebuilt so far
    // over the complete one. A row written again because of a new record carries everything.
    const trackChange =
      this.state.outputMode === 'update' && record.position >= this.state.partitions.replayUntil(record.partition);
    this.state.counters.stateRows += windows.add(event, key, record.partition, record.position, trackChange);
    // Remembered until its last window closes; the earlier record's partition is asked for its W
    // (for this partition that is still the W before this record).
    if (id !== undefined) this.state.dedupe.remember(id, record.partition, lastEndMs, record.position);
    this.outcomes.lateWindowDrops += windows.closedOfAssigned();
    this.outcomes.accepted++;
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
