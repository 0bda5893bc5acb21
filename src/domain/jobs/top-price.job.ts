import type { CombineFn } from '../aggregation/combiners';
import type { TableSchema } from '../table-schema';
import type { JobDefinition } from './job';
import { decodeQuote, decodeQuotes, type Quote } from './quotes';
import { jsonStringField } from './message-key';
import { topPriceGenerator } from './top-price.generator';

export { decodeQuote };

/**
 * The highest quote of each tumbling 5-minute window (after a Beam/Dataflow project): one row per
 * window, `window_end, symbol, price`, the symbol with the highest raw price — on a tie the
 * alphabetically first symbol, so the row does not depend on arrival order. Quotes are read as
 * `top-averages` reads them (`quotes.ts`): `{symbol, price, ts}` or IEX batch quotes of one or more
 * symbols, timed by `latestUpdate` or the record's arrival.
 *
 * Every quote of a window feeds one row, whatever its symbol: in prod, run one instance per topic
 * (the instance reads all partitions), since two instances would each write the top of their own
 * partitions under the same `window_end`.
 */

/** All quotes of a window form one group: the row has no grouping fields. */
export type WholeWindow = Readonly<Record<string, never>>;

/** The best quote so far: highest price, then lowest symbol. */
export interface TopQuote {
  readonly symbol: string;
  readonly price: number;
}

const WHOLE_WINDOW: WholeWindow = {};

function beats(a: TopQuote, b: TopQuote): boolean {
  return a.price > b.price || (a.price === b.price && a.symbol < b.symbol);
}

/** A total order on (price desc, symbol asc): add and merge commute, so batches and triggers cannot change the winner. */
export const topQuote: CombineFn<Quote, TopQuote | undefined, TopQuote | undefined> = {
  create: () => undefined,
  add: (acc, q) => (acc === undefined || beats(q, acc) ? { symbol: q.symbol, price: q.price } : acc),
  merge: (a, b) => (a === undefined ? b : b === undefined ? a : beats(b, a) ? b : a),
  extract: (acc) => acc,
};

export const topPriceTable: TableSchema = {
  name: 'top_price',
  primaryKey: ['window_end'],
  columns: [
    { name: 'window_end', type: { kind: 'instant' } },
    { name: 'symbol', type: { kind: 'text', maxLength: 16 } },
    { name: 'price', type: { kind: 'double' } },
    { name: 'updated_at', type: { kind: 'writtenAt' } },
  ],
};

export const topPriceJob: JobDefinition<Quote, WholeWindow, TopQuote | undefined> = {
  name: 'top-price',
  description:
    'The symbol with the highest price in each tumbling 5-minute window, ties to the first symbol (Beam/Dataflow)',
  table: topPriceTable,
  // 30 s: quotes of several feeds arrive some seconds out of order; a window is final 5.5 min after it began.
  defaults: {
    window: { kind: 'fixed', lengthMs: 300_000, slideMs: 300_000 },
    watermarkMs: 30_000,
    outputMode: 'append',
    sampleFile: 'top-price.jsonl',
  },
  io: { topic: 'top-price', bounded: false, partitionKey: jsonStringField('symbol'), generator: topPriceGenerator },
  decode: decodeQuote,
  decodeMany: decodeQuotes,
  eventTimeMs: (q) => q.eventMs,
  groupKey: () => '',
  groupFields: () => WHOLE_WINDOW,
  combiner: topQuote,
  rowKey: (w) => String(w.endMs),
  toRow: (w, _group, acc, rowKey) => ({
    key: rowKey,
    finalAtMs: w.endMs,
    // A row exists only once a quote was added, so acc is set.
    values: { window_end: w.endMs, symbol: acc?.symbol ?? '', price: acc?.price ?? Number.NaN },
  }),
};

/** The job as the built-in catalog finds it. */
export { topPriceJob as job };
