import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { anyString, stringContaining } from '../support/matchers';
import { topicWith, uniqueName } from '../support/kafka-topics';
import { createTestDatabase, type TestDatabase } from '../support/mariadb';
import { packedProject, REPO, type UserProject } from '../support/packed-package';
import { deadLetterKeys, exitStatusOf, until } from '../support/prod-orders';
import { cliEnv, MAIN, type CliResult } from '../support/run-cli';
import { referenceSpend, sortSpend, spendInput, USER_JOB_FILE, type SpendRow } from '../support/user-spend-job';

jest.setTimeout(300_000);

/**
 * A job written only against the documented API, in a folder outside the repository where the
 * packed package is installed as a user would install it, run by the installed CLI: the same
 * results and guarantees as a built-in job, in `test`, `batch` and `prod` (crash included).
 */
let project: UserProject;
const input = spendInput(6_000, 7);
const reference = referenceSpend(input);

beforeAll(() => {
  project = packedProject('hexstream-e2e-user-');
  writeFileSync(join(project.folder, 'my-job.ts'), USER_JOB_FILE);
  const dir = join(project.folder, 'input');
  mkdirSync(dir);
  for (const [p, lines] of input) writeFileSync(join(dir, `part-${p}.jsonl`), lines.map((l) => `${l}\n`).join(''));
});

afterAll(() => {
  if (project !== undefined) rmSync(join(project.folder, '..'), { recursive: true, force: true });
});

/** The installed CLI, run in the user's folder: `node node_modules/hexstream/dist/main.js …`. */
function hexstream(args: readonly string[]): CliResult {
  const r = spawnSync(process.execPath, [project.cli, ...args], {
    cwd: project.folder,
    env: cliEnv(args),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The table in MariaDB, as `test` writes rows (ISO times, exact money). */
async function spendTable(db: TestDatabase): Promise<SpendRow[]> {
  const rows = await db.query(
    "SELECT customer, DATE_FORMAT(window_start, '%Y-%m-%dT%H:%i:%s.%fZ') AS ws, DATE_FORMAT(window_end, '%Y-%m-%dT%H:%i:%s.%fZ') AS we, purchases, CAST(spend AS CHAR) AS spend FROM customer_spend",
  );
  return sortSpend(
    rows.map((r) => ({
      customer: String(r['customer']),
      window_start: String(r['ws']).replace(/\.(\d{3})\d{3}Z$/, '.$1Z'),
      window_end: String(r['we']).replace(/\.(\d{3})\d{3}Z$/, '.$1Z'),
      purchases: Number(r['purchases']),
      spend: String(r['spend']),
    })),
  );
}

function outputs(name: string): string[] {
  return ['--outbox', join(project.folder, 'out', `${name}-outbox`), '--log-level', 'error'];
}

describe('a user job outside the repository, run by the installed package', () => {
  it('test: the table of the input, exactly', () => {
    const output = join(project.folder, 'out', 'spend.jsonl');
    const r = hexstream([
      'test',
      'you@example.com',
      '--job',
      './my-job.ts',
      '--input',
      'input',
      '--output',
      output,
      '--dead-letter',
      join(project.folder, 'out', 'spend.dead-letter.jsonl'),
      ...outputs('test'),
    ]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const rows = readFileSync(output, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as SpendRow);
    expect(sortSpend(rows)).toEqual(reference.rows);
    expect(r.stdout).toMatch(new RegExp(`^invalid\\s+${reference.invalid}$`, 'm'));
  });

  it('batch: the same table in MariaDB; a second run over the same files changes nothing', async () => {
    const db = await createTestDatabase();
    try {
      const args = ['batch', 'you@example.com', '--job', './my-job.ts', '--input', 'input', '--mysql', db.url];
      const dead = ['--dead-letter', join(project.folder, 'out', 'batch.dead-letter.jsonl'), ...outputs('batch')];
      const first = hexstream([...args, ...dead]);
      expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
      expect(await spendTable(db)).toEqual(reference.rows);
      const again = hexstream([...args, ...dead]);
      expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
      expect(await spendTable(db)).toEqual(reference.rows);
    } finally {
      await db.drop();
    }
  });

  it('prod: killed with SIGKILL mid-run, restarted, ends with exactly the reference table and every dead letter', async () => {
    const topic = await topicWith(input);
    const db = await createTestDatabase();
    const group = uniqueName('user-job');
    const args = [
      'prod',
      'ops@example.com',
      '--job',
      './my-job.ts',
      '--topic',
      topic.topic,
      '--group',
      group,
      '--mysql',
      db.url,
      '--dead-letter-topic',
      `${topic.topic}.dead-letter`,
      '--trigger-records',
      '300',
      '--trigger-interval',
      '1h',
      ...outputs('prod'),
    ];
    const committed = async (): Promise<number> => {
      const rows = await db
        .query('SELECT COALESCE(SUM(next_position), 0) AS n FROM hexstream_checkpoint WHERE consumer_group = ?', [
          group,
        ])
        .catch(() => [{ n: 0 }]);
      return Number(rows[0]?.n);
    };
    const total = [...input.values()].reduce((n, lines) => n + lines.length, 0);
    try {
      const child = spawn(process.execPath, [project.cli, ...args], {
        cwd: project.folder,
        env: cliEnv(args),
        stdio: 'ignore',
      });
      await until(async () => (await committed()) >= 900, 'prod has committed three triggers');
      child.kill('SIGKILL');
      expect(await exitStatusOf(child, 'prod is killed')).toEqual({ code: null, signal: 'SIGKILL' });
      const atKill = await committed();
      expect(atKill).toBeLessThan(total);

      const restart = hexstream([...args, '--bounded', '--at-end', 'flush']);
      expect({ code: restart.code, stderr: restart.stderr }).toEqual({ code: 0, stderr: '' });
      // The restart reads only what the killed run had not committed.
      expect(restart.stdout).toMatch(
        new RegExp(`^records read\\s+${(total - atKill).toLocaleString('en-US')}\\b`, 'm'),
      );
      expect(await spendTable(db)).toEqual(reference.rows);
      expect(await deadLetterKeys(`${topic.topic}.dead-letter`)).toEqual(reference.deadLetters);
    } finally {
      await db.drop();
      await topic.remove();
    }
  });

  it('test: the session example gives the sessions its harness test expects', () => {
    cpSync(join(REPO, 'examples', 'session-spend'), join(project.folder, 'session-spend'), { recursive: true });
    const output = join(project.folder, 'out', 'sessions.jsonl');
    const r = hexstream([
      'test',
      'you@example.com',
      '--job',
      './session-spend/session-spend.job.ts',
      '--output',
      output,
      '--dead-letter',
      join(project.folder, 'out', 'sessions.dead-letter.jsonl'),
      ...outputs('sessions'),
    ]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const at = (minutes: number): string =>
      new Date(Date.parse('2025-01-01T10:00:00Z') + minutes * 60_000).toISOString();
    const session = (
      user: string,
      from: number,
      to: number,
      counts: readonly [number, number, number, string],
    ): string =>
      JSON.stringify({
        user_id: user,
        session_start: at(from),
        session_end: at(to),
        events: counts[0],
        purchases: counts[1],
        pages: counts[2],
        spend: counts[3],
      });
    expect(
      readFileSync(output, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .sort(),
    ).toEqual(
      [
        session('u-1', 0, 51, [6, 2, 3, '20.00']),
        session('u-1', 70, 102, [2, 1, 2, '7.25']),
        session('u-2', 1, 36, [2, 1, 1, '5.00']),
        session('u-2', 40, 70, [1, 0, 1, '0.00']),
        session('u-2', 75, 105, [1, 0, 1, '0.00']),
        session('u-3', 8, 55, [2, 1, 1, '120.50']),
        session('u-3', 80, 110, [1, 0, 1, '0.00']),
        session('u-9', 200, 230, [1, 0, 1, '0.00']),
      ].sort(),
    );
  });

  it('test: a built-in job on its sample shipped in the package gives the same table as from the repository', () => {
    const tableOf = (cli: string, name: string): string[] => {
      const output = join(project.folder, 'out', `${name}.jsonl`);
      const args = ['test', 'you@example.com', '--job', 'ohlc', '--output', output];
      const r = spawnSync(
        process.execPath,
        [cli, ...args, '--dead-letter', `${output}.dead-letter`, ...outputs(name)],
        { cwd: project.folder, env: cliEnv(args), encoding: 'utf8' },
      );
      expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      // `updated_at` is when the row was written: the one column two runs differ in.
      return readFileSync(output, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.stringify({ ...(JSON.parse(l) as Record<string, unknown>), updated_at: undefined }))
        .sort();
    };
    const installed = tableOf(project.cli, 'ohlc-installed');
    expect(installed.length).toBeGreaterThan(10);
    expect(installed).toEqual(tableOf(MAIN, 'ohlc-repository'));
  });

  it('a job file whose spec defineJob refuses stops the run with one line naming the file (exit 2)', () => {
    writeFileSync(join(project.folder, 'broken-job.ts'), USER_JOB_FILE.replace("key: ['customer']", "key: ['client']"));
    const r = hexstream(['test', 'you@example.com', '--job', './broken-job.ts', ...outputs('broken')]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: anyString() });
    expect(r.stderr.trimEnd().split('\n')).toEqual([stringContaining('broken-job.ts')]);
  });
});
