import type { GeneratedRecord } from './orders.generator';
import { createRng } from './orders.generator';
import { checkGeneratorOptions } from './validation';
import type { RecordGenerator } from './generator-catalog';

/**
 * Seeded random quotes for `top-averages`: mostly `{symbol, price, ts}` (ts in epoch ms), every
 * fifth record an IEX batch quote of two or three symbols with `latestUpdate` (prices sometimes as
 * strings, as IEX sends them). Against the job's defaults (windows up to 15 min, watermark 10 s):
 * valid quotes come at their nominal time or delayed 1..8 s; late ones 16..25 min behind (behind
 * every window they belong to); malformed ones miss the price or carry a bad one. Pure and
 * deterministic.
 */
export interface QuoteGeneratorOptions {
  readonly count: number;
  readonly seed: number;
  readonly startMs: number;
  readonly quotesPerSecond: number;
  /** Share (0..1) of records that are late or malformed (half each); as many more are delayed but on time. */
  readonly faultShare: number;
}

export const QUOTE_SYMBOLS: readonly string[] = ['AAPL', 'AMZN', 'GOOG', 'IBM', 'MSFT', 'NVDA', 'XOM'];

export function generateQuotes(options: QuoteGeneratorOptions): Generator<GeneratedRecord, void, undefined> {
  const { count, seed, startMs, quotesPerSecond, faultShare } = options;
  checkGeneratorOptions(count, quotesPerSecond, faultShare, 'quotes');
  return lines(count, createRng(seed), startMs, quotesPerSecond, faultShare);
}

function* lines(
  count: number,
  rng: () => number,
  startMs: number,
  rate: number,
  faultShare: number,
): Generator<GeneratedRecord, void, undefined> {
  const cents = QUOTE_SYMBOLS.map(() => 2_000 + Math.floor(rng() * 30_000));
  const pick = (): { symbol: string; price: number } => {
    const s = Math.floor(rng() * QUOTE_SYMBOLS.length);
    cents[s] = Math.max(1, (cents[s] as number) + Math.round((rng() - 0.5) * 200));
    return { symbol: QUOTE_SYMBOLS[s] as string, price: (cents[s] as number) / 100 };
  };
  for (let i = 0; i < count; i++) {
    const nominalMs = Math.round(startMs + (i * 1000) / rate);
    const u = rng();
    if (i > 0 && u < faultShare / 2) {
      yield {
        line: JSON.stringify({ ...pick(), ts: nominalMs - 960_000 - Math.floor(rng() * 540_000) }),
        kind: 'late',
      };
    } else if (i > 0 && u < faultShare) {
      const q = pick();
      const bad = rng() < 0.5 ? { symbol: q.symbol, ts: nominalMs } : { ...q, price: -q.price, ts: nominalMs };
      yield { line: JSON.stringify(bad), kind: 'malformed' };
    } else {
      const ts = nominalMs - (i > 0 && u < 2 * faultShare ? 1_000 + Math.floor(rng() * 7_000) : 0);
      if (i % 5 !== 4) {
        yield { line: JSON.stringify({ ...pick(), ts }), kind: 'valid' };
        continue;
      }
      // An IEX batch quote: distinct symbols, one shared update time.
      const batch: Record<string, { quote: { symbol: string; latestPrice: number | string; latestUpdate: number } }> =
        {};
      for (let k = 0, n = 2 + Math.floor(rng() * 2); k < n; k++) {
        const q = pick();
        if (batch[q.symbol] === undefined)
          batch[q.symbol] = {
            quote: { symbol: q.symbol, latestPrice: rng() < 0.5 ? q.price : q.price.toFixed(2), latestUpdate: ts },
          };
      }
      yield { line: JSON.stringify(batch), kind: 'valid' };
    }
  }
}

/** `produce --job top-averages`: the job's `io.generator`. */
export const quoteGenerator: RecordGenerator = (o) =>
  generateQuotes({
    count: o.count,
    seed: o.seed,
    startMs: o.startMs,
    quotesPerSecond: o.eventsPerSecond,
    faultShare: o.faultShare,
  });
