import { isOutputMode } from '../engine/output-mode';
import type { Columns } from './columns';
import type { FieldKind } from './fields';
import type { JobWindow } from './windows';

/** What the checks read of a spec (the spec seen without its type parameters). */
export interface SpecView {
  readonly name: string;
  readonly output?: string;
  readonly window: JobWindow;
  readonly row?: unknown;
  readonly rows?: unknown;
  readonly input: {
    readonly fields: Readonly<Record<string, FieldKind>> | undefined;
    readonly optionalFields?: readonly string[];
  };
  readonly time:
    | { readonly kind: 'event'; readonly field: string }
    | { readonly kind: 'event' | 'processing' }
    | ((event: never) => number);
  readonly key: readonly string[];
  readonly dedupe?: string;
  readonly table: { readonly name: string; readonly columns: Columns; readonly primaryKey: readonly string[] };
  readonly io?: { readonly outputMessageKey?: string };
}

/** What the checks read of an aggregate. */
export interface AggregateView {
  readonly kind: string;
  readonly fields: readonly string[];
}

const NUMERIC: Readonly<Record<string, readonly FieldKind[]>> = {
  sum: ['number', 'decimal', 'time'],
  min: ['number', 'decimal', 'time'],
  max: ['number', 'decimal', 'time'],
  mean: ['number', 'decimal'],
  stddev: ['number', 'decimal'],
  decimalSum: ['decimal', 'number', 'time'],
};

/**
 * Definition-time checks of what the types cannot see (a JavaScript caller, a spec read from a
 * file, names of fields a custom decoder does not declare): each throws an Error naming the job
 * and the field.
 */
export function checkSpec(spec: SpecView, named: Readonly<Record<string, AggregateView>>): void {
  const fail = (what: string, why: string): never => {
    throw new Error(`job "${String(spec.name)}": ${what}: ${why}`);
  };
  if (typeof spec.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(spec.name))
    fail('name', `must be letters, digits, '.', '_' or '-', got ${JSON.stringify(spec.name)}`);
  if (spec.output !== undefined && !isOutputMode(spec.output))
    fail('output', `must be update, append or complete, got ${JSON.stringify(spec.output)}`);
  if (spec.window.kind === 'session' && spec.output !== undefined && spec.output !== 'append')
    fail(
      'output',
      `session windows need 'append' (a session's row is written once, when it closes), got '${spec.output}'`,
    );
  if ((spec.row === undefined) === (spec.rows === undefined)) fail('row', 'give exactly one of row and rows');
  checkFields(spec, named, fail);
  checkTable(spec, fail);
}

function checkFields(
  spec: SpecView,
  named: Readonly<Record<string, AggregateView>>,
  fail: (what: string, why: string) => never,
): void {
  const kinds = spec.input.fields;
  if (kinds === undefined) return;
  const kindOf = (what: string, name: string): FieldKind =>
    kinds[name] ?? fail(what, `"${name}" is not a field of the input (fields: ${Object.keys(kinds).join(', ')})`);
  const time = spec.time;
  if (typeof time !== 'function' && 'field' in time && kindOf('time', time.field) !== 'time')
    fail('time', `event time field "${time.field}" must be declared with field.time(…)`);
  const optional = new Set(spec.input.optionalFields ?? []);
  const required = (what: string, name: string): void => {
    kindOf(what, name);
    if (optional.has(name)) fail(what, `"${name}" is an optional field: every event needs a value for it`);
  };
  for (const k of spec.key) required('key', k);
  if (spec.dedupe !== undefined) required('dedupe', spec.dedupe);
  if (typeof time !== 'function' && 'field' in time) required('time', time.field);
  for (const [name, agg] of Object.entries(named)) {
    for (const f of agg.fields) {
      const kind = kindOf(`aggregate ${name}`, f);
      const allowed = NUMERIC[agg.kind];
      if (allowed !== undefined && !allowed.includes(kind))
        fail(`aggregate ${name}`, `${agg.kind} needs a numeric field, "${f}" is a ${kind} field`);
    }
  }
}

function checkTable(spec: SpecView, fail: (what: string, why: string) => never): void {
  const { name, columns, primaryKey } = spec.table;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    fail('table.name', `must be letters, digits and '_', not starting with a digit, got ${JSON.stringify(name)}`);
  const names = Object.keys(columns);
  if (names.length === 0) fail('table.columns', 'a table needs at least one column');
  for (const c of names)
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c))
      fail('table.columns', `column name ${JSON.stringify(c)} is not an identifier`);
  if (primaryKey.length === 0) fail('table.primaryKey', 'needs at least one column');
  const seen = new Set<string>();
  for (const c of primaryKey) {
    const column = columns[c] ?? fail('table.primaryKey', `"${c}" is not a column of the table`);
    if (column.type.kind === 'writtenAt')
      fail('table.primaryKey', `"${c}" is a writtenAt column, which rows do not set`);
    if (seen.has(c)) fail('table.primaryKey', `"${c}" is named twice`);
    seen.add(c);
  }
  const key = spec.io?.outputMessageKey;
  if (key !== undefined && columns[key] === undefined)
    fail('io.outputMessageKey', `"${key}" is not a column of the table`);
}
