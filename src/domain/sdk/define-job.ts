import type { JobDefaults, JobDefinition, JobIo, TimeDomain, WindowBounds } from '../jobs/job';
import type { ColumnValue, ResultRow } from '../records';
import { aggregates, type OutputsOf } from './aggregates';
import type { Columns, RowOf } from './columns';
import type { WithRowType } from './row-type';
import { compileCombiner, type JobCombiner } from './compiled-combiner';
import { durationMs } from './duration';
import { compileDecoders, compileKey, compileTime } from './event-functions';
import type { AggregateMap, JobSpec, RowContext } from './job-spec';
import { checkSpec, type SpecView } from './spec-checks';
import { tableSchemaOf } from './table';

/**
 * A job compiled by `defineJob`: what the engine runs, with its I/O and time domain always set.
 * E: the event, G: the key fields of a group, O: the named aggregates' values, R: a row's values.
 */
export interface CompiledJob<E, G, O, R = Readonly<Record<string, ColumnValue>>>
  extends JobDefinition<E, G, unknown[]>, WithRowType<R> {
  readonly timeDomain: TimeDomain;
  readonly io: JobIo;
  readonly combiner: JobCombiner<E, O>;
}

/**
 * Compiles a job spec into the engine's `JobDefinition`, checking it first: a spec that cannot run
 * throws an Error naming the job and the field (see docs/job-sdk.md).
 */
export function defineJob<E, K extends keyof E & string, Ag extends AggregateMap<E>, C extends Columns>(
  spec: JobSpec<E, K, Ag, C>,
): CompiledJob<E, Pick<E, K>, OutputsOf<Ag>, RowOf<C>> {
  const named = spec.aggregate(aggregates<E>());
  checkSpec(spec as unknown as SpecView, named);
  const time = compileTime(spec.time);
  const combiner = compileCombiner<E, OutputsOf<Ag>>(named, time.eventTimeMs);
  const { groupKey, groupFields } = compileKey<E, K>(spec.key);
  const build = rowBuilder(spec, combiner);
  return {
    name: spec.name,
    description: spec.description,
    table: tableSchemaOf(spec.table),
    defaults: defaultsOf(spec),
    timeDomain: time.domain,
    io: ioOf(spec),
    ...compileDecoders(spec.input),
    eventTimeMs: time.eventTimeMs,
    groupKey,
    groupFields,
    ...(spec.dedupe === undefined ? {} : { dedupe: dedupeOf<E>(spec.dedupe) }),
    combiner,
    rowKey: (w, g) => build.keyOf(w, g),
    rowsCarryKeys: true,
    ...(spec.key.length === 0 ? { groupsWholeWindow: true } : {}),
    stateShape: Object.entries(named)
      .map(([n, a]) => `${n}:${a.kind}`)
      .join(','),
    // A `rows` job's rows come from `toRows`, which the engine prefers; `toRow` then wants exactly one.
    toRow: (w, g, acc) => build.one(w, g, acc),
    ...(spec.rows === undefined ? {} : { toRows: build.many }),
  };
}

function dedupeOf<E>(field: string): { readonly field: string; id(event: E): number | string } {
  return { field, id: (e) => (e as Record<string, number | string>)[field] as number | string };
}

function defaultsOf<E, K extends keyof E & string, Ag extends AggregateMap<E>, C extends Columns>(
  spec: JobSpec<E, K, Ag, C>,
): JobDefaults {
  return {
    window: spec.window,
    watermarkMs: durationMs(spec.watermark ?? 0, `job "${spec.name}": watermark`),
    outputMode: spec.output ?? (spec.window.kind === 'session' ? 'append' : 'update'),
    sampleFile: spec.io?.sample ?? `${spec.name}.jsonl`,
    ...(spec.fixedWindows === undefined ? {} : { fixedWindows: spec.fixedWindows }),
  };
}

function ioOf<E, K extends keyof E & string, Ag extends AggregateMap<E>, C extends Columns>(
  spec: JobSpec<E, K, Ag, C>,
): JobIo {
  const io = spec.io ?? {};
  return {
    topic: io.topic ?? spec.name,
    bounded: io.bounded ?? false,
    ...(io.outputMessageKey === undefined ? {} : { outputMessageKey: io.outputMessageKey }),
    ...(io.partitionKey === undefined ? {} : { partitionKey: io.partitionKey }),
    ...(io.generator === undefined ? {} : { generator: io.generator }),
    faultShare: io.faultShare ?? 0.01,
    ...(io.report === undefined ? {} : { report: io.report }),
  };
}

interface RowBuilder<G> {
  readonly one: (w: WindowBounds, g: G, acc: unknown[]) => ResultRow;
  readonly many: (w: WindowBounds, g: G, acc: unknown[]) => ResultRow[];
  readonly keyOf: (w: WindowBounds, g: G) => string;
}

/** Rows from the spec's row function: the key is the primary-key values joined by '|'. */
function rowBuilder<E, K extends keyof E & string, Ag extends AggregateMap<E>, C extends Columns>(
  spec: JobSpec<E, K, Ag, C>,
  combiner: JobCombiner<E, OutputsOf<Ag>>,
): RowBuilder<Pick<E, K>> {
  type Values = Readonly<Record<string, ColumnValue>>;
  const keyOfValues = primaryKeyText(spec.table.primaryKey as readonly string[]);
  const valueColumns = Object.keys(spec.table.columns).filter((c) => spec.table.columns[c]?.type.kind !== 'writtenAt');
  const global = spec.window.kind === 'global';
  const row = spec.row as ((ctx: RowContext<Pick<E, K>, OutputsOf<Ag>>) => Values) | undefined;
  const userRows = (ctx: RowContext<Pick<E, K>, OutputsOf<Ag>>): readonly Values[] =>
    row === undefined ? (spec.rows?.(ctx) as readonly Values[]) : [row(ctx)];
  const toResult = (w: WindowBounds, values: Values): ResultRow => {
    for (let i = 0; i < valueColumns.length; i++) {
      const c = valueColumns[i] as string;
      if (values[c] === undefined) throw new Error(`the row has no value for column "${c}"`);
    }
    return { key: keyOfValues(values), finalAtMs: global ? Infinity : w.endMs, values };
  };
  const many = (w: WindowBounds, g: Pick<E, K>, acc: unknown[]): ResultRow[] =>
    userRows({ window: w, key: g, agg: combiner.extract(acc) }).map((v) => toResult(w, v));
  return {
    one: (w, g, acc) => {
      // The one-row form goes straight to its row: no array per emission.
      if (row !== undefined) return toResult(w, row({ window: w, key: g, agg: combiner.extract(acc) }));
      const rows = many(w, g, acc);
      const first = rows[0];
      if (first === undefined || rows.length > 1)
        throw new Error(`rows gave ${rows.length} rows where one was expected`);
      return first;
    },
    many,
    // The key of a group's row without its aggregates: the row of an empty accumulator (primary-key
    // columns come from the window and the key fields, so they do not depend on it). The engine
    // never calls it (rows carry their keys); it is there for callers that want the key alone.
    keyOf: (w, g) => {
      try {
        const values = userRows({ window: w, key: g, agg: combiner.extract(combiner.create()) })[0];
        return values === undefined ? '' : keyOfValues(values);
      } catch {
        return '';
      }
    },
  };
}

/** A row's key: its primary-key values joined by '|', without an array per row. */
function primaryKeyText(pk: readonly string[]): (values: Readonly<Record<string, ColumnValue>>) => string {
  const [first = '', ...rest] = pk;
  if (rest.length === 0) return (values) => String(values[first]);
  return (values) => {
    let key = String(values[first]);
    for (const c of rest) key += `|${String(values[c])}`;
    return key;
  };
}
