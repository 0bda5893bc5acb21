import type { Decoded, DecodedMany } from './job';
import { quoteTimeMs } from './quote-time';
import { fieldError, isPlainObject, parseJson, symbolError } from './validation';

/**
 * Stock quotes, as the Beam/Dataflow project's publisher sent them, for `top-averages` and
 * `top-price`. A record is either one quote `{symbol, price, ts}` (`ts`: see `quoteTimeMs`) or
 * an IEX batch quote holding one or more symbols:
 *
 *   {"XOM": {"quote": {"symbol": "XOM", "latestPrice": 57, "latestUpdate": 1533571200000, …}}, "IBM": {…}}
 *
 * `latestPrice` may be a number or a numeric string. An IEX quote's time is its `latestUpdate`
 * (epoch ms) when present, else the record's arrival time (its Kafka timestamp, or `--arrival-time`
 * for files); a quote without either is invalid.
 */
export interface Quote {
  readonly symbol: string;
  readonly price: number;
  readonly eventMs: number;
}

const MAX_SYMBOL_CHARS = 16;
/** Prices are kept in millionths, so sums and means are exact for up to 6 decimals. */
export const PRICE_SCALE = 1_000_000;
const MAX_PRICE = 1e9;

export function decodeQuotes(text: string, arrivalMs?: number): DecodedMany<Quote> {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const o = parsed.event;
  if (!isPlainObject(o)) return { ok: false, detail: 'record is not a JSON object' };
  if (Object.hasOwn(o, 'symbol') || Object.hasOwn(o, 'price') || Object.hasOwn(o, 'ts')) {
    const q = quote(o.symbol, o.price, quoteTimeMs(o.ts, 'ts'));
    return 'detail' in q ? { ok: false, detail: q.detail } : { ok: true, events: [q] };
  }
  const entries = Object.entries(o);
  if (entries.length === 0)
    return {
      ok: false,
      detail: 'record holds no quote: expected {symbol, price, ts} or an IEX batch {"SYM": {"quote": {…}}}',
    };
  const quotes: Quote[] = [];
  for (const [key, value] of entries) {
    const inner = isPlainObject(value) ? value.quote : undefined;
    if (!isPlainObject(inner)) return { ok: false, detail: `IEX entry ${JSON.stringify(key)} has no "quote" object` };
    const symbol = inner.symbol ?? key;
    if (symbol !== key)
      return { ok: false, detail: `IEX entry ${JSON.stringify(key)} holds a quote for ${JSON.stringify(symbol)}` };
    const time =
      inner.latestUpdate !== undefined && inner.latestUpdate !== null
        ? quoteTimeMs(inner.latestUpdate, 'latestUpdate')
        : (arrivalMs ??
          `IEX quote of ${key} has no "latestUpdate" and the record no arrival time (give --arrival-time for files)`);
    const q = quote(
      symbol,
      typeof inner.latestPrice === 'string' ? priceText(inner.latestPrice) : inner.latestPrice,
      time,
      'latestPrice',
    );
    if ('detail' in q)
      return { ok: false, detail: entries.length > 1 ? `IEX entry ${JSON.stringify(key)}: ${q.detail}` : q.detail };
    quotes.push(q);
  }
  return { ok: true, events: quotes };
}

function quote(
  symbol: unknown,
  price: unknown,
  time: number | string,
  priceField = 'price',
): Quote | { detail: string } {
  const badSymbol = symbolError('symbol', symbol, MAX_SYMBOL_CHARS);
  if (badSymbol !== undefined) return badSymbol;
  if (typeof symbol !== 'string') return fieldError('symbol', symbol, 'a string');
  if (typeof price !== 'number')
    return price === undefined
      ? { detail: `missing field "${priceField}"` }
      : fieldError(priceField, price, priceField === 'price' ? 'a number' : 'a number or a numeric string');
  if (!Number.isFinite(price) || price < 0 || price > MAX_PRICE)
    return { detail: `${priceField} must be a number from 0 to ${MAX_PRICE}, got ${price}` };
  if (priceMicros(price) / PRICE_SCALE !== price) return { detail: `${priceField} has more than 6 decimals: ${price}` };
  if (typeof time === 'string') return { detail: time };
  return { symbol, price, eventMs: time };
}

/** `decodeQuotes` for a job's single-event `decode`: a record of several quotes is refused (the engine uses `decodeQuotes`). */
export function decodeQuote(text: string, arrivalMs?: number): Decoded<Quote> {
  const d = decodeQuotes(text, arrivalMs);
  if (!d.ok) return d;
  const [first] = d.events;
  return d.events.length === 1 && first !== undefined
    ? { ok: true, event: first }
    : { ok: false, detail: `record holds ${d.events.length} quotes` };
}

/** A numeric string as IEX sends it ("82.47"); anything else stays a string (and is rejected). */
function priceText(text: string): number | string {
  return /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : text;
}

/** A price in millionths (exact for up to 6 decimals; more are rounded). */
export function priceMicros(price: number): number {
  return Math.round(price * PRICE_SCALE);
}
