import type { AnyJob } from './job';
import { ordersJob } from './orders.job';

/** Every job the CLI can run, by name. A new job is added here once its file exists. */
export const JOBS: ReadonlyMap<string, AnyJob> = new Map<string, AnyJob>([[ordersJob.name, ordersJob as AnyJob]]);

export function jobNames(): string[] {
  return [...JOBS.keys()];
}
