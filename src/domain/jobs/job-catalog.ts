import type { AnyJob } from './job';
import { ohlcJob } from './ohlc.job';
import { ordersJob } from './orders.job';
import { stockAveragesJob } from './stock-averages.job';
import { topAveragesJob } from './top-averages.job';

/** Every job the CLI can run, by name. A new job is added here once its file exists. */
export const JOBS: ReadonlyMap<string, AnyJob> = new Map<string, AnyJob>([
  [ordersJob.name, ordersJob as AnyJob],
  [stockAveragesJob.name, stockAveragesJob as AnyJob],
  [ohlcJob.name, ohlcJob as AnyJob],
  [topAveragesJob.name, topAveragesJob as AnyJob],
]);

export function jobNames(): string[] {
  return [...JOBS.keys()];
}
