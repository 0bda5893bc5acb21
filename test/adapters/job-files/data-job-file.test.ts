import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataJob } from '../../../src/adapters/job-files/data-job-file';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { testJob } from '../../../src/domain/sdk/testing';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const EXAMPLE = readFileSync(join(EXAMPLES, 'wage-averages.yaml'), 'utf8');
const SAMPLE = readFileSync(join(EXAMPLES, 'wage-averages.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l !== '');

/** The example with one part replaced (which must be there). */
function edited(from: string, to: string): string {
  if (!EXAMPLE.includes(from)) throw new Error(`the example has no ${JSON.stringify(from)}`);
  return EXAMPLE.replace(from, to);
}

/** The one line a job file that does not validate fails with (a CONFIG_INVALID error). */
function failure(text: string, file = 'wage-averages.yaml'): string {
  try {
    dataJob(text, file);
  } catch (e) {
    if (!(e instanceof HexstreamError) || e.code !== 'CONFIG_INVALID') throw e;
    return e.message;
  }
  throw new Error('the job file was accepted');
}

/** The 1-based line of the first occurrence of `text` in the example (counted here, not by the reader). */
function lineOf(text: string, source = EXAMPLE): number {
  const at = source.indexOf(text);
  if (at < 0) throw new Error(`no ${JSON.stringify(text)}`);
  return source.slice(0, at).split('\n').length;
}

describe('a YAML job file', () => {
  it('compiles the wage-averages example through defineJob: its table, windows, time and io', () => {
    const job = dataJob(EXAMPLE, 'wage-averages.yaml');
    expect(job.name).toBe('wage-averages');
    expect(job.timeDomain).toBe('processing');
    expect(job.defaults.window).toEqual({ kind: 'fixed', lengthMs: 60_000, slideMs: 60_000 });
    expect(job.defaults.outputMode).toBe('update');
    expect(job.defaults.sampleFile).toBe('wage-averages.jsonl');
    expect(job.io?.topic).toBe('visa-applications');
    expect(job.io?.outputMessageKey).toBe('job_title');
    expect(job.table).toEqual({
      name: 'wage_averages',
      primaryKey: ['window_start', 'job_title'],
      columns: [
        { name: 'job_title', type: { kind: 'text', maxLength: 128 } },
        { name: 'window_start', type: { kind: 'instant' } },
        { name: 'window_end', type: { kind: 'instant' } },
        { name: 'avg_wage', type: { kind: 'double' } },
        { name: 'applications', type: { kind: 'integer', bits: 64 } },
        { name: 'updated_at', type: { kind: 'writtenAt' } },
      ],
    });
  });

  it('decodes one event per element of data, and refuses a record with a bad element', () => {
    const job = dataJob(EXAMPLE, 'wage-averages.yaml');
    const record = JSON.stringify({
      symbol: 'AAPL',
      data: [
        { jobTitle: 'Data Scientist', wageRangeFrom: 130000, year: 2021 },
        { jobTitle: 'Software Engineer', wageRangeFrom: 145000, quarter: 1 },
      ],
    });
    expect(job.decodeMany?.(record)).toEqual({
      ok: true,
      events: [
        { jobTitle: 'Data Scientist', wageRangeFrom: 130000 },
        { jobTitle: 'Software Engineer', wageRangeFrom: 145000 },
      ],
    });
    expect(job.decodeMany?.('{"symbol":"IBM","data":[{"jobTitle":"X","wageRangeFrom":-1}]}')).toEqual({
      ok: false,
      detail: 'data[0]: field "wageRangeFrom" must be ≥ 0, got -1',
    });
  });

  it('averages wageRangeFrom per job title over processing-time minutes: its sample, then a record a minute later', () => {
    const run = testJob(dataJob(EXAMPLE, 'wage-averages.yaml'));
    const minute = Date.UTC(2021, 3, 1, 12, 0);
    run.advanceProcessingTime(minute + 5_000);
    for (const text of SAMPLE) run.add({ text });
    const first = run.trigger();
    // The sample's wages by title (examples/wage-averages.jsonl), the IBM record refused.
    const window = { window_start: minute, window_end: minute + 60_000 };
    expect(first.rows).toEqual([
      { job_title: 'Software Engineer', ...window, avg_wage: (145000 + 155000 + 120000 + 140000) / 4, applications: 4 },
      { job_title: 'Data Scientist', ...window, avg_wage: (130000 + 150000 + 125000) / 3, applications: 3 },
      { job_title: 'Program Manager', ...window, avg_wage: (110000 + 115000) / 2, applications: 2 },
      { job_title: 'Hardware Engineer', ...window, avg_wage: 140000, applications: 1 },
    ]);
    expect(first.deadLetters.map((d) => [d.reason, d.detail])).toEqual([
      ['invalid', 'data[0]: field "wageRangeFrom" must be a finite number, got string "n/a"'],
    ]);
    run
      .advanceProcessingTime(minute + 65_000)
      .addEvent({ symbol: 'X', data: [{ jobTitle: 'Data Scientist', wageRangeFrom: 1 }] });
    expect(run.trigger().rows).toEqual([
      {
        job_title: 'Data Scientist',
        window_start: minute + 60_000,
        window_end: minute + 120_000,
        avg_wage: 1,
        applications: 1,
      },
    ]);
  });

  it.each([
    [
      'mean: wageRangeFrom',
      'mean: wageRange',
      'mean: wageRange',
      'aggregate.avgWage.mean: unknown field "wageRange" (fields: jobTitle, wageRangeFrom)',
    ],
    [
      'mean: wageRangeFrom',
      'mean: jobTitle',
      'mean: jobTitle',
      'aggregate.avgWage.mean: mean needs a number field, jobTitle is a string',
    ],
    ['output: update', 'output: upsert', 'output: upsert', 'output: must be update, append or complete, got "upsert"'],
    [
      'key: [jobTitle]',
      'keys: [jobTitle]',
      'keys:',
      'keys: unknown key (expected name, description, input, time, key, dedupe, window, watermark, output, aggregate, table, row or io)',
    ],
    ['key: [jobTitle]', 'key: [jobTitle, jobTitle]', 'key:', 'key[1]: "jobTitle" is listed twice'],
    ['key: [jobTitle]', 'key: [title]', 'key:', 'key[0]: unknown field "title" (fields: jobTitle, wageRangeFrom)'],
    [
      '  tumbling: 60s',
      '  tumbling: 0s',
      'tumbling: 0s',
      'window.tumbling: must be a positive duration such as 500ms, 10s, 1m, 2h (or whole milliseconds), got "0s"',
    ],
    [
      '  tumbling: 60s',
      '  tumbling: 60s\n  global: true',
      'window:',
      'window: must be exactly one of tumbling:, sliding:, session: or global:',
    ],
    [
      '    avg_wage: double',
      '    avg_wage: double\n    avg_wage: double',
      '    avg_wage: double\n    avg_wage',
      'table.columns: column "avg_wage" is given twice',
    ],
    [
      '    avg_wage: double',
      '    avg_wage: integer',
      'avg_wage: agg.avgWage',
      'row.avg_wage: agg.avgWage is a number: it does not fit column avg_wage, integer (64 bits)',
    ],
    [
      'primaryKey: [window_start, job_title]',
      'primaryKey: [window_begin, job_title]',
      'primaryKey:',
      'table.primaryKey[0]: unknown column "window_begin" (columns: job_title, window_start, window_end, avg_wage, applications, updated_at)',
    ],
    [
      '  applications: agg.applications',
      '  applications: agg.count',
      'agg.count',
      'row.applications: unknown aggregate "count" (aggregates: avgWage, applications)',
    ],
    [
      '  job_title: key.jobTitle',
      '  job_title: jobTitle',
      'job_title: jobTitle',
      'row.job_title: must be key.<field>, window.start, window.end or agg.<aggregate>, got "jobTitle"',
    ],
    [
      '  window_end: window.end',
      '  window_end: window.end\n  updated_at: window.end',
      'updated_at: window.end',
      'row.updated_at: a writtenAt column is set by the sink, not by the row',
    ],
    [
      '  applications: agg.applications\n',
      '',
      'row:',
      'row: column applications is not set (every column but writtenAt ones is)',
    ],
    [
      'time:\n  processing: true',
      'time:\n  field: wageRangeFrom',
      'field: wageRangeFrom',
      'time.field: must name a field of type time that is not optional, wageRangeFrom is a number',
    ],
    [
      'time:\n  processing: true',
      'time:\n  processing: true\n  field: jobTitle',
      'time:',
      'time: must be either processing: true or field: <a time field>',
    ],
    [
      '{ type: number, min: 0 }',
      '{ type: number, minimum: 0 }',
      'minimum',
      'input.fields.wageRangeFrom.minimum: unknown key (expected type, optional, min, max, integer or decimals)',
    ],
    [
      '{ type: number, min: 0 }',
      '{ type: num }',
      'num }',
      'input.fields.wageRangeFrom.type: must be string, number, decimal, time or boolean, got "num"',
    ],
    [
      '{ type: number, min: 0 }',
      '{ type: decimal }',
      '{ type: decimal }',
      'input.fields.wageRangeFrom: scale is missing',
    ],
    [
      '  events: data',
      '  events: data\n  header: true',
      'header: true',
      'input.header: unknown key (expected format, events or fields)',
    ],
    [
      'name: wage-averages',
      "name: 'wage averages'",
      'name:',
      'name: must be letters, digits, ., _ and - (not first), at most 100, got "wage averages"',
    ],
    ['  topic: visa-applications', '  topic: visa applications', 'topic:', 'io.topic: not a valid Kafka topic name'],
    [
      'window:\n  tumbling: 60s',
      'window:\n  session: 30s',
      'output: update',
      'output: session windows need output: append, got update',
    ],
    [
      '{ type: number, min: 0 }',
      '{ type: number, min: 0, optional: true }',
      'mean: wageRangeFrom',
      'aggregate.avgWage.mean: mean needs a field that is not optional, wageRangeFrom is optional',
    ],
    [
      '    wageRangeFrom: { type: number, min: 0 }\ntime:',
      '    wageRangeFrom: { type: number, min: 0 }\n    id: boolean\ndedupe: id\ntime:',
      'dedupe: id',
      'dedupe: must be a string or number field that is not optional, id is a boolean',
    ],
    [
      '    jobTitle: { type: string, maxLength: 128 }',
      '    jobTitle: { type: string, maxLength: 128, optional: true }',
      'job_title: key.jobTitle',
      'row.job_title: jobTitle is optional: a key field that may be missing cannot fill a column',
    ],
  ])('%j → %j fails naming the line of %j: %s', (from, to, at, message) => {
    const text = edited(from, to);
    const line = at === '    avg_wage: double\n    avg_wage' ? lineOf(at, text) + 1 : lineOf(at, text);
    expect(failure(text)).toBe(`wage-averages.yaml:${line}: ${message}`);
  });

  it('says what is wrong with a file that is not YAML or JSON at all', () => {
    expect(failure('name: [wage\n')).toBe(
      'wage-averages.yaml:2: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
    expect(failure('{"name": "x",\n', 'job.json')).toBe('job.json:2: not valid JSON: Flow map must end with a }');
    expect(failure('')).toBe(
      'wage-averages.yaml:1: must be a mapping (name:, description:, input:, time:, key:, dedupe:, window:, watermark:, output:, aggregate:, table:, row: or io: …), got nothing',
    );
  });

  it('is shown in docs/jobs.md as it is (from its name on)', () => {
    const docs = readFileSync(join(EXAMPLES, '..', 'docs', 'jobs.md'), 'utf8');
    const section = docs.slice(docs.indexOf('## Job files'));
    const shown = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(shown).toBe(EXAMPLE.slice(EXAMPLE.indexOf('name: wage-averages')));
  });

  it('reads the same job from JSON', () => {
    const spec = {
      name: 'wage-averages',
      description: 'd',
      input: { format: 'json', events: 'data', fields: { jobTitle: 'string', wageRangeFrom: { type: 'number' } } },
      time: { processing: true },
      key: ['jobTitle'],
      window: { tumbling: '60s' },
      aggregate: { avgWage: { mean: 'wageRangeFrom' } },
      table: {
        name: 't',
        columns: { job_title: { type: 'text', maxLength: 8 }, avg: 'double' },
        primaryKey: ['job_title'],
      },
      row: { job_title: 'key.jobTitle', avg: 'agg.avgWage' },
    };
    const job = dataJob(JSON.stringify(spec, null, 2), 'job.json');
    expect(job.table.columns.map((c) => c.name)).toEqual(['job_title', 'avg']);
    const bad = JSON.stringify({ ...spec, row: { job_title: 'key.jobTitle', avg: 'agg.median' } }, null, 2);
    expect(failure(bad, 'job.json')).toBe(
      `job.json:${lineOf('"avg": "agg.median"', bad)}: row.avg: unknown aggregate "median" (aggregates: avgWage)`,
    );
  });
});
