import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JobFileLoader } from '../adapters/job-files/job-file-loader.adapter';
import { isJobFilePath } from '../adapters/job-files/job-file-kind';
import type { AnyJob } from '../domain/jobs/job';
import type { JobLoaderPort } from '../ports/job-loader.port';
import { invalid } from './config-values';
import type { RawFlags } from './raw-flags';

export { isJobFilePath } from '../adapters/job-files/job-file-kind';

/**
 * The running hexstream's library files, by the specifiers job files import them with: a job file
 * gets the same engine as the CLI that runs it (dist/index.js; src/index.ts under ts-jest).
 */
function libraryModules(): ReadonlyMap<string, string> {
  const root = resolve(__dirname, '..');
  const file = (name: string): string | undefined =>
    ['.js', '.ts'].map((ext) => join(root, name + ext)).find((f) => existsSync(f));
  const modules = new Map<string, string>();
  for (const [specifier, name] of [
    ['hexstream', 'index'],
    ['hexstream/testing', 'testing'],
  ] as const) {
    const found = file(name);
    if (found !== undefined) modules.set(specifier, found);
  }
  return modules;
}

export function jobFileLoader(): JobLoaderPort {
  return new JobFileLoader(libraryModules());
}

/** The job a job file defines (`produce --job ./my-job.ts`). */
export async function loadJobFile(path: string, loader: JobLoaderPort = jobFileLoader()): Promise<AnyJob> {
  return (await loader.load(path)).job;
}

/**
 * The jobs of `--job` that are files, loaded (`jobFile`); built-in names are left as they are. Two
 * jobs of one run may not share a name: their output files, group and table are named after it.
 */
export async function loadJobFiles(
  perJob: readonly RawFlags[],
  loader: JobLoaderPort = jobFileLoader(),
): Promise<RawFlags[]> {
  const loaded: RawFlags[] = [];
  for (const flags of perJob) {
    const value = flags.job;
    loaded.push(value !== undefined && isJobFilePath(value) ? { ...flags, jobFile: await loader.load(value) } : flags);
  }
  const byName = new Map<string, string>();
  for (const flags of loaded) {
    const given = flags.job ?? 'orders';
    const name = flags.jobFile?.job.name ?? given;
    const other = byName.get(name);
    if (other !== undefined)
      throw invalid(
        '--job',
        `${other} and ${given} are both the job ${JSON.stringify(name)}: jobs run together need their own names (their outputs are named after them)`,
      );
    byName.set(name, given);
  }
  return loaded;
}
