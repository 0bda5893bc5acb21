import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, summaryNumber } from '../support/run-cli';

const T0 = Date.UTC(2025, 0, 1);
const iso = (ms: number): string => new Date(ms).toISOString();

/** A TypeScript job: types, an interface and `import … from 'hexstream'`, run with no build step. */
const CLICKS_TS = `
import { defineJob, json, field, eventTime, tumbling, text, instant, integer, double, writtenAt } from 'hexstream';

interface Latency { readonly ms: number }
const limit: Latency = { ms: 0 };

export default defineJob({
  name: 'clicks',
  description: 'clicks and mean latency per page and minute',
  input: json({
    fields: { page: field.string({ maxLength: 32 }), ms: field.number({ min: limit.ms }), at: field.time('epoch-ms') },
  }),
  time: eventTime('at'),
  key: ['page'],
  window: tumbling('1m'),
  aggregate: (a) => ({ clicks: a.count(), latency: a.mean('ms') }),
  table: {
    name: 'clicks',
    columns: { page: text(32), window_start: instant(), clicks: integer(), latency: double(), updated_at: writtenAt() },
    primaryKey: ['page', 'window_start'],
  },
  row: ({ window, key, agg }) => ({
    page: key.page, window_start: window.startMs, clicks: agg.clicks, latency: agg.latency,
  }),
  io: { sample: 'clicks.jsonl' },
});
`;

const CLICKS_SAMPLE = [
  { page: '/a', ms: 100, at: T0 },
  { page: '/a', ms: 300, at: T0 + 10_000 },
  { page: '/b', ms: 50, at: T0 + 20_000 },
  { page: '/a', ms: 200, at: T0 + 70_000 },
  { page: '/b', ms: 'slow', at: T0 + 80_000 },
]
  .map((r) => JSON.stringify(r))
  .join('\n');

/** A YAML job over CSV lines with event time. */
const LATENCY_YAML = `name: page-latency
description: Slowest and mean latency per page and minute, from CSV lines
input:
  format: csv
  columns: [at, page, ms]
  header: true
  fields:
    at: { type: time, format: iso }
    page: { type: string, maxLength: 32 }
    ms: { type: number, min: 0 }
time: { field: at }
key: [page]
window: { tumbling: 1m }
watermark: 5s
aggregate:
  slowest: { max: ms }
  mean: { mean: ms }
  views: count
table:
  name: page_latency
  columns:
    page: { type: text, maxLength: 32 }
    minute: instant
    slowest: double
    mean_ms: double
    views: integer
  primaryKey: [page, minute]
row:
  page: key.page
  minute: window.start
  slowest: agg.slowest
  mean_ms: agg.mean
  views: agg.views
io: { sample: page-latency.csv }
`;

const LATENCY_SAMPLE = `at,page,ms
2025-01-01T00:00:01Z,/a,120
2025-01-01T00:00:30Z,/a,80
2025-01-01T00:00:45Z,/b,40
2025-01-01T00:01:10Z,/a,300
`;

/** The rows of a result file without the time they were written, sorted. */
function rows(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .map(({ updated_at: _written, ...rest }) => rest)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('hexstream --job ./file (jobs loaded at run time)', () => {
  let dir: string;
  const write = (name: string, text: string): void => writeFileSync(join(dir, name), text);
  beforeEach(() => {
    // Outside the repository: 'hexstream' resolves only because the loader points it at the running CLI.
    dir = mkdtempSync(join(tmpdir(), 'hexstream-job-files-'));
    write('clicks.ts', CLICKS_TS);
    write('clicks.jsonl', CLICKS_SAMPLE);
    write('page-latency.yaml', LATENCY_YAML);
    write('page-latency.csv', LATENCY_SAMPLE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const clicksRows = [
    { page: '/a', window_start: iso(T0), clicks: 2, latency: 200 },
    { page: '/a', window_start: iso(T0 + 60_000), clicks: 1, latency: 200 },
    { page: '/b', window_start: iso(T0), clicks: 1, latency: 50 },
  ];

  it('runs a TypeScript job file on the sample next to it, with exact rows', () => {
    const r = runCli(['test', 'you@example.com', '--job', './clicks.ts'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hexstream test · job clicks · window 1m slide 1m · watermark 0ms · update mode$/m);
    expect(summaryNumber(r.stdout, 'invalid')).toBe(1);
    expect(rows(join(dir, 'out', 'clicks.jsonl'))).toEqual(clicksRows);
  });

  it('runs a YAML job file over CSV, with exact rows', () => {
    const r = runCli(['test', 'you@example.com', '--job', 'page-latency.yaml'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(rows(join(dir, 'out', 'page-latency.jsonl'))).toEqual([
      { page: '/a', minute: iso(T0), slowest: 120, mean_ms: 100, views: 2 },
      { page: '/a', minute: iso(T0 + 60_000), slowest: 300, mean_ms: 300, views: 1 },
      { page: '/b', minute: iso(T0), slowest: 40, mean_ms: 40, views: 1 },
    ]);
    // The header line is refused as a header, not taken for an event.
    expect(readFileSync(join(dir, 'out', 'page-latency.dead-letter.jsonl'), 'utf8')).toMatch(
      /^\{"reason":"invalid","detail":"CSV header line, not an event",/,
    );
  });

  it('--job orders,./clicks.ts runs the built-in job and the job file, each on its own sample', () => {
    const r = runCli(['test', 'you@example.com', '--job', 'orders,./clicks.ts'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hexstream test · job orders ·/m);
    expect(r.stdout).toMatch(/^hexstream test · job clicks ·/m);
    expect(rows(join(dir, 'out', 'clicks.jsonl'))).toEqual(clicksRows);
    const together = rows(join(dir, 'out', 'orders.jsonl'));
    expect(runCli(['test', 'you@example.com', '--job', 'orders', '--output', 'alone.jsonl'], { cwd: dir }).code).toBe(
      0,
    );
    expect(together).toEqual(rows(join(dir, 'alone.jsonl')));
  });

  it('runs the same job as an ES module and as CommonJS, each importing hexstream its own way', () => {
    // The TypeScript job without its types: the body of defineJob's call is plain JavaScript.
    const body = CLICKS_TS.slice(CLICKS_TS.indexOf('defineJob({'))
      .replace('limit.ms', '0')
      .replace(/\s*;\s*$/, '');
    const names = 'defineJob, json, field, eventTime, tumbling, text, instant, integer, double, writtenAt';
    write('clicks.mjs', `import { ${names} } from 'hexstream';\nexport default ${body};\n`);
    write('clicks.cjs', `const { ${names} } = require('hexstream');\nmodule.exports = ${body};\n`);
    for (const file of ['./clicks.mjs', './clicks.cjs']) {
      const r = runCli(['test', 'you@example.com', '--job', file, '--output', 'rows.jsonl'], { cwd: dir });
      expect({ file, code: r.code, stderr: r.stderr }).toEqual({ file, code: 0, stderr: '' });
      expect(rows(join(dir, 'rows.jsonl'))).toEqual(clicksRows);
    }
  });

  it('produce --job ./file writes the records of the generator of the job file', () => {
    const generator = `
export function* generate(o: { count: number; startMs: number }): Iterable<{ line: string; kind: 'valid' }> {
  for (let i = 0; i < o.count; i++) yield { line: JSON.stringify({ page: '/p' + i, ms: i, at: o.startMs + i }), kind: 'valid' };
}
`;
    write(
      'generated.ts',
      `${generator}${CLICKS_TS.replace("io: { sample: 'clicks.jsonl' }", 'io: { generator: generate }')}`,
    );
    const r = runCli(['produce', '--job', './generated.ts', '--to', 'generated.jsonl', '--count', '3'], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(join(dir, 'generated.jsonl'), 'utf8')).toBe(
      [0, 1, 2].map((i) => `${JSON.stringify({ page: `/p${i}`, ms: i, at: T0 + i })}\n`).join(''),
    );
  });

  it('runs examples/wage-averages.yaml on its sample: processing-time minutes of the run', () => {
    const example = join(__dirname, '..', '..', 'examples', 'wage-averages.yaml');
    const before = Date.now();
    const r = runCli(['test', 'you@example.com', '--job', example], { cwd: dir });
    const after = Date.now();
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(summaryNumber(r.stdout, 'invalid')).toBe(1);
    const written = rows(join(dir, 'out', 'wage-averages.jsonl'));
    // The minute is the one the run read the records in (a run that crosses a minute puts them in one of two).
    const starts = new Set(written.map((w) => Date.parse(String(w['window_start']))));
    expect(starts.size).toBe(1);
    const start = [...starts][0] ?? NaN;
    expect(start % 60_000).toBe(0);
    expect(start).toBeGreaterThanOrEqual(Math.floor(before / 60_000) * 60_000);
    expect(start).toBeLessThanOrEqual(after);
    const window = { window_start: iso(start), window_end: iso(start + 60_000) };
    expect(written).toEqual([
      { job_title: 'Data Scientist', ...window, avg_wage: (130000 + 150000 + 125000) / 3, applications: 3 },
      { job_title: 'Hardware Engineer', ...window, avg_wage: 140000, applications: 1 },
      { job_title: 'Program Manager', ...window, avg_wage: (110000 + 115000) / 2, applications: 2 },
      { job_title: 'Software Engineer', ...window, avg_wage: (145000 + 155000 + 120000 + 140000) / 4, applications: 4 },
    ]);
  });
});
