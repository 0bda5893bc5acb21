import type { OutputMode } from '../engine/output-mode';
import type { WindowBounds } from '../jobs/job';
import type { Aggregate, Aggregates, FieldsOf, OutputsOf } from './aggregates';
import type { Columns, RowOf } from './columns';
import type { Duration } from './duration';
import type { Input } from './input';
import type { IoSpec } from './io';
import type { TimeSpec } from './time';
import type { JobWindow } from './windows';

/** What a row function sees: its window, its group's key fields and the named aggregates' values. */
export interface RowContext<G, O> {
  readonly window: WindowBounds;
  readonly key: G;
  readonly agg: O;
}

export interface TableSpec<C extends Columns> {
  readonly name: string;
  readonly columns: C;
  readonly primaryKey: readonly NoInfer<keyof C & string>[];
}

/** Aggregates by name. */
export type AggregateMap<E> = Readonly<Record<string, Aggregate<E, unknown>>>;

/**
 * A job as its author writes it (see docs/job-sdk.md). E: the event, K: the key fields,
 * Ag: the named aggregates, C: the table's columns.
 */
export interface JobSpecBase<E, K extends keyof E & string, Ag extends AggregateMap<E>, C extends Columns> {
  readonly name: string;
  readonly description: string;
  readonly input: Input<E>;
  /** `eventTime(…)`, `processingTime()`, or a function of the event giving its event time (epoch ms). */
  readonly time: TimeSpec<NoInfer<E>, FieldsOf<NoInfer<E>, number>> | ((event: NoInfer<E>) => number);
  readonly key: readonly K[];
  readonly dedupe?: NoInfer<FieldsOf<E, string | number>>;
  readonly window: JobWindow;
  /** Set when the windows are part of what the job computes: `--window`/`--slide` are then refused. */
  readonly fixedWindows?: string;
  readonly watermark?: Duration;
  readonly output?: OutputMode;
  readonly aggregate: (a: Aggregates<E>) => Ag;
  readonly table: TableSpec<C>;
  readonly io?: IoSpec<NoInfer<keyof C & string>>;
}

export type RowFn<E, K extends keyof E & string, Ag, C extends Columns> = (
  ctx: RowContext<Pick<E, K>, OutputsOf<Ag>>,
) => NoInfer<RowOf<C>>;

export type RowsFn<E, K extends keyof E & string, Ag, C extends Columns> = (
  ctx: RowContext<Pick<E, K>, OutputsOf<Ag>>,
) => readonly NoInfer<RowOf<C>>[];

/** A job spec with exactly one of `row` (one row per group and window) or `rows` (several). */
export type JobSpec<E, K extends keyof E & string, Ag extends AggregateMap<E>, C extends Columns> = JobSpecBase<
  E,
  K,
  Ag,
  C
> &
  (
    | { readonly row: RowFn<E, K, Ag, C>; readonly rows?: undefined }
    | { readonly rows: RowsFn<E, K, Ag, C>; readonly row?: undefined }
  );
