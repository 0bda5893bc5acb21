import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { AnyJob } from '../domain/jobs/job';

/**
 * The built-in jobs: every module `src/domain/jobs/<name>.job.ts` (`.js` once built) that exports
 * a job as `job`. Adding a job is adding its file (and its sample); nothing lists it.
 */
const JOBS_FOLDER = join(__dirname, '..', 'domain', 'jobs');

/**
 * The order the CLI has always listed the first jobs in (help, "known: …" errors); a job not named
 * here follows them, by name.
 */
const LISTED_FIRST: readonly string[] = [
  'orders',
  'stock-averages',
  'ohlc',
  'top-averages',
  'top-price',
  'price-stats',
];

let loaded: ReadonlyMap<string, AnyJob> | undefined;

/** Every built-in job by name, in listing order (loaded once). */
export function builtInJobs(): ReadonlyMap<string, AnyJob> {
  loaded ??= new Map(discoverJobs().map((job) => [job.name, job]));
  return loaded;
}

export function builtInJob(name: string): AnyJob | undefined {
  return builtInJobs().get(name);
}

export function jobNames(): string[] {
  return [...builtInJobs().keys()];
}

/**
 * Whether `file` is a job module in a folder of modules ending in `extension`: under ts-jest this
 * module is .ts and so are its siblings; built, both are .js, next to their .d.ts and .map files.
 */
export function isJobModule(file: string, extension: string): boolean {
  return file.endsWith(`.job${extension}`);
}

function discoverJobs(): AnyJob[] {
  const extension = extname(__filename);
  const jobs = readdirSync(JOBS_FOLDER)
    .filter((file) => isJobModule(file, extension))
    .map((file) => jobOf(join(JOBS_FOLDER, file)));
  const rank = (job: AnyJob): number => {
    const i = LISTED_FIRST.indexOf(job.name);
    return i < 0 ? LISTED_FIRST.length : i;
  };
  return jobs.sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function jobOf(path: string): AnyJob {
  // A synchronous load: the CLI lists the jobs while it builds its flags, before anything is awaited;
  // jest's own `require` also compiles the .ts modules of a test run.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- modules found at run time
  const module: unknown = require(path);
  const job: unknown = typeof module === 'object' && module !== null ? (module as { job?: unknown }).job : undefined;
  if (!isJob(job)) throw new Error(`${path} exports no job as \`job\``);
  return job;
}

function isJob(value: unknown): value is AnyJob {
  if (typeof value !== 'object' || value === null) return false;
  const { name, decode, table, io } = value as Partial<Record<string, unknown>>;
  return (
    typeof name === 'string' && typeof decode === 'function' && typeof table === 'object' && typeof io === 'object'
  );
}
