import { generateOhlcTrades } from './ohlc.generator';
import { generateOrders, type GeneratedRecord } from './orders.generator';
import { generatePrices } from './price-stats.generator';
import { generateTrades } from './stock-averages.generator';
import { generateQuotes } from './top-averages.generator';
import { generateQuotes as generateTopPriceQuotes } from './top-price.generator';

export interface GeneratorOptions {
  readonly count: number;
  readonly seed: number;
  readonly startMs: number;
  readonly eventsPerSecond: number;
  readonly faultShare: number;
}

export type RecordGenerator = (options: GeneratorOptions) => Iterable<GeneratedRecord>;

/** Sample-record generators by job name (`produce --job J`). */
export const GENERATORS: ReadonlyMap<string, RecordGenerator> = new Map<string, RecordGenerator>([
  [
    'orders',
    (o) =>
      generateOrders({
        count: o.count,
        seed: o.seed,
        startMs: o.startMs,
        ordersPerSecond: o.eventsPerSecond,
        faultShare: o.faultShare,
      }),
  ],
  [
    'ohlc',
    (o) =>
      generateOhlcTrades({
        count: o.count,
        seed: o.seed,
        startMs: o.startMs,
        tradesPerSecond: o.eventsPerSecond,
        faultShare: o.faultShare,
      }),
  ],
  [
    'stock-averages',
    (o) =>
      generateTrades({
        count: o.count,
        seed: o.seed,
        startMs: o.startMs,
        tradesPerSecond: o.eventsPerSecond,
        faultShare: o.faultShare,
      }),
  ],
  [
    'top-averages',
    (o) =>
      generateQuotes({
        count: o.count,
        seed: o.seed,
        startMs: o.startMs,
        quotesPerSecond: o.eventsPerSecond,
        faultShare: o.faultShare,
      }),
  ],
  [
    'top-price',
    (o) =>
      generateTopPriceQuotes({
        count: o.count,
        seed: o.seed,
        startMs: o.startMs,
        quotesPerSecond: o.eventsPerSecond,
        faultShare: o.faultShare,
      }),
  ],
  [
    'price-stats',
    (o) =>
      generatePrices({
        count: o.count,
        seed: o.seed,
        startMs: o.startMs,
        pricesPerSecond: o.eventsPerSecond,
        faultShare: o.faultShare,
      }),
  ],
]);
