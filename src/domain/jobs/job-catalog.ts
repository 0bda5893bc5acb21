import type { AnyJob } from './job';
import { ohlcJob } from './ohlc.job';
import { ordersJob } from './orders.job';
import { PRICE_STATS_TOPIC, priceStatsJob } from './price-stats.job';
import { stockAveragesJob } from './stock-averages.job';
import { topAveragesJob } from './top-averages.job';
import { topPriceJob } from './top-price.job';

/** Every job the CLI can run, by name. A new job is added here once its file exists. */
export const JOBS: ReadonlyMap<string, AnyJob> = new Map<string, AnyJob>([
  [ordersJob.name, ordersJob as AnyJob],
  [stockAveragesJob.name, stockAveragesJob as AnyJob],
  [ohlcJob.name, ohlcJob as AnyJob],
  [topAveragesJob.name, topAveragesJob as AnyJob],
  [topPriceJob.name, topPriceJob as AnyJob],
  [priceStatsJob.name, priceStatsJob as AnyJob],
]);

/** Input topics that are not named after their job (`prod` reads, `produce` writes them by default). */
const TOPICS: ReadonlyMap<string, string> = new Map([[priceStatsJob.name, PRICE_STATS_TOPIC]]);

/** Jobs that are batch computations over a topic: `prod` reads to the end offsets and stops unless `--no-bounded`. */
const BOUNDED: ReadonlySet<string> = new Set([priceStatsJob.name]);

export function defaultTopic(jobName: string): string {
  return TOPICS.get(jobName) ?? jobName;
}

export function boundedByDefault(jobName: string): boolean {
  return BOUNDED.has(jobName);
}

export function jobNames(): string[] {
  return [...JOBS.keys()];
}
