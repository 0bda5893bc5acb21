import type { AnyJob } from '../../domain/jobs/job';
import type { ColumnValue } from '../../domain/records';
import type { Aggregate, Aggregates } from '../../domain/sdk/aggregates';
import { decimal, double, instant, integer, longText, text, writtenAt, type Column } from '../../domain/sdk/columns';
import { defineJob } from '../../domain/sdk/define-job';
import { field, type Field } from '../../domain/sdk/fields';
import { csv, json, type Input } from '../../domain/sdk/input';
import type { JobSpec, RowContext } from '../../domain/sdk/job-spec';
import { eventTime, processingTime } from '../../domain/sdk/time';
import { globalWindow, session, sliding, tumbling, type JobWindow } from '../../domain/sdk/windows';
import type { Duration } from '../../domain/sdk/duration';
import type { AggregateDecl, ColumnDecl, FieldDecl, JobFileSpec, RowValue, WindowDecl } from './job-file-spec';

type Event = Readonly<Record<string, unknown>>;
type Values = Record<string, ColumnValue>;

/** A validated job file compiled through `defineJob`, as a TypeScript job would be. */
export function compileJobFile(spec: JobFileSpec): AnyJob {
  const rowOf = rowFunction(spec.row);
  const io = spec.io;
  const jobSpec = {
    name: spec.name,
    description: spec.description,
    input: inputOf(spec),
    time: 'processing' in spec.time ? processingTime() : eventTime(spec.time.field),
    key: spec.key,
    ...(spec.dedupe === undefined ? {} : { dedupe: spec.dedupe }),
    window: windowOf(spec.window),
    ...(spec.watermark === undefined ? {} : { watermark: spec.watermark as Duration }),
    ...(spec.output === undefined ? {} : { output: spec.output }),
    aggregate: (a: Aggregates<Event>) => aggregatesOf(a, spec.aggregate),
    table: { name: spec.table.name, columns: columnsOf(spec.table.columns), primaryKey: spec.table.primaryKey },
    row: rowOf,
    io: {
      ...(io.topic === undefined ? {} : { topic: io.topic }),
      ...(io.bounded === undefined ? {} : { bounded: io.bounded }),
      ...(io.outputMessageKey === undefined ? {} : { outputMessageKey: io.outputMessageKey }),
      ...(io.sample === undefined ? {} : { sample: io.sample }),
    },
  };
  // The file's names were checked against each other by `readJobFile`; the types cannot know them.
  return defineJob(
    jobSpec as unknown as JobSpec<Event, string, Record<string, Aggregate<Event, unknown>>, never>,
  ) as unknown as AnyJob;
}

function inputOf(spec: JobFileSpec): Input<Event> {
  const fields: Record<string, Field<unknown>> = {};
  for (const [name, decl] of Object.entries(spec.input.fields)) fields[name] = fieldOf(decl);
  const input = spec.input;
  if (input.format === 'csv') return csv({ columns: input.columns, fields, header: input.header }) as Input<Event>;
  return json({ fields, ...(input.events === undefined ? {} : { events: input.events }) }) as Input<Event>;
}

function fieldOf(d: FieldDecl): Field<unknown> {
  const optional = { optional: d.optional };
  switch (d.kind) {
    case 'string':
      return field.string({
        ...optional,
        ...(d.minLength === undefined ? {} : { minLength: d.minLength }),
        ...(d.maxLength === undefined ? {} : { maxLength: d.maxLength }),
        ...(d.pattern === undefined ? {} : { pattern: new RegExp(d.pattern, 'u') }),
        ...(d.oneOf === undefined ? {} : { oneOf: d.oneOf }),
      });
    case 'number':
      return field.number({ ...optional, ...pick(d, ['min', 'max', 'integer', 'decimals']) });
    case 'decimal':
      return field.decimal({ ...optional, scale: d.scale ?? 0, ...pick(d, ['min', 'max']) });
    case 'time':
      return field.time(d.format ?? 'epoch-ms', optional);
    case 'boolean':
      return field.boolean(optional);
  }
}

function pick(d: FieldDecl, keys: readonly (keyof FieldDecl)[]): Partial<FieldDecl> {
  return Object.fromEntries(keys.filter((k) => d[k] !== undefined).map((k) => [k, d[k]]));
}

function windowOf(w: WindowDecl): JobWindow {
  switch (w.kind) {
    case 'tumbling':
      return tumbling(w.length as Duration);
    case 'sliding':
      return sliding(w.length as Duration, w.slide as Duration);
    case 'session':
      return session(w.gap as Duration);
    case 'global':
      return globalWindow();
  }
}

function aggregatesOf(
  a: Aggregates<Event>,
  decls: Readonly<Record<string, AggregateDecl>>,
): Record<string, Aggregate<Event, unknown>> {
  const out: Record<string, Aggregate<Event, unknown>> = {};
  for (const [name, d] of Object.entries(decls)) {
    const f = d.field ?? '';
    out[name] = d.kind === 'count' ? a.count() : (a[d.kind] as (of: string) => Aggregate<Event, unknown>)(f);
  }
  return out;
}

function columnsOf(decls: Readonly<Record<string, ColumnDecl>>): Record<string, Column<unknown>> {
  const out: Record<string, Column<unknown>> = {};
  for (const [name, d] of Object.entries(decls)) out[name] = columnOf(d);
  return out;
}

function columnOf(d: ColumnDecl): Column<unknown> {
  switch (d.type) {
    case 'text':
      return text(d.maxLength, d.fixed ? { fixed: true } : undefined);
    case 'longText':
      return longText();
    case 'integer':
      return integer(d.bits);
    case 'decimal':
      return decimal(d.precision, d.scale);
    case 'double':
      return double();
    case 'instant':
      return instant();
    case 'writtenAt':
      return writtenAt();
  }
}

function rowFunction(row: Readonly<Record<string, RowValue>>): (ctx: RowContext<Event, Event>) => Values {
  const columns = Object.entries(row);
  return ({ window, key, agg }) => {
    const values: Values = {};
    for (const [column, v] of columns) {
      values[column] = (
        v.from === 'window'
          ? v.edge === 'start'
            ? window.startMs
            : window.endMs
          : v.from === 'key'
            ? key[v.field]
            : agg[v.name]
      ) as ColumnValue;
    }
    return values;
  };
}
