import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/run-cli';

/** A job made with defineJob whose spec is changed by `edit` (a TypeScript job file's text). */
function jobTs(edit: (spec: string) => string = (s) => s): string {
  const spec = `{
  name: 'ticks',
  description: 'ticks per key and second',
  input: json({ fields: { k: field.string(), at: field.time('epoch-ms') } }),
  time: eventTime('at'),
  key: ['k'],
  window: tumbling('1s'),
  aggregate: (a) => ({ n: a.count() }),
  table: { name: 'ticks', columns: { k: text(8), second: instant(), n: integer() }, primaryKey: ['k', 'second'] },
  row: ({ window, key, agg }) => ({ k: key.k, second: window.startMs, n: agg.n }),
}`;
  return `import { defineJob, json, field, eventTime, tumbling, text, instant, integer } from 'hexstream';\n\nexport const job = defineJob(${edit(spec)});\n`;
}

const YAML = `name: ticks
description: ticks per key and second
input:
  format: json
  fields:
    k: string
    at: { type: time, format: epoch-ms }
time: { field: at }
key: [k]
window: { tumbling: 1s }
aggregate:
  n: count
table:
  name: ticks
  columns:
    k: { type: text, maxLength: 8 }
    second: instant
    n: integer
  primaryKey: [k, second]
row:
  k: key.k
  second: window.start
  n: agg.n
`;

describe('a job file that cannot run: exit 2 and one line naming the file and what is wrong', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-bad-jobs-'));
    const files: Record<string, string> = {
      'syntax.ts': 'const a: number = 1;\nconst b = ;\n',
      'syntax.mjs': 'export const a = 1;\n\nexport const b = ;\n',
      'throws.ts': 'const config = undefined as unknown as { topic: string };\nexport const topic = config.topic;\n',
      'nojob.ts': 'export const x = 1;\nexport function helper(): number {\n  return x;\n}\n',
      'two-jobs.ts': `${jobTs()}export const other = defineJob(${
        jobTs((s) => s.replace("'ticks'", "'other'"))
          .split('defineJob(')[1]
          ?.replace(/\);\n$/, '') ?? ''
      });\n`,
      'bad-key.ts': jobTs((s) => s.replace("primaryKey: ['k', 'second']", "primaryKey: ['k', 'minute']")),
      'bad-field.yaml': YAML.replace('  n: count', '  n: { sum: amount }'),
      'bad-type.yaml': YAML.replace('    n: integer', '    n: { type: integer, bits: 16 }'),
      'not-json.json': '{ "name": "ticks",\n  "input": { "format": "json", }\n}\n',
      'job.txt': 'name: ticks\n',
      'ticks.ts': jobTs(),
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['./missing.ts', 'hexstream: ./missing.ts: no such file'],
    ['./syntax.ts', 'hexstream: ./syntax.ts:2: Expression expected.'],
    ['./syntax.mjs', "hexstream: ./syntax.mjs:3: Unexpected token ';'"],
    ['./throws.ts', "hexstream: ./throws.ts:2: loading failed: Cannot read properties of undefined (reading 'topic')"],
    [
      './nojob.ts',
      'hexstream: ./nojob.ts: exports no job: export the result of defineJob(…) as default or as "job" (it exports x, helper)',
    ],
    [
      './bad-key.ts',
      'hexstream: ./bad-key.ts:3: loading failed: job "ticks": table.primaryKey: "minute" is not a column of the table',
    ],
    ['./bad-field.yaml', 'hexstream: ./bad-field.yaml:12: aggregate.n.sum: unknown field "amount" (fields: k, at)'],
    ['./bad-type.yaml', 'hexstream: ./bad-type.yaml:18: table.columns.n.bits: must be 32 or 64, got 16'],
    ['./not-json.json', 'hexstream: ./not-json.json:2: not valid JSON: Expected double-quoted property name'],
    [
      './job.txt',
      'hexstream: ./job.txt: not a job file: its name must end in .ts, .cjs, .mjs, .js, .yaml, .yml, .json',
    ],
    ['orders,./missing.yaml', 'hexstream: ./missing.yaml: no such file'],
    ['./ticks.ts,./ticks.ts', 'hexstream: --job: job ./ticks.ts is listed twice'],
  ])('test --job %s', (job, line) => {
    const r = runCli(['test', 'you@example.com', '--job', job], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 2, stderr: `${line}\n`, stdout: '' });
  });

  it('with --verbose, then the stack of what the module threw, at its TypeScript lines as written', () => {
    const r = runCli(['test', 'you@example.com', '--job', './throws.ts', '--verbose'], { cwd: dir });
    expect(r.code).toBe(2);
    const [first, second, frame] = r.stderr.split('\n');
    expect([first, second]).toEqual([
      "hexstream: ./throws.ts:2: loading failed: Cannot read properties of undefined (reading 'topic')",
      "hexstream: TypeError: Cannot read properties of undefined (reading 'topic')",
    ]);
    // `export const topic = config.topic;`: the property read is at column 29 of line 2.
    expect(frame).toBe(`    at Object.<anonymous> (${join(dir, 'throws.ts')}:2:29)`);
  });

  it('a job file is checked before anything runs in prod and batch too', () => {
    for (const args of [
      ['prod', 'you@example.com', '--job', './bad-field.yaml'],
      ['batch', 'you@example.com', '--job', './bad-field.yaml', '--input', 'nothing.jsonl'],
    ]) {
      const r = runCli(args, { cwd: dir });
      expect({ code: r.code, stderr: r.stderr }).toEqual({
        code: 2,
        stderr: 'hexstream: ./bad-field.yaml:12: aggregate.n.sum: unknown field "amount" (fields: k, at)\n',
      });
    }
  });

  it('produce needs a job file with a generator', () => {
    const r = runCli(['produce', '--job', './ticks.ts', '--to', 'out.jsonl'], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({
      code: 2,
      stderr: 'hexstream: --job: ./ticks.ts: job ticks has no generator (io.generator): produce has nothing to write\n',
    });
  });
});
