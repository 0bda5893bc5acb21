/**
 * `hexstream/testing`: the in-memory test harness for users' jobs, also exported from 'hexstream'.
 * Until the SDK lands this exports the engine-facing job type only.
 */
export type { JobDefinition } from './domain/jobs/job';
