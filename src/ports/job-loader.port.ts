import type { ServiceIdentifier } from 'inversify';
import type { AnyJob } from '../domain/jobs/job';

/** A job read from a file the user named (`--job ./my-job.ts`), with where it came from. */
export interface LoadedJob {
  readonly job: AnyJob;
  /** Absolute path of the file: the folder its sample file and imports are relative to. */
  readonly file: string;
}

/**
 * Jobs defined outside hexstream, in files: TypeScript or JavaScript modules that export a job
 * made with `defineJob`, or YAML/JSON job files. `load(path)` resolves once the job is compiled
 * and validated; anything wrong (no such file, a syntax error, a module that throws or exports no
 * job, a job file that does not validate) rejects with a `HexstreamError` of code `CONFIG_INVALID`
 * whose message is one line naming the file as given (and the line, when known) and what is wrong:
 * `wage-averages.yaml:12: aggregate.avgWage.mean: unknown field "wageRange" (fields: …)`.
 */
export interface JobLoaderPort {
  load(path: string): Promise<LoadedJob>;
}

export const JobLoaderPort: ServiceIdentifier<JobLoaderPort> = Symbol.for('hexstream.JobLoaderPort');
