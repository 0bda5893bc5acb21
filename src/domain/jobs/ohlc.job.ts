import { defineJob, double, eventTime, instant, integer, text, tumbling, writtenAt } from '../sdk';
import type { Decoded } from './job';
import { csvNumber, fieldError, isPlainObject, parseJson, symbolError, timeField } from './validation';
import { jsonStringField } from './message-key';
import { ohlcGenerator } from './ohlc.generator';
import { validatedBy } from './validated-input';

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

export type OhlcGroup = Pick<OhlcTrade, 'symbol'>;

const MAX_SYMBOL_CHARS = 16;
export const OHLC_CSV_HEADER = 'symbol,price,volume,ts';

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

export const ohlcJob = defineJob({
  name: 'ohlc',
  description:
    'One-minute open/high/low/close/volume bars per symbol, open and close by event time (lambda architecture)',
  input: validatedBy(decodeOhlcTrade),
  time: eventTime('eventMs'),
  key: ['symbol'],
  window: tumbling('1m'),
  watermark: '10s',
  output: 'update',
  aggregate: (a) => ({
    // By event time, not arrival; trades with the same time keep their arrival order.
    open: a.first('price'),
    high: a.max('price'),
    low: a.min('price'),
    close: a.last('price'),
    volume: a.decimalSum('volume'),
  }),
  table: {
    name: 'ohlc_bars',
    columns: {
      symbol: text(MAX_SYMBOL_CHARS),
      window_start: instant(),
      open: double(),
      high: double(),
      low: double(),
      close: double(),
      volume: integer(64),
      updated_at: writtenAt(),
    },
    primaryKey: ['symbol', 'window_start'],
  },
  row: ({ window, key, agg }) => ({
    symbol: key.symbol,
    window_start: window.startMs,
    // A row exists only once a trade was added, so open and close are set.
    open: agg.open ?? Number.NaN,
    high: agg.high,
    low: agg.low,
    close: agg.close ?? Number.NaN,
    volume: agg.volume,
  }),
  io: { sample: 'ohlc.jsonl', partitionKey: jsonStringField('symbol'), generator: ohlcGenerator },
});

/** The job as the built-in catalog finds it. */
export const job = ohlcJob;
