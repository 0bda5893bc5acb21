import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/run-cli';
import type { CliOutput } from '../../src/cli/console-output';

/** What a command line printed and returned, run in this process with the given environment. */
async function cli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out: CliOutput = {
    line: (text) => (stdout += `${text}\n`),
    error: (text) => (stderr += `hexstream: ${text}\n`),
  };
  const code = await runCli(args, out, env);
  return { code, stdout, stderr };
}

const VERSION = (
  JSON.parse(readFileSync(resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;
const DURATION = 'write a number and a unit: 500ms, 10s, 1.5s, 2m, 1h, 1d (or 0)';

describe('HEXSTREAM_* variables', () => {
  let dir: string;
  let args: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-env-'));
    writeFileSync(
      join(dir, 'in.jsonl'),
      '{"orderid":1,"itemid":100001,"shopid":100001,"region":"TW","count":2,"price":1.5,"timestamp":1735689690}\n',
    );
    args = [
      'test',
      'you@example.com',
      '--input',
      join(dir, 'in.jsonl'),
      '--output',
      join(dir, 'o.jsonl'),
      '--dead-letter',
      join(dir, 'd.jsonl'),
      '--outbox',
      join(dir, 'ob'),
    ];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['HEXSTREAM_CONFORMANCE', 'x'],
    ['HEXSTREAM_KAFKA_HOME', '/opt/kafka'],
    ['HEXSTREAM_KAFKA_START_TIMEOUT', '60'],
    ['HEXSTREAM_NO_SUCH_THING', 'y'],
    // A flag of prod, not of test.
    ['HEXSTREAM_TOPIC', 'orders'],
  ])('ignores %s, which is no flag of the command', async (name, value) => {
    const r = await cli(args, { [name]: value });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(
      readFileSync(join(dir, 'o.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    ).toHaveLength(1);
  });

  it('reads a variable of the command', async () => {
    const r = await cli(args, { HEXSTREAM_WINDOW: '5m' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hexstream test · job orders · window 5m slide 5m ·');
  });

  it.each([
    [{ HEXSTREAM_WINDOW: 'abc' }, `HEXSTREAM_WINDOW: invalid duration "abc": ${DURATION}`],
    [
      { HEXSTREAM_OUTPUT_MODE: 'sideways' },
      'HEXSTREAM_OUTPUT_MODE: must be update, append or complete, got "sideways"',
    ],
    [{ HEXSTREAM_VERBOSE: 'maybe' }, 'HEXSTREAM_VERBOSE: expected true or false, got "maybe"'],
  ])('names the variable that holds a bad value: %j', async (env, line) => {
    expect(await cli(args, env)).toEqual({ code: 2, stdout: '', stderr: `hexstream: ${line}\n` });
  });

  it('names the flag when the flag gives the value, whatever the variable holds', async () => {
    expect(await cli([...args, '--window', 'abc'], { HEXSTREAM_WINDOW: '5m' })).toEqual({
      code: 2,
      stdout: '',
      stderr: `hexstream: --window: invalid duration "abc": ${DURATION}\n`,
    });
  });

  it('takes a required flag from its variable', async () => {
    const r = await cli(['batch', 'you@example.com', '--job', 'nope'], { HEXSTREAM_INPUT: join(dir, 'in.jsonl') });
    expect(r.stderr).toBe(
      'hexstream: --job: unknown job "nope" (known: orders, stock-averages, ohlc, top-averages, top-price, price-stats)\n',
    );
  });
});

describe("command line errors say what is wrong in the user's terms (exit 2, one line)", () => {
  it.each([
    [[], 'name a command: test, prod, batch, produce, ingest, replay or new-job (hexstream --help lists them)'],
    [
      ['--window', '1m'],
      'name a command: test, prod, batch, produce, ingest, replay or new-job (hexstream --help lists them)',
    ],
    [
      ['--bogus'],
      'name a command: test, prod, batch, produce, ingest, replay or new-job (hexstream --help lists them)',
    ],
    [
      ['tset', 'you@example.com'],
      'unknown command "tset" (did you mean test?); the commands are test, prod, batch, produce, ingest, replay, new-job',
    ],
    [
      ['prdo'],
      'unknown command "prdo" (did you mean prod?); the commands are test, prod, batch, produce, ingest, replay, new-job',
    ],
    [['xyzzy'], 'unknown command "xyzzy"; the commands are test, prod, batch, produce, ingest, replay, new-job'],
    [
      ['test'],
      "test: <email> is missing: the operator's address, which gets the run report (e.g. hexstream test you@example.com)",
    ],
    [
      ['prod', '--topic', 'orders'],
      "prod: <email> is missing: the operator's address, which gets the run report (e.g. hexstream prod you@example.com)",
    ],
    [['test', 'you@example.com', '--window', '-5s'], `--window: invalid duration "-5s": ${DURATION}`],
    [['test', 'you@example.com', '--topic', 'x'], '--topic is a flag of prod, produce, ingest and replay, not of test'],
    [
      ['test', 'you@example.com', '--brokers=h:1'],
      '--brokers is a flag of prod, produce, ingest and replay, not of test',
    ],
    [['batch', 'you@example.com', '--input', 'x', '--output', 'y'], '--output is a flag of test, not of batch'],
    [['test', 'you@example.com', '--windw', '1m'], 'unknown flag --windw for test (did you mean --window?)'],
    [
      ['test', 'you@example.com', 'other@example.com'],
      'unexpected argument "other@example.com" (test takes one <email> besides flags)',
    ],
    [['batch', 'you@example.com'], 'batch: --input is required (hexstream batch --help)'],
    [['produce'], 'produce: --to is required (hexstream produce --help)'],
    [
      ['new-job'],
      "new-job: <name> is missing: the job's name, lower-case words joined by hyphens (e.g. hexstream new-job page-views)",
    ],
    [['new-job', 'a', 'b'], 'unexpected argument "b" (new-job takes one <name> besides flags)'],
    [['new-job', 'a', '--job', 'orders'], '--job is a flag of test, prod, batch, produce and replay, not of new-job'],
  ])('%j', async (args, line) => {
    expect(await cli(args)).toEqual({ code: 2, stdout: '', stderr: `hexstream: ${line}\n` });
  });
});

describe('help and version (exit 0, on stdout)', () => {
  it('prints the version', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `hexstream ${VERSION}\n`, stderr: '' });
  });

  it.each([
    ['test', '-h'],
    ['test', '--help'],
    ['batch', '--help'],
    ['prod', '--help'],
  ])('%j: examples, variables, the duration syntax and the exit codes', async (...args) => {
    const r = await cli(args);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const command = args[0] as string;
    expect(r.stdout).toMatch(new RegExp(`^hexstream ${command} <email> \\[flags\\]\\n`));
    const examples = r.stdout.split('\n').filter((l) => l.startsWith(`  hexstream ${command} `));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(examples.length).toBeLessThanOrEqual(3);
    expect(r.stdout).toContain('HEXSTREAM_WINDOW HEXSTREAM_SLIDE');
    expect(r.stdout).toContain('Durations: a number and a unit: 500ms, 10s, 1.5s, 2m, 1h, 1d (or 0).');
    expect(r.stdout).toContain(
      [
        'Exit codes:',
        '  0  done',
        '  1  failed at run time (one line on stderr says what and why)',
        '  2  bad command line, variable or configuration (nothing was run)',
        '  3  records were read but none was accepted (one line: how many were rejected and why)',
      ].join('\n'),
    );
  });

  it('prod --help names every sink and the real defaults', async () => {
    const flat = (await cli(['prod', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(flat).toContain('--mysql sink MySQL/MariaDB (the default)');
    expect(flat).toContain('--postgres sink PostgreSQL instead');
    expect(flat).toContain('--to-kafka sink Kafka instead');
    expect(flat).toContain('(default hexstream-<job>; with another --topic: hexstream-<job>-<topic>)');
    expect(flat).toContain('--log-level debug | info | warn | error | silent (default info)');
    expect(flat).toContain('HEXSTREAM_BROKERS HEXSTREAM_TOPIC HEXSTREAM_GROUP HEXSTREAM_MYSQL HEXSTREAM_POSTGRES');
  });

  it('test --help gives warn as the default log level', async () => {
    expect((await cli(['test', '--help'])).stdout.replace(/\s+/g, ' ')).toContain(
      '--log-level debug | info | warn | error | silent (default warn)',
    );
  });

  it('--help lists every command', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['test <email>', 'prod <email>', 'batch <email>', 'produce', 'new-job <name>'])
      expect(r.stdout).toContain(`hexstream ${command} `);
  });
});
