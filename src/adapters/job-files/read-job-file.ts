import type { FieldDecl, IoDecl, JobFileSpec, WindowDecl } from './job-file-spec';
import { readAggregates } from './read-aggregates';
import { readInput } from './read-input';
import { readRow, readTable } from './read-table';
import { orList, type SpecMap, type SpecReader } from './spec-reader';

const KEYS = [
  'name',
  'description',
  'input',
  'time',
  'key',
  'dedupe',
  'window',
  'watermark',
  'output',
  'aggregate',
  'table',
  'row',
  'io',
];
const REQUIRED = ['name', 'description', 'input', 'time', 'key', 'window', 'aggregate', 'table', 'row'];
const WINDOWS = ['tumbling', 'sliding', 'session', 'global'];
const OUTPUTS = ['update', 'append', 'complete'] as const;
/** Job names end up in file names, consumer groups and topics. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/** A job file's data, validated whole; the first thing wrong fails with its file, line and field. */
export function readJobFile(r: SpecReader): JobFileSpec {
  const m = r.map([], r.root, KEYS, REQUIRED);
  const name = r.string(['name'], m['name']);
  if (!NAME.test(name))
    throw r.error(
      ['name'],
      `must be letters, digits, ., _ and - (not first), at most 100, got ${JSON.stringify(name)}`,
    );
  const input = readInput(r, m['input']);
  const fields = input.fields;
  const names = Object.keys(fields);
  const key = r.names(['key'], m['key'], true);
  key.forEach((k, i) => r.reference(['key', i], k, names, 'field'));
  const dedupe = m['dedupe'] === undefined ? undefined : r.reference(['dedupe'], m['dedupe'], names, 'field');
  const id = dedupe === undefined ? undefined : (fields[dedupe] as FieldDecl);
  if (dedupe !== undefined && id !== undefined && (!['string', 'number'].includes(id.kind) || id.optional))
    throw r.error(
      ['dedupe'],
      `must be a string or number field that is not optional, ${dedupe} is ${describeField(id)}`,
    );
  const window = readWindow(r, m['window']);
  const output = m['output'] === undefined ? undefined : r.oneOf(['output'], m['output'], OUTPUTS);
  // A session's row is written once, when it closes: sessions take append mode (their default).
  if (window.kind === 'session' && output !== undefined && output !== 'append')
    throw r.error(['output'], `session windows need output: append, got ${output}`);
  const aggregate = readAggregates(r, m['aggregate'], fields);
  const table = readTable(r, m['table']);
  return {
    name,
    description: r.string(['description'], m['description']),
    input,
    time: readTime(r, m['time'], fields),
    key,
    ...(dedupe === undefined ? {} : { dedupe }),
    window,
    ...(m['watermark'] === undefined ? {} : { watermark: r.duration(['watermark'], m['watermark'], false) }),
    ...(output === undefined ? {} : { output }),
    aggregate,
    table,
    row: readRow(r, m['row'], table, { key, fields, aggregates: aggregate }),
    io: readIo(r, m['io'], table),
  };
}

function describeField(field: FieldDecl): string {
  return `${field.optional ? 'an optional' : 'a'} ${field.kind}`;
}

/** `time`: `{ processing: true }`, or `{ field: <a time field> }` for event time. */
function readTime(r: SpecReader, value: unknown, fields: Readonly<Record<string, FieldDecl>>): JobFileSpec['time'] {
  const m = r.map(['time'], value, ['processing', 'field']);
  if ((m['processing'] === undefined) === (m['field'] === undefined))
    throw r.error(['time'], 'must be either processing: true or field: <a time field>', true);
  if (m['processing'] !== undefined) {
    if (m['processing'] !== true) throw r.error(['time', 'processing'], 'must be true (or use field: for event time)');
    return { processing: true };
  }
  const field = r.reference(['time', 'field'], m['field'], Object.keys(fields), 'field');
  const decl = fields[field] as FieldDecl;
  if (decl.kind !== 'time' || decl.optional)
    throw r.error(
      ['time', 'field'],
      `must name a field of type time that is not optional, ${field} is ${describeField(decl)}`,
    );
  return { field };
}

/** `window`: one of `tumbling: 60s`, `sliding: { length, slide }`, `session: 30s`, `global: true`. */
function readWindow(r: SpecReader, value: unknown): WindowDecl {
  const m: SpecMap = r.map(['window'], value, WINDOWS);
  const kinds = Object.keys(m);
  const kind = kinds[0];
  if (kind === undefined || kinds.length > 1)
    throw r.error(['window'], `must be exactly one of ${orList(WINDOWS.map((w) => `${w}:`))}`, true);
  const path = ['window', kind];
  switch (kind) {
    case 'tumbling':
      return { kind, length: r.duration(path, m[kind], true) };
    case 'session':
      return { kind, gap: r.duration(path, m[kind], true) };
    case 'sliding': {
      const s = r.map(path, m[kind], ['length', 'slide'], ['length', 'slide']);
      return {
        kind,
        length: r.duration([...path, 'length'], s['length'], true),
        slide: r.duration([...path, 'slide'], s['slide'], true),
      };
    }
    default:
      if (m[kind] !== true) throw r.error(path, 'must be true (global: true)');
      return { kind: 'global' };
  }
}

/**
 * `io`: `topic`, `bounded`, `outputMessageKey` (a column), `sample` (next to the file). A job file
 * has no generator (nor the Kafka key of generated records): `produce` takes TypeScript jobs.
 */
function readIo(r: SpecReader, value: unknown, table: JobFileSpec['table']): IoDecl {
  if (value === undefined) return {};
  const keys = ['topic', 'bounded', 'outputMessageKey', 'sample'];
  const m = r.map(['io'], value, keys);
  const io: Record<string, unknown> = {};
  if (m['topic'] !== undefined) {
    io['topic'] = r.string(['io', 'topic'], m['topic']);
    if (!TOPIC.test(io['topic'] as string)) throw r.error(['io', 'topic'], 'not a valid Kafka topic name');
  }
  if (m['bounded'] !== undefined) io['bounded'] = r.boolean(['io', 'bounded'], m['bounded']);
  if (m['outputMessageKey'] !== undefined)
    io['outputMessageKey'] = r.reference(
      ['io', 'outputMessageKey'],
      m['outputMessageKey'],
      Object.keys(table.columns),
      'column',
    );
  if (m['sample'] !== undefined) io['sample'] = r.string(['io', 'sample'], m['sample']);
  return io as IoDecl;
}
