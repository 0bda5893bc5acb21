import type { Container } from 'inversify';
import { finalTableRows } from '../composition/final-table-rows';
import type { AnyJob } from '../domain/jobs/job';
import type { CliOutput } from './console-output';

/**
 * Whether the job's command prints its result table as a report after the run summary
 * (`io.report`). Such runs keep the final table in memory (`keepFinalTable`).
 */
export function hasReport(job: AnyJob): boolean {
  return job.io.report !== undefined;
}

/** Prints the job's report from the rows the run committed; a job without one prints nothing. */
export function printJobReport(container: Container, job: AnyJob, out: CliOutput): void {
  const report = job.io.report;
  if (report === undefined) return;
  for (const line of report(finalTableRows(container))) out.line(line);
}
