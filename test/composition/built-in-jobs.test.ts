import { builtInJob, builtInJobs, isJobModule, jobNames } from '../../src/composition/built-in-jobs';
import { ohlcJob } from '../../src/domain/jobs/ohlc.job';
import { ordersJob } from '../../src/domain/jobs/orders.job';
import { priceStatsJob } from '../../src/domain/jobs/price-stats.job';
import { stockAveragesJob } from '../../src/domain/jobs/stock-averages.job';
import { topAveragesJob } from '../../src/domain/jobs/top-averages.job';
import { topPriceJob } from '../../src/domain/jobs/top-price.job';

describe('built-in jobs', () => {
  it('finds every job module of src/domain/jobs, in the order the CLI lists them', () => {
    expect(jobNames()).toEqual(['orders', 'stock-averages', 'ohlc', 'top-averages', 'top-price', 'price-stats']);
  });

  it('gives each name the job its module exports', () => {
    const modules = [ordersJob, stockAveragesJob, ohlcJob, topAveragesJob, topPriceJob, priceStatsJob];
    for (const job of modules) expect(builtInJob(job.name)).toBe(job);
    expect(builtInJob('nope')).toBeUndefined();
    expect(builtInJobs().size).toBe(6);
  });

  it('reads each input topic and boundedness from the job', () => {
    const io = [...builtInJobs().values()].map((j) => [j.name, j.io.topic, j.io.bounded]);
    expect(io).toEqual([
      ['orders', 'orders', false],
      ['stock-averages', 'stock-averages', false],
      ['ohlc', 'ohlc', false],
      ['top-averages', 'top-averages', false],
      ['top-price', 'top-price', false],
      ['price-stats', 'prices', true],
    ]);
  });

  it('takes the job modules of the running build only: .ts under ts-jest, .js built (not .d.ts or .map)', () => {
    const built = ['orders.job.js', 'orders.job.d.ts', 'orders.job.js.map', 'orders.generator.js', 'job.js'];
    expect(built.filter((f) => isJobModule(f, '.js'))).toEqual(['orders.job.js']);
    const sources = ['orders.job.ts', 'orders.generator.ts', 'job.ts', 'validated-input.ts'];
    expect(sources.filter((f) => isJobModule(f, '.ts'))).toEqual(['orders.job.ts']);
  });
});
