import 'reflect-metadata';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliOutput } from '../../src/cli/console-output';
import { badJobName } from '../../src/cli/new-job.command';
import { runCli } from '../../src/cli/run-cli';

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

describe('hexstream new-job', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-new-job-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the job, its test and its sample into --dir, created if absent', async () => {
    const into = join(dir, 'jobs', 'web');
    const r = await cli(['new-job', 'page-views', '--dir', into]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(readdirSync(into).sort()).toEqual([
      'page-views.job.test.ts',
      'page-views.job.ts',
      'page-views.sample.jsonl',
    ]);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      `wrote ${join(into, 'page-views.job.ts')}`,
      `wrote ${join(into, 'page-views.job.test.ts')}`,
      `wrote ${join(into, 'page-views.sample.jsonl')}`,
    ]);
    const job = readFileSync(join(into, 'page-views.job.ts'), 'utf8');
    expect(job).toContain("from 'hexstream';");
    expect(job).toContain("name: 'page-views',");
    expect(job).toContain("name: 'page_views',");
    expect(job).toContain("io: { sample: 'page-views.sample.jsonl' },");
    const test = readFileSync(join(into, 'page-views.job.test.ts'), 'utf8');
    expect(test).toContain("import { testJob } from 'hexstream/testing';");
    expect(test).toContain("import { job } from './page-views.job';");
  });

  it('--yaml writes a YAML job file, a test that runs it and the sample', async () => {
    const r = await cli(['new-job', 'wages2', '--yaml', '--dir', dir]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(readdirSync(dir).sort()).toEqual(['wages2.sample.jsonl', 'wages2.yaml', 'wages2.yaml.test.ts']);
    const yaml = readFileSync(join(dir, 'wages2.yaml'), 'utf8');
    expect(yaml).toMatch(/^name: wages2$/m);
    expect(yaml).toMatch(/^ {2}name: wages2$/m);
    expect(readFileSync(join(dir, 'wages2.yaml.test.ts'), 'utf8')).toContain("join(__dirname, 'wages2.yaml')");
  });

  it('takes the folder from HEXSTREAM_DIR', async () => {
    const r = await cli(['new-job', 'clicks'], { HEXSTREAM_DIR: dir });
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'clicks.job.ts'))).toBe(true);
  });

  it('overwrites nothing: with one of the files there it writes none and exits 2 with one line', async () => {
    writeFileSync(join(dir, 'clicks.job.test.ts'), 'mine');
    const r = await cli(['new-job', 'clicks', '--dir', dir]);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `hexstream: new-job: ${join(dir, 'clicks.job.test.ts')} is already there; nothing was written\n`,
    });
    expect(readdirSync(dir)).toEqual(['clicks.job.test.ts']);
    expect(readFileSync(join(dir, 'clicks.job.test.ts'), 'utf8')).toBe('mine');
  });

  it('exits 1 with one line when the folder cannot be made (a file is in the way)', async () => {
    writeFileSync(join(dir, 'jobs'), '');
    const r = await cli(['new-job', 'clicks', '--dir', join(dir, 'jobs')]);
    expect({ code: r.code, stdout: r.stdout, lines: r.stderr.trimEnd().split('\n').length }).toEqual({
      code: 1,
      stdout: '',
      lines: 1,
    });
    expect(r.stderr).toContain(join(dir, 'jobs'));
  });

  it.each([['Page-Views'], ['page_views'], ['page--views'], ['page-'], ['9lives'], ['page views'], ['../page'], ['']])(
    'refuses the name %j with one line, exit 2, writing nothing',
    async (name) => {
      const r = await cli(['new-job', name, '--dir', dir]);
      expect(r).toEqual({
        code: 2,
        stdout: '',
        stderr: `hexstream: new-job: the name ${JSON.stringify(name)} must be lower-case words of letters and digits joined by hyphens, starting with a letter (e.g. page-views)\n`,
      });
      expect(readdirSync(dir)).toEqual([]);
    },
  );

  it('refuses a name longer than 48 characters', () => {
    expect(badJobName(`a${'b'.repeat(47)}`)).toBeUndefined();
    expect(badJobName(`a${'b'.repeat(48)}`)).toBe('is 49 characters long; at most 48');
  });

  it('--help shows its usage, examples and exit codes', async () => {
    const r = await cli(['new-job', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hexstream new-job <name> \[flags\]\n/);
    expect(r.stdout).toContain('hexstream new-job page-views --yaml --dir jobs');
    expect(r.stdout).toContain('HEXSTREAM_DIR HEXSTREAM_YAML');
    expect(r.stdout).toContain('  2  bad command line or variable, a bad name, or a file already there');
  });
});
