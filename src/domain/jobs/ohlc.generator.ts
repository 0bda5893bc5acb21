import type { GeneratedRecord } from './orders.generator';
import { createRng } from './orders.generator';
import { checkGeneratorOptions } from './validation';
import type { RecordGenerator } from './generator-catalog';

/**
 * Seeded random trades for the `ohlc` job as JSON lines `{symbol, price, volume, ts}` (ts in epoch
 * ms). Against the job's defaults (tumbling 1 min, watermark 10 s): valid trades come at their
 * nominal time or delayed 1..8 s (out of order, on time); late ones 90..300 s behind; malformed ones
 * miss a field or carry a bad value. Pure and deterministic.
 */
export interface OhlcGeneratorOptions {
  readonly count: number;
  readonly seed: number;
  readonly startMs: number;
  readonly tradesPerSecond: number;
  /** Share (0..1) of lines that are late or malformed (half each); as many more are delayed but on time. */
  readonly faultShare: number;
}

export const OHLC_SYMBOLS: readonly string[] = ['AAPL', 'AMZN', 'GOOG', 'MSFT', 'NVDA', 'TSLA'];

export function generateOhlcTrades(options: OhlcGeneratorOptions): Generator<GeneratedRecord, void, undefined> {
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
  const cents = OHLC_SYMBOLS.map(() => 5_000 + Math.floor(rng() * 50_000));
  for (let i = 0; i < count; i++) {
    const nominalMs = Math.round(startMs + (i * 1000) / rate);
    const s = Math.floor(rng() * OHLC_SYMBOLS.length);
    cents[s] = Math.max(1, (cents[s] as number) + Math.round((rng() - 0.5) * 100));
    const trade = {
      symbol: OHLC_SYMBOLS[s] as string,
      price: (cents[s] as number) / 100,
      volume: 1 + Math.floor(rng() * 500),
    };
    const u = rng();
    if (i > 0 && u < faultShare / 2) {
      yield { line: JSON.stringify({ ...trade, ts: nominalMs - 90_000 - Math.floor(rng() * 210_000) }), kind: 'late' };
    } else if (i > 0 && u < faultShare) {
      const bad =
        rng() < 0.5
          ? { symbol: trade.symbol, price: trade.price, ts: nominalMs }
          : { ...trade, price: String(trade.price), ts: nominalMs };
      yield { line: JSON.stringify(bad), kind: 'malformed' };
    } else {
      const delayed = i > 0 && u < 2 * faultShare ? 1_000 + Math.floor(rng() * 7_000) : 0;
      yield { line: JSON.stringify({ ...trade, ts: nominalMs - delayed }), kind: 'valid' };
    }
  }
}

/** `produce --job ohlc`: the job's `io.generator`. */
export const ohlcGenerator: RecordGenerator = (o) =>
  generateOhlcTrades({
    count: o.count,
    seed: o.seed,
    startMs: o.startMs,
    tradesPerSecond: o.eventsPerSecond,
    faultShare: o.faultShare,
  });
