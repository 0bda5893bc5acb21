import type { FieldDecl, FieldKind, InputDecl, TimeFormat } from './job-file-spec';
import type { SpecReader } from './spec-reader';
import type { SpecPath } from './yaml-tree';

const KINDS: readonly FieldKind[] = ['string', 'number', 'decimal', 'time', 'boolean'];
const TIME_FORMATS: readonly TimeFormat[] = ['epoch-ms', 'epoch-s', 'iso'];

/** The keys each field type takes, besides `type` and `optional`. */
const RULES: Readonly<Record<FieldKind, readonly string[]>> = {
  string: ['minLength', 'maxLength', 'pattern', 'oneOf'],
  number: ['min', 'max', 'integer', 'decimals'],
  decimal: ['scale', 'min', 'max'],
  time: ['format'],
  boolean: [],
};

/**
 * `input`: `format: json` (with `events:`, the array whose elements are the events) or
 * `format: csv` (with `columns:` and `header:`), and the declared `fields`.
 */
export function readInput(r: SpecReader, value: unknown): InputDecl {
  const path = ['input'];
  const format = r.oneOf([...path, 'format'], r.anyMap(path, value, 'format')['format'], ['json', 'csv'] as const);
  const m =
    format === 'json'
      ? r.map(path, value, ['format', 'events', 'fields'], ['format', 'fields'])
      : r.map(path, value, ['format', 'columns', 'header', 'fields'], ['format', 'columns', 'fields']);
  const fields = readFields(r, [...path, 'fields'], m['fields']);
  if (format === 'json') {
    const events = m['events'] === undefined ? undefined : r.string([...path, 'events'], m['events']);
    return { format, ...(events === undefined ? {} : { events }), fields };
  }
  const columns = r.names([...path, 'columns'], m['columns'], false);
  const header = m['header'] === undefined ? false : r.boolean([...path, 'header'], m['header']);
  const notColumn = Object.keys(fields).find((f) => !columns.includes(f));
  if (notColumn !== undefined)
    throw r.error([...path, 'fields', notColumn], `not one of the CSV columns (${columns.join(', ')})`, true);
  return { format, columns, header, fields };
}

function readFields(r: SpecReader, path: SpecPath, value: unknown): Record<string, FieldDecl> {
  const fields: Record<string, FieldDecl> = {};
  for (const [name, spec] of Object.entries(r.named(path, value, 'fields'))) {
    fields[name] = readField(r, [...path, name], spec);
  }
  return fields;
}

/** `{ type: number, min: 0 }`, or only the type's name for a field with no rules (`number`). */
function readField(r: SpecReader, path: SpecPath, value: unknown): FieldDecl {
  const spec = typeof value === 'string' ? { type: value } : value;
  const kind = r.oneOf([...path, 'type'], r.anyMap(path, spec, 'type')['type'], KINDS);
  const m = r.map(path, spec, ['type', 'optional', ...RULES[kind]], kind === 'time' ? ['type', 'format'] : ['type']);
  const at = (key: string): SpecPath => [...path, key];
  const has = (key: string): boolean => m[key] !== undefined;
  const optional = has('optional') ? r.boolean(at('optional'), m['optional']) : false;
  const decl: Record<string, unknown> = { kind, optional };
  if (has('minLength')) decl['minLength'] = r.number(at('minLength'), m['minLength'], true, 0);
  if (has('maxLength')) decl['maxLength'] = r.number(at('maxLength'), m['maxLength'], true, 1);
  if (has('pattern')) decl['pattern'] = pattern(r, at('pattern'), m['pattern']);
  if (has('oneOf')) decl['oneOf'] = r.names(at('oneOf'), m['oneOf'], false);
  if (has('integer')) decl['integer'] = r.boolean(at('integer'), m['integer']);
  if (has('decimals')) decl['decimals'] = r.number(at('decimals'), m['decimals'], true, 0);
  if (kind === 'decimal') {
    decl['scale'] = r.number(at('scale'), m['scale'] ?? missing(r, path, 'scale'), true, 0);
    if ((decl['scale'] as number) > 15) throw r.error(at('scale'), `must be at most 15, got ${String(m['scale'])}`);
  }
  if (has('format')) decl['format'] = r.oneOf(at('format'), m['format'], TIME_FORMATS);
  if (has('min')) decl['min'] = r.number(at('min'), m['min']);
  if (has('max')) decl['max'] = r.number(at('max'), m['max']);
  for (const [low, high] of [
    ['min', 'max'],
    ['minLength', 'maxLength'],
  ] as const) {
    if (has(low) && has(high) && (decl[low] as number) > (decl[high] as number))
      throw r.error(at(low), `is more than ${high} (${String(decl[low])} > ${String(decl[high])})`);
  }
  return decl as unknown as FieldDecl;
}

function missing(r: SpecReader, path: SpecPath, key: string): never {
  throw r.error(path, `${key} is missing`);
}

function pattern(r: SpecReader, path: SpecPath, value: unknown): string {
  const text = r.string(path, value);
  try {
    new RegExp(text, 'u');
  } catch (e) {
    throw r.error(path, `not a regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
  return text;
}
