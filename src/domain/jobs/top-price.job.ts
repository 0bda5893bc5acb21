import type { CombineFn } from '../aggregation/combiners';
import type { TableSchema } from '../table-schema';
import type { Decoded, JobDefinition } from './job';
import { quoteTimeMs } from './quote-time';
import { csvNumber, fieldError, isPlainObject, parseJson, symbolError } from './validation';

/**
 * The highest quote of each tumbling 5-minute window (after a Beam/Dataflow project): one row per
 * window, `window_end, symbol, price`, the symbol with the highest raw price — on a tie the
 * alphabetically first symbol, so the row does not depend on arrival order. A quote is a JSON
 * object `{symbol, price, ts}`; `ts` is epoch seconds, epoch milliseconds or ISO-8601 (see
 * `quoteTimeMs`). The IEX batch-quote shape the original project read,
 * `{"XOM": {"quote": {"symbol": "XOM", "latestPrice": 57 | "57", "latestUpdate": <epoch ms>}}}`,
 * is accepted too; its time is `latestUpdate`.
 *
 * Every quote of a window feeds one row, whatever its symbol: in prod, run one instance per topic
 * (the instance reads all partitions), since two instances would each write the top of their own
 * partitions under the same `window_end`.
 */
export interface Quote {
  readonly symbol: string;
  readonly price: number;
  readonly eventMs: number;
}

/** All quotes of a window form one group: the row has no grouping fields. */
export type WholeWindow = Readonly<Record<string, never>>;

/** The best quote so far: highest price, then lowest symbol. */
export interface TopQuote {
  readonly symbol: string;
  readonly price: number;
}

const MAX_SYMBOL_CHARS = 16;
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
    { name: 'window_end', type: { kind: 'timestamp', sql: 'DATETIME(3)' } },
    { name: 'symbol', type: { kind: 'text', sql: 'VARCHAR(16)' } },
    { name: 'price', type: { kind: 'float', sql: 'DOUBLE' } },
    { name: 'updated_at', type: { kind: 'timestamp', sql: 'TIMESTAMP(3)', setBySink: true } },
  ],
};

export function decodeQuote(text: string): Decoded<Quote> {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const o = parsed.event;
  if (!isPlainObject(o)) return { ok: false, detail: 'record is not a JSON object' };
  const iex = iexQuote(o);
  if (iex === undefined) return validate(o.symbol, o.price, o.ts, PLAIN);
  return validate(iex.symbol, typeof iex.latestPrice === 'string' ? csvNumber(iex.latestPrice) : iex.latestPrice, iex.latestUpdate, IEX);
}

/** The `quote` of `{"<symbol>": {"quote": {...}}}`, the IEX batch shape; undefined for a plain quote. */
function iexQuote(o: Record<string, unknown>): Record<string, unknown> | undefined {
  const keys = Object.keys(o);
  const inner = keys.length === 1 ? o[keys[0] as string] : undefined;
  return isPlainObject(inner) && isPlainObject(inner.quote) ? inner.quote : undefined;
}

const PLAIN = { price: 'price', ts: 'ts' } as const;
const IEX = { price: 'latestPrice', ts: 'latestUpdate' } as const;

function validate(symbol: unknown, price: unknown, ts: unknown, names: { readonly price: string; readonly ts: string }): Decoded<Quote> {
  const badSymbol = symbolError('symbol', symbol, MAX_SYMBOL_CHARS);
  if (badSymbol !== undefined || typeof symbol !== 'string') return badSymbol ?? fieldError('symbol', symbol, 'a string');
  if (typeof price !== 'number') return fieldError(names.price, price, 'a number');
  if (!Number.isFinite(price) || price < 0) return { ok: false, detail: `${names.price} must be a finite number ≥ 0, got ${price}` };
  if (names === IEX && ts === undefined) return { ok: false, detail: 'missing field "latestUpdate": the quote has no time of its own' };
  const eventMs = quoteTimeMs(ts, names.ts);
  if (typeof eventMs === 'string') return { ok: false, detail: eventMs };
  return { ok: true, event: { symbol, price, eventMs } };
}

export const topPriceJob: JobDefinition<Quote, WholeWindow, TopQuote | undefined> = {
  name: 'top-price',
  description: 'The symbol with the highest price in each tumbling 5-minute window, ties to the first symbol (Beam/Dataflow)',
  table: topPriceTable,
  // 30 s: quotes of several feeds arrive some seconds out of order; a window is final 5.5 min after it began.
  defaults: { windowMs: 300_000, slideMs: 300_000, watermarkMs: 30_000, outputMode: 'append', sampleFile: 'top-price.jsonl' },
  decode: decodeQuote,
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
