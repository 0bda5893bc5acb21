import type { CombineFn } from '../aggregation/combiners';
import type { OutputMode } from '../engine/output-mode';
import type { ResultRow } from '../records';
import type { TableSchema } from '../table-schema';
import type { WindowSpec } from '../windowing/window-spec';
import type { RecordGenerator } from './generator-catalog';

/** Outcome of decoding and validating one record: a value, or the reason it is invalid. */
export type Decoded<E> = { readonly ok: true; readonly event: E } | { readonly ok: false; readonly detail: string };

/** The same for a record that may batch several events (such as an IEX batch quote). */
export type DecodedMany<E> =
  { readonly ok: true; readonly events: readonly E[] } | { readonly ok: false; readonly detail: string };

/**
 * Which clock assigns records to windows: `event`, the record's own time (`eventTimeMs`); or
 * `processing`, the instant the engine processes it (given by the pipeline's clock), so that a
 * replay may place a re-read record in another window.
 */
export type TimeDomain = 'event' | 'processing';

export interface JobDefaults {
  /** The job's windows (`--window`/`--slide`/`--session-gap` may replace them unless `fixedWindows`). */
  readonly window: WindowSpec;
  readonly watermarkMs: number;
  readonly outputMode: OutputMode;
  /** Sample input shipped in the repo under `samples/`, read by `test` when no `--input` is given. */
  readonly sampleFile: string;
  /** Set when the job's windows are part of its definition (`--window`/`--slide` are refused): what it computes. */
  readonly fixedWindows?: string;
}

/** Where a job reads and writes outside the engine, and the tools that come with it (optional but the first two). */
export interface JobIo {
  /** Input topic: `prod` reads it, `produce` writes it (usually the job's name). */
  readonly topic: string;
  /** `prod` reads to the end offsets and stops unless `--no-bounded`: a batch computation over a topic. */
  readonly bounded: boolean;
  /** Result column whose value keys output rows on Kafka (`--to-kafka`); absent: the row key. */
  readonly outputMessageKey?: string;
  /** Kafka key of a produced input record (records of one result row land in one partition); absent: no key. */
  readonly partitionKey?: (text: string) => string | undefined;
  /** Sample records for `produce --job NAME`; absent: the job cannot be produced. */
  readonly generator?: RecordGenerator;
  /** `produce`'s default `--fault-share` (absent: 0.01). */
  readonly faultShare?: number;
  /**
   * Lines printed after the run summary, from the final table. A run of a job with a report keeps
   * its final table in memory, so only for small results.
   */
  readonly report?: (rows: readonly ResultRow[]) => string[];
}

/** The window a row belongs to. */
export interface WindowBounds {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * A job: what one record looks like, how records are grouped and windowed, how a group is
 * aggregated, what row it becomes and where it reads and writes. A built-in job is one file
 * `src/domain/jobs/<name>.job.ts` that exports one of these as `job`: the composition finds it there.
 *
 * E: the validated event; G: the grouping fields of a row; A: the accumulator.
 */
export interface JobDefinition<E, G, A> {
  readonly name: string;
  readonly description: string;
  readonly table: TableSchema;
  readonly defaults: JobDefaults;
  readonly io: JobIo;
  /** Absent: `event`. */
  readonly timeDomain?: TimeDomain;
  /**
   * Parses and validates one record's text. Never throws for bad input: returns `ok: false`.
   * `arrivalMs` is when the record arrived (see `SourceRecord.arrivalMs`), for records without a time.
   */
  decode(text: string, arrivalMs?: number): Decoded<E>;
  /** For jobs whose records may hold several events: used instead of `decode` when present. */
  decodeMany?(text: string, arrivalMs?: number): DecodedMany<E>;
  /** Event time in epoch milliseconds (already validated). */
  eventTimeMs(event: E): number;
  /** Grouping key within a window; records with equal keys aggregate into one row. */
  groupKey(event: E): string;
  /** The grouping fields kept with a row (called once per new row). */
  groupFields(event: E): G;
  /** De-duplication by a unique id (e.g. `orderid`); absent for jobs without one. */
  readonly dedupe?: { readonly field: string; id(event: E): number | string };
  readonly combiner: CombineFn<E, A, unknown>;
  /** Primary key of the row of `group` in `window` (computed once per row and cached). */
  /**
   * Set when `toRow` takes each row's key from the row's own values (as `defineJob`'s jobs do):
   * the engine then passes `toRow` no key and never calls `rowKey`, which stays for callers that
   * want a group's key without its aggregates.
   */
  /**
   * What a group's accumulator is made of (for `defineJob`'s jobs: each aggregate's name and kind).
   * Part of the engine's settings key, so a state snapshot written by a job whose aggregates have
   * since changed is not restored (the run rebuilds its state from the committed positions instead).
   */
  readonly stateShape?: string;
  readonly rowsCarryKeys?: boolean;
  /**
   * Set when every record of a window forms one group (a job keyed by nothing, such as a ranking of
   * all symbols): its rows combine every key, so all partitions must be read by one engine.
   */
  readonly groupsWholeWindow?: boolean;
  rowKey(window: WindowBounds, group: G): string;
  /** Builds the output row of one group in one window. */
  toRow(window: WindowBounds, group: G, acc: A, rowKey: string): ResultRow;
  /**
   * For jobs whose group yields several rows (e.g. a ranking per window): all of them, each with
   * its own key; used instead of `toRow`. Every emission of a group must cover the keys of the
   * previous one (rows are upserted, never deleted).
   */
  toRows?(window: WindowBounds, group: G, acc: A): ResultRow[];
}

/** A job seen from outside, once its event, group and accumulator types no longer matter. */
export type AnyJob = JobDefinition<unknown, unknown, unknown>;
