import type { FeedDeadLetter } from '../../ports/feed-sink.port';
import type { FeedPayload } from '../../ports/feed-source.port';
import { fieldError, isPlainObject, parseJson } from '../jobs/validation';
import type { SplitMessage, SplitPayload } from './split-payload';
import { invalid, tradeMessage } from './market-messages';

const FINNHUB_NAMES = { symbol: 's', price: 'p', volume: 'v', ts: 't' } as const;
const NOTHING: SplitPayload = { messages: [], deadLetters: [] };

/**
 * Finnhub's trade stream: `{"type":"trade","data":[{"s":"BINANCE:BTCUSDT","p":7296.89,"t":1575526691134,
 * "v":0.011467}, …]}` is one message per trade; `{"type":"ping"}` is the server's keep-alive and
 * holds nothing (a WebSocket feed consumes it before it gets here). Any other type (`error`, a typo)
 * is a dead letter: an error from the server must be seen, not dropped.
 */
export function finnhubTrades(payload: FeedPayload): SplitPayload {
  const parsed = parseJson(payload.text);
  if (!parsed.ok) return { messages: [], deadLetters: [invalid(parsed.detail, payload.text, payload)] };
  const m = parsed.event;
  const whole = (detail: string): SplitPayload => ({
    messages: [],
    deadLetters: [invalid(detail, payload.text, payload)],
  });
  if (!isPlainObject(m)) return whole('Finnhub message is not a JSON object');
  if (m.type === 'ping') return NOTHING;
  if (m.type !== 'trade') {
    return whole(
      typeof m.type === 'string'
        ? `Finnhub message of type ${JSON.stringify(m.type)}, expected "trade" or "ping"`
        : fieldError('type', m.type, 'a string').detail,
    );
  }
  if (!Array.isArray(m.data)) return whole(fieldError('data', m.data, 'an array of trades').detail);
  if (m.data.length === 0) return whole('Finnhub trade message holds no trade: "data" is empty');
  const messages: SplitMessage[] = [];
  const deadLetters: FeedDeadLetter[] = [];
  const count = m.data.length;
  m.data.forEach((trade: unknown, i) => {
    const made = isPlainObject(trade)
      ? tradeMessage({ symbol: trade.s, price: trade.p, volume: trade.v, ts: trade.t }, FINNHUB_NAMES)
      : 'not a JSON object';
    if (typeof made === 'string')
      deadLetters.push(invalid(`trade ${i + 1} of ${count}: ${made}`, JSON.stringify(trade), payload));
    else messages.push(made);
  });
  return { messages, deadLetters };
}
