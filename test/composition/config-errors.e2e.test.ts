import { runCli } from '../support/run-cli';

/**
 * How the built CLI reports a configuration error: exit code 2 and one line naming the flag or the
 * HEXSTREAM_* variable. (The rules themselves: the unit tests beside this file.)
 */
describe('names from configuration, on the command line', () => {
  it('exits with 2 and one line naming the flag, from a flag or from the environment, without the password', () => {
    const flag = runCli(['prod', 'ops@example.com', '--mysql', 'mysql://root:Pw7marker@127.0.0.1:3306/a`b']);
    expect(flag).toEqual({
      code: 2,
      stdout: '',
      stderr: 'hexstream: --mysql: database name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$, got "a%60b"\n',
    });
    const env = runCli(['batch', 'ops@example.com', '--input', 'in.jsonl'], {
      env: { HEXSTREAM_MYSQL: 'mysql://root:Pw7marker@127.0.0.1:3306/db.x' },
    });
    expect(env).toEqual({
      code: 2,
      stdout: '',
      stderr: 'hexstream: HEXSTREAM_MYSQL: database name must match ^[A-Za-z_][A-Za-z0-9_]{0,63}$, got "db.x"\n',
    });
  });
});

describe('--failpoints, on the command line', () => {
  it('exits 2 with one line for a bad HEXSTREAM_FAILPOINTS, and stays out of --help', () => {
    const bad = runCli(['prod', 'ops@example.com'], { env: { HEXSTREAM_FAILPOINTS: 'mysql.commit=kill' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^hexstream: HEXSTREAM_FAILPOINTS: unknown failpoint "mysql.commit" \(known: [a-z., -]+\)\n$/,
    );
    const help = runCli(['prod', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).not.toMatch(/failpoint/i);
  });
});

describe('prod --to-kafka configuration, on the command line', () => {
  it('exits 2 with one line naming the flag or the HEXSTREAM_* variable that gave the value', () => {
    const flag = runCli(['prod', 'ops@example.com', '--job', 'stock-averages', '--to-kafka', '--instance-id', 'a:b']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe('hexstream: --instance-id: must match ^[A-Za-z0-9._-]{1,100}$, got "a:b"\n');
    const env = runCli(['prod', 'ops@example.com', '--job', 'stock-averages', '--to-kafka'], {
      env: { HEXSTREAM_OUTPUT_TOPIC: 'bad topic' },
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toBe('hexstream: HEXSTREAM_OUTPUT_TOPIC: not a valid Kafka topic name: "bad topic"\n');
  });
});

describe('--progress-interval, on the command line', () => {
  it('reads HEXSTREAM_PROGRESS_INTERVAL like every flag', () => {
    const run = runCli(['test', 'ops@example.com'], { env: { HEXSTREAM_PROGRESS_INTERVAL: 'soon' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'hexstream: HEXSTREAM_PROGRESS_INTERVAL: invalid duration "soon": write a number and a unit: 500ms, 10s, 1.5s, 2m, 1h, 1d (or 0)\n',
    );
  });
});
