import type { GeneratedRecord } from './orders.generator';
import { createRng } from './orders.generator';
import { checkGeneratorOptions } from './validation';
import type { RecordGenerator } from './generator-catalog';

/**
 * Seeded random quotes for the `top-price` job as JSON lines `{symbol, price, ts}`, with `ts` in
 * turn as epoch milliseconds, fractional epoch seconds and ISO-8601, so every accepted form occurs.
 * Against the job's defaults (tumbling 5 min, watermark 30 s): valid quotes come at their nominal
 * time or delayed 1..25 s (out of order, still on time); late ones are 5.5..14.5 min behind the
 * latest quote so far (their window closed); malformed ones miss a field or carry a bad value.
 * Pure and deterministic.
 */
export interface TopPriceGeneratorOptions {
  readonly count: number;
  readonly seed: number;
  readonly startMs: number;
  readonly quotesPerSecond: number;
  /** Share (0..1) of lines that are late or malformed (half each); as many more are delayed but on time. */
  readonly faultShare: number;
}

export const QUOTE_SYMBOLS: readonly string[] = ['AAPL', 'AMZN', 'GOOG', 'META', 'MSFT', 'NFLX', 'NVDA', 'TSLA'];

export function generateQuotes(options: TopPriceGeneratorOptions): Generator<GeneratedRecord, void, undefined> {
  const { count, seed, startMs, quotesPerSecond, faultShare } = options;
  checkGeneratorOptions(count, quotesPerSecond, faultShare, 'quotes');
  return lines(count, createRng(seed), startMs, quotesPerSecond, faultShare);
}

/** One instant in one of the three accepted forms, chosen by `i`. */
function tsValue(ms: number, i: number): number | string {
  const form = i % 3;
  return form === 0 ? ms : form === 1 ? ms / 1000 : new Date(ms).toISOString();
}

function* lines(
  count: number,
  rng: () => number,
  startMs: number,
  rate: number,
  faultShare: number,
): Generator<GeneratedRecord, void, undefined> {
  // Prices close to each other, so the top changes hands between windows (and ties happen).
  const cents = QUOTE_SYMBOLS.map(() => 20_000 + Math.floor(rng() * 2_000));
  let maxSeenMs = -Infinity;
  for (let i = 0; i < count; i++) {
    const nominalMs = Math.round(startMs + (i * 1000) / rate);
    const s = Math.floor(rng() * QUOTE_SYMBOLS.length);
    cents[s] = Math.max(1, (cents[s] as number) + Math.round((rng() - 0.5) * 200));
    const quote = { symbol: QUOTE_SYMBOLS[s] as string, price: (cents[s] as number) / 100 };
    const u = rng();
    if (i > 0 && u < faultShare / 2) {
      const ms = maxSeenMs - 330_000 - Math.floor(rng() * 540_000);
      yield { line: JSON.stringify({ ...quote, ts: tsValue(ms, i) }), kind: 'late' };
    } else if (i > 0 && u < faultShare) {
      yield { line: malformed(quote, nominalMs, Math.floor(rng() * 5)), kind: 'malformed' };
    } else {
      const ms = nominalMs - (i > 0 && u < 2 * faultShare ? 1_000 + Math.floor(rng() * 24_000) : 0);
      maxSeenMs = Math.max(maxSeenMs, ms);
      yield { line: JSON.stringify({ ...quote, ts: tsValue(ms, i) }), kind: 'valid' };
    }
  }
}

function malformed(quote: { symbol: string; price: number }, ms: number, which: number): string {
  switch (which) {
    case 0:
      return JSON.stringify({ symbol: quote.symbol, ts: ms });
    case 1:
      return JSON.stringify({ ...quote, price: String(quote.price), ts: ms });
    case 2:
      return JSON.stringify({ ...quote, price: -quote.price, ts: ms });
    case 3:
      return JSON.stringify({ ...quote, ts: new Date(ms).toISOString().replace(/^(\d{4})-\d{2}-\d{2}/, '$1-02-30') });
    default:
      return JSON.stringify({ ...quote, ts: ms }).slice(0, 20);
  }
}

/** `produce --job top-price`: the job's `io.generator`. */
export const topPriceGenerator: RecordGenerator = (o) =>
  generateQuotes({
    count: o.count,
    seed: o.seed,
    startMs: o.startMs,
    quotesPerSecond: o.eventsPerSecond,
    faultShare: o.faultShare,
  });
