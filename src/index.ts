/**
 * The library entry (`import … from 'hexstream'`): the job SDK and its test harness. Until the SDK
 * lands this exports the engine-facing job type only.
 */
export type { JobDefinition } from './domain/jobs/job';
