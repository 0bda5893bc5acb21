import type { FeedDeadLetter } from '../../ports/feed-sink.port';
import type { FeedPayload } from '../../ports/feed-source.port';
import { decodeQuotes } from '../jobs/quotes';
import { isPlainObject, parseJson } from '../jobs/validation';
import type { SplitMessage, SplitPayload } from './split-payload';
import { invalid, quoteMessage } from './market-messages';

/**
 * IEX Cloud's batch quotes, `{"XOM": {"quote": {"symbol": "XOM", "latestPrice": 57, "latestUpdate":
 * 1533571200000, …}, "news": […]}, "IBM": {…}}`: one message per symbol, read by the quote jobs'
 * own decoder entry by entry, so one bad entry is one dead letter and the others still go. A quote
 * without `latestUpdate` is timed by the payload's arrival, as the jobs time such a record.
 */
export function iexBatch(payload: FeedPayload): SplitPayload {
  const parsed = parseJson(payload.text);
  if (!parsed.ok) return { messages: [], deadLetters: [invalid(parsed.detail, payload.text, payload)] };
  const batch = parsed.event;
  if (!isPlainObject(batch) || Object.keys(batch).length === 0) {
    const why = isPlainObject(batch) ? 'IEX batch holds no symbol' : 'IEX batch is not a JSON object';
    const detail = `${why}: expected {"SYM": {"quote": {"latestPrice", "latestUpdate", …}}}`;
    return { messages: [], deadLetters: [invalid(detail, payload.text, payload)] };
  }
  const messages: SplitMessage[] = [];
  const deadLetters: FeedDeadLetter[] = [];
  for (const [symbol, entry] of Object.entries(batch)) {
    // Only the quote is read: the rest of an entry (news, charts) is not the jobs' business.
    const quote = isPlainObject(entry) ? entry.quote : undefined;
    const decoded = decodeQuotes(JSON.stringify({ [symbol]: { quote } }), payload.receivedAtMs);
    const [q] = decoded.ok ? decoded.events : [];
    if (q !== undefined) {
      messages.push(quoteMessage(q));
      continue;
    }
    const why = decoded.ok ? 'holds no quote' : decoded.detail;
    const detail = why.startsWith('IEX entry') ? why : `IEX entry ${JSON.stringify(symbol)}: ${why}`;
    deadLetters.push(invalid(detail, JSON.stringify({ [symbol]: entry }), payload));
  }
  return { messages, deadLetters };
}
