import type { CombineFn } from '../aggregation/combiners';
import { defineJob, double, eventTime, instant, integer, sliding, text, writtenAt } from '../sdk';
import type { WindowBounds } from './job';
import { decodeQuotes, PRICE_SCALE, priceMicros, type Quote } from './quotes';
import { quoteGenerator } from './top-averages.generator';
import { validatedManyBy } from './validated-input';

/**
 * Top 3 symbols by mean price over the last 1, 5 and 15 minutes, every 10 seconds (after a
 * Beam/Dataflow project that ran three sliding windows side by side). All three specs end at the
 * same instants, so one sliding window of 15 minutes every 10 s carries them: its state keeps, per
 * symbol, the price sum and count of each 10 s pane, and each window end yields the ranking over
 * its last 6, 30 and 90 panes.
 *
 *   window end e:   ─────────── 900 s ───────────┤e     aggregation_type 15
 *                                  ─── 300 s ───┤e     aggregation_type 5
 *                                       ─ 60 s ─┤e     aggregation_type 1
 *
 * A window closes for all three at once (when W ≥ e), so late data is decided as if each spec ran
 * alone. Ties in mean are broken by symbol, ascending. Means are exact: prices are summed in
 * millionths.
 */
export const PANE_MS = 10_000;
/** The three specs, by window length, with their `aggregation_type`. */
export const TOP_AVERAGE_SPECS: ReadonlyArray<{ readonly lengthMs: number; readonly aggregationType: number }> = [
  { lengthMs: 60_000, aggregationType: 1 },
  { lengthMs: 300_000, aggregationType: 5 },
  { lengthMs: 900_000, aggregationType: 15 },
];
export const TOP_N = 3;

/** Per symbol, per pane start: [sum of prices in millionths, count]. */
type PaneSums = Map<string, Map<number, [number, number]>>;

function addToPane(acc: PaneSums, symbol: string, pane: number, sum: number, n: number): PaneSums {
  let panes = acc.get(symbol);
  if (panes === undefined) {
    panes = new Map();
    acc.set(symbol, panes);
  }
  const sums = panes.get(pane);
  if (sums === undefined) panes.set(pane, [sum, n]);
  else {
    sums[0] += sum;
    sums[1] += n;
  }
  return acc;
}

/** Adding a quote cannot throw, so it stages in place (no copy of the panes per window). */
const paneCombiner: CombineFn<Quote, PaneSums, PaneSums> = {
  create: () => new Map(),
  add: (acc, q) => addToPane(acc, q.symbol, Math.floor(q.eventMs / PANE_MS) * PANE_MS, priceMicros(q.price), 1),
  stage: (acc, q) => () => paneCombiner.add(acc, q),
  merge: (a, b) => {
    for (const [symbol, panes] of b) for (const [pane, [sum, n]] of panes) addToPane(a, symbol, pane, sum, n);
    return a;
  },
  extract: (acc) => acc,
};

/** One row of the ranking. */
interface TopAverageRow {
  readonly window_end: number;
  readonly aggregation_type: number;
  readonly rank: number;
  readonly symbol: string;
  readonly average: number;
}

/** The top `TOP_N` of each spec ending at `w.endMs`: mean price descending, then symbol ascending. */
export function topAverageRows(w: WindowBounds, acc: PaneSums): TopAverageRow[] {
  const rows: TopAverageRow[] = [];
  for (const spec of TOP_AVERAGE_SPECS) {
    const from = w.endMs - spec.lengthMs;
    const means: { symbol: string; mean: number }[] = [];
    for (const [symbol, panes] of acc) {
      let sum = 0;
      let n = 0;
      for (const [pane, [s, c]] of panes) {
        if (pane >= from && pane < w.endMs) {
          sum += s;
          n += c;
        }
      }
      if (n > 0) means.push({ symbol, mean: sum / n / PRICE_SCALE });
    }
    means.sort((a, b) => b.mean - a.mean || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    means.slice(0, TOP_N).forEach((m, i) => {
      rows.push({
        window_end: w.endMs,
        aggregation_type: spec.aggregationType,
        rank: i + 1,
        symbol: m.symbol,
        average: m.mean,
      });
    });
  }
  return rows;
}

const maxLengthMs = Math.max(...TOP_AVERAGE_SPECS.map((s) => s.lengthMs));

export const topAveragesJob = defineJob({
  name: 'top-averages',
  description: 'Top 3 symbols by mean price over 1, 5 and 15 minutes, every 10 s (Beam/Dataflow)',
  input: validatedManyBy(decodeQuotes),
  time: eventTime('eventMs'),
  // One group per window: the ranking needs every symbol.
  key: [],
  window: sliding(maxLengthMs, PANE_MS),
  fixedWindows: 'computes 60 s, 300 s and 900 s windows every 10 s',
  watermark: '10s',
  output: 'append',
  aggregate: (a) => ({ panes: a.custom(paneCombiner) }),
  table: {
    name: 'top_averages',
    columns: {
      window_end: instant(),
      aggregation_type: integer(32),
      rank: integer(32),
      symbol: text(16),
      average: double(),
      updated_at: writtenAt(),
    },
    primaryKey: ['aggregation_type', 'window_end', 'rank'],
  },
  rows: ({ window, agg }) => topAverageRows(window, agg.panes),
  io: { sample: 'top-averages.jsonl', generator: quoteGenerator },
});

/** The job as the built-in catalog finds it. */
export const job = topAveragesJob;
