import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CliOutput } from './console-output';
import { newJobFiles } from './new-job-templates';

export interface NewJobFlags {
  readonly name?: string;
  readonly dir?: string;
  readonly yaml?: boolean;
}

/**
 * A job's name: lower-case words of letters and digits joined by single hyphens, a letter first.
 * It names the files and, with `_` for `-`, the table, so it stays a plain SQL identifier; 48
 * characters leave room for the engine's own suffixes within MySQL's and PostgreSQL's 63–64.
 */
const JOB_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const MAX_NAME = 48;

/** Why `name` cannot name a job, or undefined when it can. */
export function badJobName(name: string): string | undefined {
  if (name.length > MAX_NAME) return `is ${name.length} characters long; at most ${MAX_NAME}`;
  if (!JOB_NAME.test(name))
    return 'must be lower-case words of letters and digits joined by hyphens, starting with a letter (e.g. page-views)';
  return undefined;
}

/**
 * `hexstream new-job NAME [--dir DIR] [--yaml]`: writes a job, its test and a sample input that
 * pass and run as written. Nothing is overwritten: when one of the files is there, none is
 * written. Exit 0 written, 2 bad name or a file already there (one line), 1 a write failed.
 */
export function newJobCommand(flags: NewJobFlags, out: CliOutput): number {
  const name = flags.name ?? '';
  const bad = badJobName(name);
  if (bad !== undefined) {
    out.error(`new-job: the name ${JSON.stringify(name)} ${bad}`);
    return 2;
  }
  const dir = flags.dir ?? '.';
  const files = newJobFiles(name, flags.yaml === true ? 'yaml' : 'typescript');
  const there = files.map((f) => join(dir, f.name)).filter((path) => existsSync(path));
  if (there.length > 0) {
    out.error(`new-job: ${there.join(', ')} ${there.length === 1 ? 'is' : 'are'} already there; nothing was written`);
    return 2;
  }
  mkdirSync(dir, { recursive: true });
  // `wx`: a file that appeared since the check above is still not overwritten.
  for (const f of files) writeFileSync(join(dir, f.name), f.text, { flag: 'wx' });
  for (const f of files) out.line(`wrote ${join(dir, f.name)}`);
  const at = relative('.', dir) === '' ? '.' : relative('.', dir);
  const job = join(at, files[0]?.name ?? '');
  out.line('');
  out.line(`next: npx jest ${at === '.' ? name : join(at, name)}     (the test, with jest and ts-jest installed)`);
  out.line(`      npx hexstream test you@example.com --job ./${job}     (the job on its sample)`);
  return 0;
}
