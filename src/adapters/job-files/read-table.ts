import type { AggregateDecl, ColumnDecl, FieldDecl, JobFileSpec, RowValue } from './job-file-spec';
import type { SpecReader } from './spec-reader';
import { aggregateValue, columnText, fieldValue, fits, valueText, type ValueKind } from './value-kinds';
import type { SpecPath } from './yaml-tree';

const TYPES = ['text', 'longText', 'integer', 'decimal', 'double', 'instant', 'writtenAt'] as const;
const TYPE_KEYS: Readonly<Record<ColumnDecl['type'], readonly string[]>> = {
  text: ['maxLength', 'fixed'],
  longText: [],
  integer: ['bits'],
  decimal: ['precision', 'scale'],
  double: [],
  instant: [],
  writtenAt: [],
};
/** A name both MySQL and PostgreSQL take unquoted-safe, within PostgreSQL's 63 characters. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** `table`: its `name`, `columns` by name (`{ type: text, maxLength: 64 }`, or just `double`), `primaryKey`. */
export function readTable(r: SpecReader, value: unknown): JobFileSpec['table'] {
  const m = r.map(['table'], value, ['name', 'columns', 'primaryKey'], ['name', 'columns', 'primaryKey']);
  const name = identifier(r, ['table', 'name'], m['name']);
  const columns: Record<string, ColumnDecl> = {};
  for (const [column, spec] of Object.entries(r.named(['table', 'columns'], m['columns'], 'columns'))) {
    const path = ['table', 'columns', column];
    if (!IDENTIFIER.test(column))
      throw r.error(path, 'a column name is letters, digits and _ (not first), at most 63', true);
    columns[column] = readColumn(r, path, spec);
  }
  const primaryKey = r.names(['table', 'primaryKey'], m['primaryKey'], false);
  primaryKey.forEach((c, i) => {
    const column = r.reference(['table', 'primaryKey', i], c, Object.keys(columns), 'column');
    if (columns[column]?.type === 'writtenAt')
      throw r.error(['table', 'primaryKey', i], `${column} is written by the sink: it cannot be part of the key`);
  });
  return { name, columns, primaryKey };
}

function identifier(r: SpecReader, path: SpecPath, value: unknown): string {
  const name = r.string(path, value);
  if (!IDENTIFIER.test(name))
    throw r.error(path, `must be letters, digits and _ (not first), at most 63, got ${JSON.stringify(name)}`);
  return name;
}

function readColumn(r: SpecReader, path: SpecPath, value: unknown): ColumnDecl {
  const spec = typeof value === 'string' ? { type: value } : value;
  const type = r.oneOf([...path, 'type'], r.anyMap(path, spec, 'type')['type'], TYPES);
  const required = type === 'text' ? ['maxLength'] : type === 'decimal' ? ['precision', 'scale'] : [];
  const m = r.map(path, spec, ['type', ...TYPE_KEYS[type]], ['type', ...required]);
  const at = (key: string): SpecPath => [...path, key];
  switch (type) {
    case 'text':
      return {
        type,
        maxLength: r.number(at('maxLength'), m['maxLength'], true, 1),
        fixed: m['fixed'] === undefined ? false : r.boolean(at('fixed'), m['fixed']),
      };
    case 'integer': {
      const bits = m['bits'] === undefined ? 64 : m['bits'];
      if (bits !== 32 && bits !== 64) throw r.error(at('bits'), `must be 32 or 64, got ${JSON.stringify(bits)}`);
      return { type, bits };
    }
    case 'decimal': {
      const precision = r.number(at('precision'), m['precision'], true, 1);
      if (precision > 65) throw r.error(at('precision'), `must be at most 65, got ${precision}`);
      const scale = r.number(at('scale'), m['scale'], true, 0);
      if (scale > precision) throw r.error(at('scale'), `must not exceed precision (${scale} > ${precision})`);
      return { type, precision, scale };
    }
    default:
      return { type };
  }
}

/** What a row may name: the key fields, the window's edges, the aggregates. */
export interface RowScope {
  readonly key: readonly string[];
  readonly fields: Readonly<Record<string, FieldDecl>>;
  readonly aggregates: Readonly<Record<string, AggregateDecl>>;
}

/** `row`: each column's value, `key.<field>`, `window.start`, `window.end` or `agg.<name>`. */
export function readRow(
  r: SpecReader,
  value: unknown,
  table: JobFileSpec['table'],
  scope: RowScope,
): Record<string, RowValue> {
  const given = r.named(['row'], value, 'column values');
  const out: Record<string, RowValue> = {};
  for (const [column, ref] of Object.entries(given)) {
    const path = ['row', column];
    const decl = table.columns[column];
    if (decl === undefined)
      throw r.error(
        path,
        `not a column of table ${table.name} (columns: ${Object.keys(table.columns).join(', ')})`,
        true,
      );
    if (decl.type === 'writtenAt') throw r.error(path, 'a writtenAt column is set by the sink, not by the row', true);
    const [source, kind] = rowValue(r, path, ref, scope);
    if (!fits(decl, kind))
      throw r.error(
        path,
        `${String(ref)} is ${valueText(kind)}: it does not fit column ${column}, ${columnText(decl)}`,
      );
    out[column] = source;
  }
  const unset = Object.keys(table.columns).find((c) => table.columns[c]?.type !== 'writtenAt' && !(c in given));
  if (unset !== undefined)
    throw r.error(['row'], `column ${unset} is not set (every column but writtenAt ones is)`, true);
  return out;
}

function rowValue(r: SpecReader, path: SpecPath, ref: unknown, scope: RowScope): [RowValue, ValueKind] {
  const text = r.string(path, ref);
  const [head, name = ''] = [text.slice(0, text.indexOf('.')), text.slice(text.indexOf('.') + 1)];
  if (text === 'window.start' || text === 'window.end')
    return [{ from: 'window', edge: text === 'window.start' ? 'start' : 'end' }, { kind: 'instant' }];
  if (head === 'key' && text.includes('.')) {
    r.reference(path, name, scope.key, 'key field');
    const field = scope.fields[name] as FieldDecl;
    if (field.optional)
      throw r.error(path, `${name} is optional: a key field that may be missing cannot fill a column`);
    return [{ from: 'key', field: name }, fieldValue(field)];
  }
  if (head === 'agg' && text.includes('.')) {
    r.reference(path, name, Object.keys(scope.aggregates), 'aggregate');
    const agg = scope.aggregates[name] as AggregateDecl;
    const field = agg.field === undefined ? undefined : scope.fields[agg.field];
    if (field?.optional === true && (agg.kind === 'first' || agg.kind === 'last'))
      throw r.error(path, `${agg.kind} of optional field ${agg.field ?? ''} may be missing: it cannot fill a column`);
    return [{ from: 'agg', name }, aggregateValue(agg, field)];
  }
  throw r.error(path, `must be key.<field>, window.start, window.end or agg.<aggregate>, got ${JSON.stringify(text)}`);
}
