import type { FeedDeadLetter } from '../../ports/feed-sink.port';
import type { FeedPayload } from '../../ports/feed-source.port';
import { boundedDetail, boundedRaw, utf8ByteLength } from '../engine/dead-letter-raw';
import { decodeQuotes, type Quote } from '../jobs/quotes';
import { quoteTimeMs } from '../jobs/quote-time';
import { fieldError, symbolError } from '../jobs/validation';
import type { SplitMessage } from './split-payload';

/** The longest symbol `top-averages`, `top-price` and `ohlc` keep (their `symbol` column). */
const MAX_SYMBOL_CHARS = 16;

/** A dead letter of what arrived, small whatever `raw`'s size (the detail then says what was cut). */
export function deadLetter(reason: string, detail: string, raw: string, receivedAtMs: number): FeedDeadLetter {
  const kept = boundedRaw(raw, undefined);
  const note =
    kept.rawBytes === undefined ? '' : `; raw holds its first ${utf8ByteLength(kept.raw)} of ${kept.rawBytes} bytes`;
  return { reason, detail: `${boundedDetail(detail)}${note}`, raw: kept.raw, receivedAtMs };
}

/** A dead letter `invalid` of what arrived in `payload`. */
export function invalid(detail: string, raw: string, payload: FeedPayload): FeedDeadLetter {
  return deadLetter('invalid', detail, raw, payload.receivedAtMs);
}

/** The message of a quote the quote jobs' own decoder accepted. */
export function quoteMessage(q: Quote): SplitMessage {
  return {
    kind: 'quote',
    key: q.symbol,
    value: JSON.stringify({ symbol: q.symbol, price: q.price, ts: q.eventMs }),
    timestampMs: q.eventMs,
  };
}

/**
 * A flat quote `{symbol, price, ts}` checked by the decoder `top-averages` and `top-price` use, so
 * that every message is one they accept and every refusal is worded as theirs.
 */
export function flatQuote(o: Readonly<Record<string, unknown>>): SplitMessage | string {
  if (o.symbol === undefined) return 'missing field "symbol"';
  const decoded = decodeQuotes(JSON.stringify({ symbol: o.symbol, price: o.price, ts: o.ts }));
  if (!decoded.ok) return decoded.detail;
  const [q] = decoded.events;
  return q === undefined ? 'record holds no quote' : quoteMessage(q);
}

/** The fields of a trade, and what the feed calls them (Finnhub's `s`, `p`, `v`, `t`). */
export interface TradeFields {
  readonly symbol: unknown;
  readonly price: unknown;
  readonly volume: unknown;
  readonly ts: unknown;
}

/**
 * A trade as `ohlc` reads it, checked by `ohlc`'s rules on symbol and price, the quotes' rule on the
 * time (epoch ms or seconds, or ISO-8601, sent as epoch ms), and a volume that is any finite
 * number ≥ 0: crypto trades have fractional volumes, kept as given (see `docs/ingest.md`).
 */
export function tradeMessage(
  t: TradeFields,
  names: Readonly<Record<keyof TradeFields, string>>,
): SplitMessage | string {
  const badSymbol = symbolError(names.symbol, t.symbol, MAX_SYMBOL_CHARS);
  if (badSymbol !== undefined) return badSymbol.detail;
  if (typeof t.symbol !== 'string') return fieldError(names.symbol, t.symbol, 'a string').detail;
  if (typeof t.price !== 'number') return fieldError(names.price, t.price, 'a number').detail;
  if (!Number.isFinite(t.price) || t.price < 0) return `${names.price} must be a finite number ≥ 0, got ${t.price}`;
  if (typeof t.volume !== 'number') return fieldError(names.volume, t.volume, 'a number').detail;
  if (!Number.isFinite(t.volume) || t.volume < 0) return `${names.volume} must be a finite number ≥ 0, got ${t.volume}`;
  const ts = quoteTimeMs(t.ts, names.ts);
  if (typeof ts === 'string') return ts;
  return {
    kind: 'trade',
    key: t.symbol,
    value: JSON.stringify({ symbol: t.symbol, price: t.price, volume: t.volume, ts }),
    timestampMs: ts,
  };
}
