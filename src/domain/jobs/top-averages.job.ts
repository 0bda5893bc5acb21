import type { CombineFn } from '../aggregation/combiners';
import type { ResultRow } from '../records';
import type { TableSchema } from '../table-schema';
import type { JobDefinition, WindowBounds } from './job';
import { decodeQuote, decodeQuotes, PRICE_SCALE, priceMicros, type Quote } from './quotes';
import { quoteGenerator } from './top-averages.generator';

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

const paneCombiner: CombineFn<Quote, PaneSums, PaneSums> = {
  create: () => new Map(),
  add: (acc, q) => {
    let panes = acc.get(q.symbol);
    if (panes === undefined) {
      panes = new Map();
      acc.set(q.symbol, panes);
    }
    const pane = Math.floor(q.eventMs / PANE_MS) * PANE_MS;
    const sums = panes.get(pane);
    if (sums === undefined) panes.set(pane, [priceMicros(q.price), 1]);
    else {
      sums[0] += priceMicros(q.price);
      sums[1] += 1;
    }
    return acc;
  },
  merge: (a, b) => {
    for (const [symbol, panes] of b) {
      for (const [pane, [sum, n]] of panes) {
        let into = a.get(symbol);
        if (into === undefined) {
          into = new Map();
          a.set(symbol, into);
        }
        const sums = into.get(pane);
        if (sums === undefined) into.set(pane, [sum, n]);
        else {
          sums[0] += sum;
          sums[1] += n;
        }
      }
    }
    return a;
  },
  extract: (acc) => acc,
};

export const topAveragesTable: TableSchema = {
  name: 'top_averages',
  primaryKey: ['aggregation_type', 'window_end', 'rank'],
  columns: [
    { name: 'window_end', type: { kind: 'instant' } },
    { name: 'aggregation_type', type: { kind: 'integer', bits: 32 } },
    { name: 'rank', type: { kind: 'integer', bits: 32 } },
    { name: 'symbol', type: { kind: 'text', maxLength: 16 } },
    { name: 'average', type: { kind: 'double' } },
    { name: 'updated_at', type: { kind: 'writtenAt' } },
  ],
};

/** The top `TOP_N` of each spec ending at `w.endMs`: mean price descending, then symbol ascending. */
export function topAverageRows(w: WindowBounds, acc: PaneSums): ResultRow[] {
  const rows: ResultRow[] = [];
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
        key: `${spec.aggregationType}|${w.endMs}|${i + 1}`,
        finalAtMs: w.endMs,
        values: {
          window_end: w.endMs,
          aggregation_type: spec.aggregationType,
          rank: i + 1,
          symbol: m.symbol,
          average: m.mean,
        },
      });
    });
  }
  return rows;
}

const maxLengthMs = Math.max(...TOP_AVERAGE_SPECS.map((s) => s.lengthMs));

export const topAveragesJob: JobDefinition<Quote, Record<string, never>, PaneSums> = {
  name: 'top-averages',
  description: 'Top 3 symbols by mean price over 1, 5 and 15 minutes, every 10 s (Beam/Dataflow)',
  table: topAveragesTable,
  defaults: {
    window: { kind: 'fixed', lengthMs: maxLengthMs, slideMs: PANE_MS },
    watermarkMs: 10_000,
    outputMode: 'append',
    sampleFile: 'top-averages.jsonl',
    fixedWindows: 'computes 60 s, 300 s and 900 s windows every 10 s',
  },
  // No partition key: one instance ranks every symbol, so all partitions go to it anyway.
  io: { topic: 'top-averages', bounded: false, generator: quoteGenerator },
  decode: decodeQuote,
  decodeMany: decodeQuotes,
  eventTimeMs: (q) => q.eventMs,
  // One group per window: the ranking needs every symbol.
  groupKey: () => '',
  groupFields: () => ({}),
  combiner: paneCombiner,
  rowKey: (w) => String(w.endMs),
  toRow: (w, _g, acc) => {
    // Not used (toRows is); kept total: the first row of the ranking.
    const [first] = topAverageRows(w, acc);
    return first ?? { key: String(w.endMs), finalAtMs: w.endMs, values: {} };
  },
  toRows: (w, _g, acc) => topAverageRows(w, acc),
};

/** The job as the built-in catalog finds it. */
export { topAveragesJob as job };
