import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The installed hexstream command line. */
const CLI = join(dirname(require.resolve('hexstream/package.json')), 'dist', 'main.js');
const JOB = join(__dirname, 'wage-averages.yaml');

interface Row {
  job_title: string;
  window_start: string;
  window_end: string;
  avg_wage: number;
  applications: number;
}

/** `hexstream test` of a job file on the sample; the table's rows and the dead letters' reasons. */
function runOnSample(job: string): { rows: Row[]; deadLetters: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'wage-averages-'));
  const output = join(dir, 'rows.jsonl');
  const deadLetter = join(dir, 'dead-letters.jsonl');
  execFileSync(process.execPath, [
    CLI,
    'test',
    'you@example.com',
    '--job',
    job,
    '--output',
    output,
    '--dead-letter',
    deadLetter,
    '--outbox',
    join(dir, 'outbox'),
  ]);
  const lines = (file: string): Array<Record<string, unknown>> =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const result = {
    rows: lines(output) as unknown as Row[],
    deadLetters: lines(deadLetter).map((d) => String(d['reason'])),
  };
  rmSync(dir, { recursive: true, force: true });
  return result;
}

describe('wage-averages.yaml', () => {
  it('averages the lower wage bound per job title over its sample (one event per element of data)', () => {
    const { rows, deadLetters } = runOnSample(JOB);
    // Processing-time windows: the run may straddle a minute, so the rows of a title are combined.
    const byTitle = new Map<string, { applications: number; wages: number }>();
    for (const r of rows) {
      expect(Date.parse(r.window_end) - Date.parse(r.window_start)).toBe(60_000);
      expect(Date.parse(r.window_start) % 60_000).toBe(0);
      const t = byTitle.get(r.job_title) ?? { applications: 0, wages: 0 };
      byTitle.set(r.job_title, {
        applications: t.applications + r.applications,
        wages: t.wages + r.avg_wage * r.applications,
      });
    }
    expect(
      Object.fromEntries([...byTitle].map(([title, t]) => [title, [t.applications, t.wages / t.applications]])),
    ).toEqual({
      'Software Engineer': [4, 140_000],
      'Data Scientist': [3, 135_000],
      'Program Manager': [2, 112_500],
      'Hardware Engineer': [1, 140_000],
    });
    // IBM's only application has no wage ("n/a").
    expect(deadLetters).toEqual(['invalid']);
  });

  it('refuses a job file with a mistake in one line, naming the file, the line and the field (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wage-averages-'));
    const broken = join(dir, 'wage-averages.yaml');
    const text = readFileSync(JOB, 'utf8').replace('avgWage: { mean: wageRangeFrom }', 'avgWage: { mean: wageRange }');
    writeFileSync(broken, text);
    const line = text.split('\n').findIndex((l) => l.includes('wageRange }')) + 1;
    const r = spawnSync(process.execPath, [CLI, 'test', 'you@example.com', '--job', broken], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`wage-averages.yaml:${line}:`);
    expect(r.stderr).toContain('wageRange');
    rmSync(dir, { recursive: true, force: true });
  });
});
