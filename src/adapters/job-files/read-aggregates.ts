import { FIELD_AGGREGATES, type AggregateDecl, type AggregateKind, type FieldDecl } from './job-file-spec';
import { orList, type SpecReader } from './spec-reader';

const KINDS: readonly AggregateKind[] = ['count', ...FIELD_AGGREGATES];

/** The field kinds each aggregate reads (`first`, `last` and `distinctCount` read any). */
const READS: Partial<Readonly<Record<AggregateKind, readonly FieldDecl['kind'][]>>> = {
  sum: ['number'],
  mean: ['number'],
  stddev: ['number'],
  min: ['number', 'decimal', 'time'],
  max: ['number', 'decimal', 'time'],
  decimalSum: ['decimal', 'number'],
};

/** `aggregate`: by name, `{ mean: field }`, `{ sum: field }`, … or `{ count: true }` (also just `count`). */
export function readAggregates(
  r: SpecReader,
  value: unknown,
  fields: Readonly<Record<string, FieldDecl>>,
): Record<string, AggregateDecl> {
  const out: Record<string, AggregateDecl> = {};
  for (const [name, spec] of Object.entries(r.named(['aggregate'], value, 'aggregates'))) {
    const path = ['aggregate', name];
    const m = r.map(path, spec === 'count' ? { count: true } : spec, KINDS);
    const kinds = Object.keys(m) as AggregateKind[];
    const kind = kinds[0];
    if (kind === undefined || kinds.length > 1)
      throw r.error(path, `must be exactly one of ${orList(KINDS.map((k) => `${k}:`))}, got ${kinds.length}`, true);
    if (kind === 'count') {
      if (m['count'] !== true) throw r.error([...path, 'count'], 'must be true (count: true)');
      out[name] = { kind };
      continue;
    }
    const field = r.reference([...path, kind], m[kind], Object.keys(fields), 'field');
    const decl = fields[field] as FieldDecl;
    const reads = READS[kind];
    if (reads !== undefined && !reads.includes(decl.kind))
      throw r.error([...path, kind], `${kind} needs a ${orList(reads)} field, ${field} is a ${decl.kind}`);
    // As in TypeScript, where an optional field's values are `number | undefined`, not numbers.
    if (reads !== undefined && decl.optional)
      throw r.error([...path, kind], `${kind} needs a field that is not optional, ${field} is optional`);
    if (kind === 'decimalSum' && decl.kind === 'number' && decl.integer !== true)
      throw r.error([...path, kind], `decimalSum needs a decimal field or a number field with integer: true`);
    out[name] = { kind, field };
  }
  return out;
}
