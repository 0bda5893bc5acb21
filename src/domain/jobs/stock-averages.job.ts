import { defineJob, double, eventTime, instant, integer, sliding, text, writtenAt } from '../sdk';
import type { TableSchema } from '../table-schema';
import type { Decoded } from './job';
import {
  csvNumber,
  fieldError,
  isPlainObject,
  parseJson,
  SECONDS_HINT,
  symbolError,
  YEAR_2000_MS,
  YEAR_2100_MS,
} from './validation';
import { csvFirstField, jsonStringField } from './message-key';
import { tradeGenerator } from './stock-averages.generator';
import { validatedBy } from './validated-input';

/**
 * Moving averages of stock trades (after a Spark Structured Streaming project): per symbol, in
 * sliding 3-second windows every second, the mean, lowest and highest price, the number of trades
 * and the quantity traded. A trade comes as a CSV line
 * `stockName,tradeType,price,quantity,eventTimeMillis,eventTimeReadable` or as a JSON object with
 * the same fields. Prices are summed in exact integer millionths, so a mean does not depend on the
 * order trades arrive in.
 */
export interface Trade {
  readonly symbol: string;
  readonly micros: number;
  readonly price: number;
  readonly quantity: number;
  readonly eventMs: number;
}

export type TradeGroup = Pick<Trade, 'symbol'>;

const MAX_SYMBOL_CHARS = 16;
const MICROS = 1_000_000;
const stockName = jsonStringField('stockName');
const TRADE_TYPES = new Set(['BUY', 'SELL']);
export const STOCK_CSV_HEADER = 'stockName,tradeType,price,quantity,eventTimeMillis,eventTimeReadable';

/** A CSV line or a JSON object; the CSV header line is rejected by name, like any other bad line. */
export function decodeTrade(text: string): Decoded<Trade> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const parsed = parseJson(trimmed);
    if (!parsed.ok) return parsed;
    const o = parsed.event;
    if (!isPlainObject(o)) return { ok: false, detail: 'record is not a JSON object' };
    return validateTrade(o.stockName, o.tradeType, o.price, o.quantity, o.eventTimeMillis, o.eventTimeReadable);
  }
  if (trimmed === STOCK_CSV_HEADER) return { ok: false, detail: 'CSV header line, not a trade' };
  const fields = trimmed.split(',');
  if (fields.length !== 5 && fields.length !== 6) {
    return { ok: false, detail: `CSV line has ${fields.length} fields, expected 6: ${STOCK_CSV_HEADER}` };
  }
  const [symbol, type, price, quantity, millis, readable] = fields as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  const shownTime = readable?.trim();
  return validateTrade(
    symbol.trim(),
    type,
    csvNumber(price),
    csvNumber(quantity),
    csvNumber(millis),
    shownTime === '' ? undefined : shownTime,
  );
}

/**
 * `eventTimeReadable` only shows the time to a reader (the original data writes it in the
 * exchange's zone, with 1 to 3 decimals): it is not used, but when present it must look like one.
 */
const READABLE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z?$/;

function validateTrade(
  symbol: unknown,
  type: unknown,
  price: unknown,
  quantity: unknown,
  millis: unknown,
  readable: unknown,
): Decoded<Trade> {
  const badSymbol = symbolError('stockName', symbol, MAX_SYMBOL_CHARS);
  if (badSymbol !== undefined || typeof symbol !== 'string')
    return badSymbol ?? fieldError('stockName', symbol, 'a string');
  // The original data pads "BUY " to the width of "SELL".
  if (typeof type !== 'string' || !TRADE_TYPES.has(type.trim().toUpperCase()))
    return fieldError('tradeType', type, 'BUY or SELL');
  if (typeof price !== 'number') return fieldError('price', price, 'a number');
  if (!Number.isFinite(price) || price < 0)
    return { ok: false, detail: `price must be a finite number ≥ 0, got ${price}` };
  const micros = Math.round(price * MICROS);
  if (!Number.isSafeInteger(micros) || micros / MICROS !== price)
    return { ok: false, detail: `price has more than 6 decimals or is too large to sum exactly: ${price}` };
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity <= 0)
    return fieldError('quantity', quantity, 'a positive integer');
  if (typeof millis !== 'number' || !Number.isSafeInteger(millis))
    return fieldError('eventTimeMillis', millis, 'an integer (epoch milliseconds)');
  if (millis < YEAR_2000_MS || millis >= YEAR_2100_MS) {
    const hint = millis >= YEAR_2000_MS / 1000 && millis < YEAR_2100_MS / 1000 ? SECONDS_HINT : '';
    return { ok: false, detail: `eventTimeMillis ${millis} is outside 2000-01-01..2100-01-01${hint}` };
  }
  if (readable !== undefined && (typeof readable !== 'string' || !READABLE_TIME.test(readable)))
    return fieldError('eventTimeReadable', readable, 'a time YYYY-MM-DD hh:mm:ss[.fff]');
  return { ok: true, event: { symbol, micros, price, quantity, eventMs: millis } };
}

/** Kafka key of a produced trade: its symbol, the first field of a CSV line or `stockName` of a JSON one. */
function tradeSymbol(line: string): string | undefined {
  return line.trim().startsWith('{') ? stockName(line) : csvFirstField(line);
}

export const stockAveragesJob = defineJob({
  name: 'stock-averages',
  description:
    'Moving averages of stock trades per symbol, sliding 3 s every 1 s: mean, min, max, trades, quantity (Spark moving averages)',
  input: validatedBy(decodeTrade),
  time: eventTime('eventMs'),
  key: ['symbol'],
  window: sliding('3s', '1s'),
  watermark: '5s',
  output: 'append',
  aggregate: (a) => ({
    priceMicros: a.decimalSum('micros'),
    trades: a.count(),
    minPrice: a.min('price'),
    maxPrice: a.max('price'),
    quantity: a.decimalSum('quantity'),
  }),
  table: {
    name: 'stocks_averages',
    columns: {
      symbol: text(MAX_SYMBOL_CHARS),
      window_start: instant(),
      window_end: instant(),
      avg_price: double(),
      min_price: double(),
      max_price: double(),
      trade_count: integer(64),
      total_quantity: integer(64),
      updated_at: writtenAt(),
    },
    primaryKey: ['symbol', 'window_start', 'window_end'],
  },
  row: ({ window, key, agg }) => ({
    symbol: key.symbol,
    window_start: window.startMs,
    window_end: window.endMs,
    avg_price: Number(agg.priceMicros) / agg.trades / MICROS,
    min_price: agg.minPrice,
    max_price: agg.maxPrice,
    trade_count: agg.trades,
    total_quantity: agg.quantity,
  }),
  io: {
    sample: 'stock-averages.csv',
    outputMessageKey: 'symbol',
    partitionKey: tradeSymbol,
    generator: tradeGenerator,
  },
});

/** The job as the built-in catalog finds it. */
export const job = stockAveragesJob;

export const stocksAveragesTable: TableSchema = stockAveragesJob.table;
