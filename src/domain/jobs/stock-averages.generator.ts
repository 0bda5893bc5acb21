import type { GeneratedRecord } from './orders.generator';
import { createRng } from './orders.generator';
import { checkGeneratorOptions } from './validation';
import type { RecordGenerator } from './generator-catalog';

/**
 * Seeded random trades for the `stock-averages` job, as CSV lines
 * `stockName,tradeType,price,quantity,eventTimeMillis,eventTimeReadable` (the original producer's
 * format, `BUY ` padded). Each symbol's price walks randomly. Against the job's defaults (sliding
 * 3 s every 1 s, watermark 5 s):
 *
 *   valid     nominal time, or delayed 0.5..4 s (out of order, but within the watermark)
 *   late      8..20 s behind the nominal time: every window of it has closed
 *   malformed a field missing or not a number
 *
 * Pure and deterministic: equal options give identical lines.
 */
export interface TradeGeneratorOptions {
  readonly count: number;
  readonly seed: number;
  readonly startMs: number;
  readonly tradesPerSecond: number;
  /** Share (0..1) of lines that are late or malformed (half each); as many more are delayed but on time. */
  readonly faultShare: number;
}

export const STOCK_SYMBOLS: readonly string[] = ['AAPL', 'AMZN', 'GOOG', 'MSFT', 'NFLX', 'TSLA', 'AMC', 'AGL', 'ANZ'];

export function generateTrades(options: TradeGeneratorOptions): Generator<GeneratedRecord, void, undefined> {
  const { count, seed, startMs, tradesPerSecond, faultShare } = options;
  checkGeneratorOptions(count, tradesPerSecond, faultShare, 'trades');
  return lines(count, createRng(seed), startMs, tradesPerSecond, faultShare);
}

function* lines(
  count: number,
  rng: () => number,
  startMs: number,
  rate: number,
  faultShare: number,
): Generator<GeneratedRecord, void, undefined> {
  const cents = STOCK_SYMBOLS.map(() => 1_000 + Math.floor(rng() * 99_000));
  for (let i = 0; i < count; i++) {
    const nominalMs = Math.round(startMs + (i * 1000) / rate);
    const s = Math.floor(rng() * STOCK_SYMBOLS.length);
    const step = Math.round((rng() - 0.5) * 200);
    cents[s] = Math.max(1, (cents[s] as number) + step);
    const symbol = STOCK_SYMBOLS[s] as string;
    const type = rng() < 0.5 ? 'BUY ' : 'SELL';
    const price = ((cents[s] as number) / 100).toFixed(2);
    const quantity = 1 + Math.floor(rng() * 1000);
    const u = rng();
    if (i > 0 && u < faultShare / 2) {
      const t = nominalMs - 8_000 - Math.floor(rng() * 12_000);
      yield { line: csv(symbol, type, price, quantity, t), kind: 'late' };
    } else if (i > 0 && u < faultShare) {
      const broken =
        rng() < 0.5
          ? `${symbol},${type},${price},${quantity}`
          : `${symbol},${type},n/a,${quantity},${nominalMs},${readable(nominalMs)}`;
      yield { line: broken, kind: 'malformed' };
    } else {
      const delayed = i > 0 && u < 2 * faultShare ? 500 + Math.floor(rng() * 3_500) : 0;
      yield { line: csv(symbol, type, price, quantity, nominalMs - delayed), kind: 'valid' };
    }
  }
}

function csv(symbol: string, type: string, price: string, quantity: number, ms: number): string {
  return `${symbol},${type},${price},${quantity},${ms},${readable(ms)}`;
}

function readable(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** `produce --job stock-averages`: the job's `io.generator`. */
export const tradeGenerator: RecordGenerator = (o) =>
  generateTrades({
    count: o.count,
    seed: o.seed,
    startMs: o.startMs,
    tradesPerSecond: o.eventsPerSecond,
    faultShare: o.faultShare,
  });
