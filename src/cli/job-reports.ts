import type { Container } from 'inversify';
import { finalTableRows } from '../composition/final-table-rows';
import type { ResultRow } from '../domain/records';
import type { CliOutput } from './console-output';
import { priceStatsReport } from './price-stats-report';

/**
 * Jobs whose command prints its result table as a report after the run summary, by job name. Their
 * runs keep the final table in memory (`keepFinalTable`), so keep this to small results.
 */
const REPORTS: ReadonlyMap<string, (rows: readonly ResultRow[]) => string[]> = new Map([
  ['price-stats', priceStatsReport],
]);

export function hasReport(job: string): boolean {
  return REPORTS.has(job);
}

/** Prints the job's report from the rows the run committed; a job without one prints nothing. */
export function printJobReport(container: Container, job: string, out: CliOutput): void {
  const report = REPORTS.get(job);
  if (report === undefined) return;
  for (const line of report(finalTableRows(container))) out.line(line);
}
