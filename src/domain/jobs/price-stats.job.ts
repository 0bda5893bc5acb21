import type { CombineFn } from '../aggregation/combiners';
import { defineJob, double, eventTime, globalWindow, integer, longText, text, writtenAt } from '../sdk';
import type { Decoded } from './job';
import { formatQuoteTime, quoteTimeMs } from './quote-time';
import { fieldError, isPlainObject, parseJson, symbolError, YEAR_2100_MS } from './validation';
import { jsonStringField } from './message-key';
import { priceGenerator } from './price-stats.generator';
import { priceStatsReport } from './price-stats.report';
import { validatedBy } from './validated-input';

/**
 * Price statistics over a whole topic (after a Kafka + PySpark exercise): per symbol the number of
 * prices, min, max, mean, sample standard deviation, and the outliers — prices further than three
 * standard deviations from their symbol's mean. A message is a JSON object
 * `{ts: "YYYY-MM-DD hh:mm:ss.fff", symbol, price}` (`ts` in UTC; any form `quoteTimeMs` accepts).
 *
 * **Global.** The job's window is the engine's global window: one window over the whole input,
 * which closes only when the input ends, so nothing is late. `complete` output emits the whole
 * table (one row per symbol) at every trigger; that mode keeps all state, which this job needs
 * anyway: outliers are decided against the final mean and deviation, so every price is kept until
 * then.
 *
 * **Exact.** Prices have at most 6 decimals and are summed as integer millionths (their squares as
 * bigint), so count, mean and variance come from exact sums and do not depend on arrival order or
 * batch cuts; the outlier test `|x − mean| > 3·s` is decided exactly too, as
 * `(n−1)·(n·x − Σx)² > 9·n·(n·Σx² − (Σx)²)` in integers.
 * The sample deviation of a symbol with one price is undefined: its row has 0 and no outliers.
 */
export interface PriceTick {
  readonly symbol: string;
  readonly micros: number;
  readonly eventMs: number;
}

export type SymbolGroup = Pick<PriceTick, 'symbol'>;

/** A kept price: [event time (epoch ms), price in millionths]. */
export type PricePoint = readonly [number, number];

const MAX_SYMBOL_CHARS = 16;
const MICROS = 1_000_000;
/**
 * A fixed window as long as 2100-01-01 in epoch ms, `[1970-01-01, 2100-01-01)`: it holds every
 * valid event time and no watermark passes its end, so on it the job computes what its global
 * window does.
 */
export const GLOBAL_WINDOW_MS = YEAR_2100_MS;
/** The topic of the exercise: `produce --job price-stats` writes to it and `prod` reads it by default. */
export const PRICE_STATS_TOPIC = 'prices';

/** Σx² in millionths² (a bigint); adding cannot throw, so it stages in place. */
const sumOfSquares: CombineFn<PriceTick, bigint, bigint> = {
  create: () => 0n,
  add: (acc, t) => acc + BigInt(t.micros) * BigInt(t.micros),
  stage: (acc, t) => () => sumOfSquares.add(acc, t),
  merge: (a, b) => a + b,
  extract: (acc) => acc,
};

/** Every price with its time, for the outliers; staged in place (no copy of the list per price). */
const keepPoints: CombineFn<PriceTick, PricePoint[], PricePoint[]> = {
  create: () => [],
  add: (acc, t) => {
    acc.push([t.eventMs, t.micros]);
    return acc;
  },
  stage: (acc, t) => () => keepPoints.add(acc, t),
  merge: (a, b) => a.concat(b),
  extract: (acc) => acc,
};

/** The sums the statistics come from (see `symbolStats`). */
export interface StatsSums {
  readonly n: number;
  readonly sum: number | bigint;
  readonly squares: bigint;
  readonly low: number;
  readonly high: number;
  readonly points: readonly PricePoint[];
}

export function decodePriceTick(text: string): Decoded<PriceTick> {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const o = parsed.event;
  if (!isPlainObject(o)) return { ok: false, detail: 'record is not a JSON object' };
  const { symbol, price } = o;
  const badSymbol = symbolError('symbol', symbol, MAX_SYMBOL_CHARS);
  if (badSymbol !== undefined || typeof symbol !== 'string')
    return badSymbol ?? fieldError('symbol', symbol, 'a string');
  if (typeof price !== 'number') return fieldError('price', price, 'a number');
  if (!Number.isFinite(price) || price < 0)
    return { ok: false, detail: `price must be a finite number ≥ 0, got ${price}` };
  const micros = Math.round(price * MICROS);
  if (!Number.isSafeInteger(micros) || micros / MICROS !== price)
    return { ok: false, detail: `price has more than 6 decimals or is too large to sum exactly: ${price}` };
  const eventMs = quoteTimeMs(o.ts);
  if (typeof eventMs === 'string') return { ok: false, detail: eventMs };
  return { ok: true, event: { symbol, micros, eventMs } };
}

/** The statistics of one symbol, from exact sums. */
export interface SymbolStats {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly stddev: number;
  /** By event time, then price. */
  readonly outliers: readonly PricePoint[];
}

export function symbolStats(r: StatsSums): SymbolStats {
  const n = BigInt(r.n);
  const sum = BigInt(r.sum);
  // n·Σx² − (Σx)² = n·(n−1)·s² in millionths², exactly.
  const spread = n * r.squares - sum * sum;
  const outliers =
    r.n < 2
      ? []
      : r.points
          .filter(([, x]) => (n - 1n) * (n * BigInt(x) - sum) ** 2n > 9n * n * spread)
          .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return {
    count: r.n,
    min: r.low / MICROS,
    max: r.high / MICROS,
    mean: Number(sum) / (r.n * MICROS),
    stddev: r.n < 2 ? 0 : Math.sqrt(Number(spread) / (r.n * (r.n - 1))) / MICROS,
    outliers,
  };
}

export const priceStatsJob = defineJob({
  name: 'price-stats',
  description:
    'Per-symbol count, min, max, mean, sample standard deviation and 3-sigma outliers over a whole topic (Kafka prices exercise)',
  input: validatedBy(decodePriceTick),
  time: eventTime('eventMs'),
  key: ['symbol'],
  window: globalWindow(),
  output: 'complete',
  aggregate: (a) => ({
    n: a.count(),
    sum: a.decimalSum('micros'),
    squares: a.custom(sumOfSquares),
    low: a.min('micros'),
    high: a.max('micros'),
    points: a.custom(keepPoints),
  }),
  table: {
    name: 'price_stats',
    columns: {
      symbol: text(MAX_SYMBOL_CHARS),
      price_count: integer(64),
      min_price: double(),
      max_price: double(),
      mean_price: double(),
      stddev_price: double(),
      outlier_count: integer(64),
      // JSON array of {"ts": "YYYY-MM-DD hh:mm:ss.fff", "price": p}, by time.
      outliers: longText(),
      updated_at: writtenAt(),
    },
    primaryKey: ['symbol'],
  },
  row: ({ key, agg }) => {
    const s = symbolStats(agg);
    return {
      symbol: key.symbol,
      price_count: s.count,
      min_price: s.min,
      max_price: s.max,
      mean_price: s.mean,
      stddev_price: s.stddev,
      outlier_count: s.outliers.length,
      outliers: `[${s.outliers.map(([ms, x]) => `{"ts":"${formatQuoteTime(ms)}","price":${x / MICROS}}`).join(',')}]`,
    };
  },
  // The exercise's topic; its producer sends only well-formed messages; a batch over the whole topic.
  io: {
    topic: PRICE_STATS_TOPIC,
    bounded: true,
    sample: 'price-stats.jsonl',
    partitionKey: jsonStringField('symbol'),
    generator: priceGenerator,
    faultShare: 0,
    report: priceStatsReport,
  },
});

/** The job as the built-in catalog finds it. */
export const job = priceStatsJob;
