/** A file `new-job` writes: its name in the folder and its text. */
export interface NewJobFile {
  readonly name: string;
  readonly text: string;
}

/** `page-views` → `page_views`: the table's name. */
function tableName(name: string): string {
  return name.replace(/-/g, '_');
}

/**
 * The sample input: events of two keys over two minutes, one that is not valid (no value). Its
 * table (`hexstream test … --job ./NAME.job.ts`): a 2 events mean 3, b 1 event mean 10 in the first
 * minute; a 1 event mean 1 in the second.
 */
function sample(): string {
  return [
    '{"key":"a","value":2,"ts":1735689600000}',
    '{"key":"b","value":10,"ts":1735689630000}',
    '{"key":"a","value":4,"ts":1735689659999}',
    '{"key":"b","ts":1735689661000}',
    '{"key":"a","value":1,"ts":1735689660000}',
    '',
  ].join('\n');
}

function typescriptJob(name: string): string {
  return `import { defineJob, double, eventTime, field, instant, integer, json, text, tumbling } from 'hexstream';

/**
 * ${name}: per key and minute of event time, how many events and the mean of their value.
 * Input: JSON lines such as {"key":"a","value":2.5,"ts":1735689600000} (ts in epoch milliseconds).
 * Every field of defineJob is described in hexstream's docs/job-sdk.md.
 */
export const job = defineJob({
  name: '${name}',
  description: 'Events per key and minute: how many, and the mean of their value',
  input: json({
    fields: {
      key: field.string({ maxLength: 64 }),
      value: field.number(),
      ts: field.time('epoch-ms'),
    },
  }),
  time: eventTime('ts'),
  key: ['key'],
  window: tumbling('1m'),
  watermark: '10s',
  output: 'update',
  aggregate: (a) => ({
    events: a.count(),
    meanValue: a.mean('value'),
  }),
  table: {
    name: '${tableName(name)}',
    columns: {
      key: text(64),
      window_start: instant(),
      window_end: instant(),
      events: integer(),
      mean_value: double(),
    },
    // Window first: new windows' rows are appended to the table (see the SDK's docs on primaryKey).
    primaryKey: ['window_start', 'key'],
  },
  row: ({ window, key, agg }) => ({
    key: key.key,
    window_start: window.startMs,
    window_end: window.endMs,
    events: agg.events,
    mean_value: agg.meanValue,
  }),
  io: { sample: '${name}.sample.jsonl' },
});
`;
}

function typescriptTest(name: string): string {
  return `import { testJob } from 'hexstream/testing';
import { job } from './${name}.job';

const T0 = Date.parse('2025-01-01T00:00:00Z'); // event times must lie in 2000..2100
const MINUTE = 60_000;

describe('${name}', () => {
  it('counts the events of each key and minute and averages their value', () => {
    const run = testJob(job);
    run.addEvent({ key: 'a', value: 2, ts: T0 });
    run.addEvent({ key: 'b', value: 10, ts: T0 + 30_000 });
    run.addEvent({ key: 'a', value: 4, ts: T0 + MINUTE - 1 });
    run.addEvent({ key: 'a', value: 1, ts: T0 + MINUTE });
    expect(run.finish().rows).toEqual([
      { key: 'a', window_start: T0, window_end: T0 + MINUTE, events: 2, mean_value: 3 },
      { key: 'b', window_start: T0, window_end: T0 + MINUTE, events: 1, mean_value: 10 },
      { key: 'a', window_start: T0 + MINUTE, window_end: T0 + 2 * MINUTE, events: 1, mean_value: 1 },
    ]);
  });

  it("updates a minute's row at each trigger until the watermark (10 s behind the latest event) closes it", () => {
    const run = testJob(job);
    run.addEvent({ key: 'a', value: 2, ts: T0 });
    expect(run.trigger().rows).toEqual([
      { key: 'a', window_start: T0, window_end: T0 + MINUTE, events: 1, mean_value: 2 },
    ]);
    run.addEvent({ key: 'a', value: 4, ts: T0 + 1_000 });
    run.addEvent({ key: 'a', value: 9, ts: T0 + MINUTE + 10_000 });
    expect(run.trigger().rows).toEqual([
      { key: 'a', window_start: T0, window_end: T0 + MINUTE, events: 2, mean_value: 3 },
      { key: 'a', window_start: T0 + MINUTE, window_end: T0 + 2 * MINUTE, events: 1, mean_value: 9 },
    ]);
    run.addEvent({ key: 'a', value: 7, ts: T0 + 2_000 });
    const late = run.trigger();
    expect(late.rows).toEqual([]);
    expect(late.deadLetters.map((d) => d.reason)).toEqual(['late']);
  });

  it('turns an event without a value into a dead letter, and keeps the others', () => {
    const run = testJob(job);
    run.add({ text: JSON.stringify({ key: 'a', ts: T0 }) });
    run.addEvent({ key: 'a', value: 5, ts: T0 + 1 });
    const out = run.finish();
    expect(out.deadLetters.map((d) => [d.reason, d.raw])).toEqual([['invalid', \`{"key":"a","ts":\${T0}}\`]]);
    expect(out.rows).toEqual([{ key: 'a', window_start: T0, window_end: T0 + MINUTE, events: 1, mean_value: 5 }]);
  });
});
`;
}

function yamlJob(name: string): string {
  return `# ${name}: per key and minute of event time, how many events and the mean of their value.
# Input: JSON lines such as {"key":"a","value":2.5,"ts":1735689600000} (ts in epoch milliseconds).
# Every field is described in hexstream's docs/job-sdk.md.
name: ${name}
description: "Events per key and minute: how many, and the mean of their value"
input:
  format: json
  fields:
    key: { type: string, maxLength: 64 }
    value: { type: number }
    ts: { type: time, format: epoch-ms }
time: { field: ts }
key: [key]
window: { tumbling: 1m }
watermark: 10s
output: update
aggregate:
  events: { count: true }
  meanValue: { mean: value }
table:
  name: ${tableName(name)}
  columns:
    key: { type: text, maxLength: 64 }
    window_start: { type: instant }
    window_end: { type: instant }
    events: { type: integer }
    mean_value: { type: double }
  primaryKey: [key, window_start]
row:
  key: key.key
  window_start: window.start
  window_end: window.end
  events: agg.events
  mean_value: agg.meanValue
io:
  sample: ${name}.sample.jsonl
`;
}

function yamlTest(name: string): string {
  return `import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The installed hexstream command line. */
const CLI = join(dirname(require.resolve('hexstream/package.json')), 'dist', 'main.js');

/** Runs ${name}.yaml on these input lines with \`hexstream test\`; returns the result table's rows. */
function run(lines: readonly string[]): unknown[] {
  const dir = mkdtempSync(join(tmpdir(), '${name}-'));
  const input = join(dir, 'input.jsonl');
  const output = join(dir, 'rows.jsonl');
  writeFileSync(input, lines.map((l) => \`\${l}\\n\`).join(''));
  execFileSync(process.execPath, [
    CLI, 'test', 'you@example.com', '--job', join(__dirname, '${name}.yaml'), '--input', input, '--output', output,
    '--dead-letter', join(dir, 'dead-letters.jsonl'), '--outbox', join(dir, 'outbox'),
  ]);
  const rows = readFileSync(output, 'utf8').split('\\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
  rmSync(dir, { recursive: true, force: true });
  return rows;
}

describe('${name}.yaml', () => {
  it('counts the events of each key and minute and averages their value', () => {
    const rows = run([
      '{"key":"a","value":2,"ts":1735689600000}',
      '{"key":"b","value":10,"ts":1735689630000}',
      '{"key":"a","value":4,"ts":1735689659999}',
      '{"key":"a","ts":1735689661000}',
      '{"key":"a","value":1,"ts":1735689660000}',
    ]);
    expect(rows).toEqual([
      { key: 'a', window_start: '2025-01-01T00:00:00.000Z', window_end: '2025-01-01T00:01:00.000Z', events: 2, mean_value: 3 },
      { key: 'b', window_start: '2025-01-01T00:00:00.000Z', window_end: '2025-01-01T00:01:00.000Z', events: 1, mean_value: 10 },
      { key: 'a', window_start: '2025-01-01T00:01:00.000Z', window_end: '2025-01-01T00:02:00.000Z', events: 1, mean_value: 1 },
    ]);
  });
});
`;
}

/** The files of a new job: the job, its test and its sample input (the sample last). */
export function newJobFiles(name: string, kind: 'typescript' | 'yaml'): NewJobFile[] {
  const sampleFile = { name: `${name}.sample.jsonl`, text: sample() };
  return kind === 'yaml'
    ? [
        { name: `${name}.yaml`, text: yamlJob(name) },
        { name: `${name}.yaml.test.ts`, text: yamlTest(name) },
        sampleFile,
      ]
    : [
        { name: `${name}.job.ts`, text: typescriptJob(name) },
        { name: `${name}.job.test.ts`, text: typescriptTest(name) },
        sampleFile,
      ];
}
