import { combineAll, max, min, sumInteger, type CombineFn } from '../aggregation/combiners';
import type { TableSchema } from '../table-schema';
import type { Decoded, JobDefinition } from './job';
import { csvNumber, fieldError, isPlainObject, parseJson, symbolError, timeField } from './validation';
import { jsonStringField } from './message-key';
import { ohlcGenerator } from './ohlc.generator';

/**
 * One-minute OHLC bars per symbol (after a lambda-architecture project): open and close are the
 * prices of the earliest and the latest trade by event time — not by arrival — high and low the
 * extremes, volume the sum. A trade is a JSON object `{symbol, price, volume, ts}` or a CSV line
 * `symbol,price,volume,ts`; `ts` is epoch milliseconds or an ISO-8601 time (UTC when it has no zone).
 * Trades with the same `ts` keep their arrival order: the first opens, the last closes.
 */
export interface OhlcTrade {
  readonly symbol: string;
  readonly price: number;
  readonly volume: number;
  readonly eventMs: number;
}

export interface OhlcGroup {
  readonly symbol: string;
}

const MAX_SYMBOL_CHARS = 16;
export const OHLC_CSV_HEADER = 'symbol,price,volume,ts';

/** The price at the earliest (`first`) or latest event time: [eventMs, price], ties to the earlier arrival. */
function priceAt(which: 'first' | 'last'): CombineFn<OhlcTrade, [number, number] | undefined, number | undefined> {
  const better =
    which === 'first'
      ? (t: number, best: number): boolean => t < best
      : (t: number, best: number): boolean => t >= best;
  return {
    create: () => undefined,
    add: (acc, trade) => (acc === undefined || better(trade.eventMs, acc[0]) ? [trade.eventMs, trade.price] : acc),
    merge: (a, b) => (a === undefined ? b : b === undefined ? a : better(b[0], a[0]) ? b : a),
    extract: (acc) => acc?.[1],
  };
}

const barCombiner = combineAll({
  open: priceAt('first'),
  high: max<OhlcTrade>((t) => t.price),
  low: min<OhlcTrade>((t) => t.price),
  close: priceAt('last'),
  volume: sumInteger<OhlcTrade>((t) => t.volume),
});
type BarAccumulator = ReturnType<typeof barCombiner.create>;

export const ohlcBarsTable: TableSchema = {
  name: 'ohlc_bars',
  primaryKey: ['symbol', 'window_start'],
  columns: [
    { name: 'symbol', type: { kind: 'text', maxLength: 16 } },
    { name: 'window_start', type: { kind: 'instant' } },
    { name: 'open', type: { kind: 'double' } },
    { name: 'high', type: { kind: 'double' } },
    { name: 'low', type: { kind: 'double' } },
    { name: 'close', type: { kind: 'double' } },
    { name: 'volume', type: { kind: 'integer', bits: 64 } },
    { name: 'updated_at', type: { kind: 'writtenAt' } },
  ],
};

export function decodeOhlcTrade(text: string): Decoded<OhlcTrade> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const parsed = parseJson(trimmed);
    if (!parsed.ok) return parsed;
    const o = parsed.event;
    if (!isPlainObject(o)) return { ok: false, detail: 'record is not a JSON object' };
    return validate(o.symbol, o.price, o.volume, o.ts);
  }
  if (trimmed === OHLC_CSV_HEADER) return { ok: false, detail: 'CSV header line, not a trade' };
  const fields = trimmed.split(',');
  if (fields.length !== 4)
    return { ok: false, detail: `CSV line has ${fields.length} fields, expected 4: ${OHLC_CSV_HEADER}` };
  const [symbol, price, volume, ts] = fields.map((f) => f.trim()) as [string, string, string, string];
  return validate(symbol, csvNumber(price), csvNumber(volume), /^\d+$/.test(ts) ? Number(ts) : ts);
}

function validate(symbol: unknown, price: unknown, volume: unknown, ts: unknown): Decoded<OhlcTrade> {
  const badSymbol = symbolError('symbol', symbol, MAX_SYMBOL_CHARS);
  if (badSymbol !== undefined || typeof symbol !== 'string')
    return badSymbol ?? fieldError('symbol', symbol, 'a string');
  if (typeof price !== 'number') return fieldError('price', price, 'a number');
  if (!Number.isFinite(price) || price < 0)
    return { ok: false, detail: `price must be a finite number ≥ 0, got ${price}` };
  if (typeof volume !== 'number' || !Number.isSafeInteger(volume) || volume < 0)
    return fieldError('volume', volume, 'a non-negative integer');
  const eventMs = timeField('ts', ts);
  if (typeof eventMs === 'string') return { ok: false, detail: eventMs };
  return { ok: true, event: { symbol, price, volume, eventMs } };
}

export const ohlcJob: JobDefinition<OhlcTrade, OhlcGroup, BarAccumulator> = {
  name: 'ohlc',
  description:
    'One-minute open/high/low/close/volume bars per symbol, open and close by event time (lambda architecture)',
  table: ohlcBarsTable,
  defaults: {
    window: { kind: 'fixed', lengthMs: 60_000, slideMs: 60_000 },
    watermarkMs: 10_000,
    outputMode: 'update',
    sampleFile: 'ohlc.jsonl',
  },
  io: { topic: 'ohlc', bounded: false, partitionKey: jsonStringField('symbol'), generator: ohlcGenerator },
  decode: decodeOhlcTrade,
  eventTimeMs: (t) => t.eventMs,
  groupKey: (t) => t.symbol,
  groupFields: (t) => ({ symbol: t.symbol }),
  combiner: barCombiner,
  rowKey: (w, g) => `${g.symbol}|${w.startMs}`,
  toRow: (w, g, acc, rowKey) => {
    const bar = barCombiner.extract(acc);
    return {
      key: rowKey,
      finalAtMs: w.endMs,
      values: {
        symbol: g.symbol,
        window_start: w.startMs,
        // A row exists only once a trade was added, so open and close are set.
        open: bar.open ?? Number.NaN,
        high: bar.high,
        low: bar.low,
        close: bar.close ?? Number.NaN,
        volume: bar.volume,
      },
    };
  },
};

/** The job as the built-in catalog finds it. */
export { ohlcJob as job };
