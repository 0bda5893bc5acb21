import { extname } from 'node:path';

/** How a job file is read, by its extension. */
export type JobFileKind = 'typescript' | 'commonjs' | 'esm' | 'javascript' | 'data';

const KINDS: ReadonlyMap<string, JobFileKind> = new Map([
  ['.ts', 'typescript'],
  ['.cjs', 'commonjs'],
  ['.mjs', 'esm'],
  // A `.js` file is CommonJS or ESM as its package says (`"type"`), as Node decides.
  ['.js', 'javascript'],
  ['.yaml', 'data'],
  ['.yml', 'data'],
  ['.json', 'data'],
]);

/** The extensions of job files, in the order messages list them. */
export const JOB_FILE_EXTENSIONS: readonly string[] = [...KINDS.keys()];

/**
 * Whether a `--job` value names a file rather than a built-in job: it has a `/` (`./job`,
 * `jobs/wages`) or ends with a job file's extension (`wages.yaml`). Built-in names have neither.
 */
export function isJobFilePath(value: string): boolean {
  return value.includes('/') || KINDS.has(extname(value).toLowerCase());
}

export function jobFileKind(path: string): JobFileKind | undefined {
  return KINDS.get(extname(path).toLowerCase());
}
