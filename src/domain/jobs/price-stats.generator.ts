import type { GeneratedRecord } from './orders.generator';
import { createRng } from './orders.generator';
import { formatQuoteTime } from './quote-time';
import { checkGeneratorOptions } from './validation';
import type { RecordGenerator } from './generator-catalog';

/**
 * Seeded prices for the `price-stats` job, like the exercise's producer: JSON lines
 * `{ts: "YYYY-MM-DD hh:mm:ss.fff", symbol, price}` for five symbols, each price drawn from its
 * symbol's normal distribution (Box–Muller) and rounded to cents. One line in 250 (the 138th,
 * 388th, …) is an outlier 6..10 standard deviations away, so a run of a few thousand has some.
 * `faultShare` of the lines are malformed instead (the `produce` default for this job is 0: exactly
 * `count` well-formed messages). The job is global, so no line is late. Pure and deterministic.
 */
export interface PriceStatsGeneratorOptions {
  readonly count: number;
  readonly seed: number;
  readonly startMs: number;
  readonly pricesPerSecond: number;
  readonly faultShare: number;
}

/** Symbol, mean and standard deviation of its prices. */
export const PRICE_SYMBOLS: ReadonlyArray<readonly [string, number, number]> = [
  ['AAPL', 190, 4],
  ['AMZN', 180, 6],
  ['GOOG', 140, 3],
  ['MSFT', 410, 8],
  ['TSLA', 250, 15],
];
const OUTLIER_EVERY = 250;
const OUTLIER_AT = 137;

export function generatePrices(options: PriceStatsGeneratorOptions): Generator<GeneratedRecord, void, undefined> {
  const { count, seed, startMs, pricesPerSecond, faultShare } = options;
  checkGeneratorOptions(count, pricesPerSecond, faultShare, 'prices');
  return lines(count, createRng(seed), startMs, pricesPerSecond, faultShare);
}

function* lines(
  count: number,
  rng: () => number,
  startMs: number,
  rate: number,
  faultShare: number,
): Generator<GeneratedRecord, void, undefined> {
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  for (let i = 0; i < count; i++) {
    const ts = formatQuoteTime(Math.round(startMs + (i * 1000) / rate));
    const [symbol, mean, sd] = PRICE_SYMBOLS[Math.floor(rng() * PRICE_SYMBOLS.length)] as readonly [
      string,
      number,
      number,
    ];
    const z = i % OUTLIER_EVERY === OUTLIER_AT ? (rng() < 0.5 ? -1 : 1) * (6 + rng() * 4) : normal();
    const price = Math.max(1, Math.round((mean + sd * z) * 100)) / 100;
    if (rng() < faultShare) {
      const bad = [
        { ts, symbol },
        { ts, symbol, price: String(price) },
        { ts: ts.replace(' ', '/'), symbol, price },
        { ts, symbol: '', price },
      ][Math.floor(rng() * 4)];
      yield { line: JSON.stringify(bad), kind: 'malformed' };
    } else {
      yield { line: JSON.stringify({ ts, symbol, price }), kind: 'valid' };
    }
  }
}

/** `produce --job price-stats`: the job's `io.generator`. */
export const priceGenerator: RecordGenerator = (o) =>
  generatePrices({
    count: o.count,
    seed: o.seed,
    startMs: o.startMs,
    pricesPerSecond: o.eventsPerSecond,
    faultShare: o.faultShare,
  });
