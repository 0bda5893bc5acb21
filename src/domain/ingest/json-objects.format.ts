import type { FeedDeadLetter } from '../../ports/feed-sink.port';
import type { FeedPayload } from '../../ports/feed-source.port';
import { isPlainObject, parseJson } from '../jobs/validation';
import type { SplitMessage, SplitPayload } from './split-payload';
import { flatQuote, invalid, tradeMessage } from './market-messages';

const PLAIN_NAMES = { symbol: 'symbol', price: 'price', volume: 'volume', ts: 'ts' } as const;

/** A flat object: a trade when it has a `volume`, else a quote. */
function objectMessage(o: unknown): SplitMessage | string {
  if (!isPlainObject(o)) return 'not a JSON object';
  if (o.volume === undefined) return flatQuote(o);
  return tradeMessage({ symbol: o.symbol, price: o.price, volume: o.volume, ts: o.ts }, PLAIN_NAMES);
}

/** Collects what each element became; `where(i)` names element `i` in a dead letter's detail. */
class Split {
  readonly messages: SplitMessage[] = [];
  readonly deadLetters: FeedDeadLetter[] = [];

  constructor(private readonly payload: FeedPayload) {}

  add(made: SplitMessage | string, where: string, raw: string): void {
    if (typeof made === 'string') this.deadLetters.push(invalid(`${where}${made}`, raw, this.payload));
    else this.messages.push(made);
  }

  result(): SplitPayload {
    return { messages: this.messages, deadLetters: this.deadLetters };
  }
}

/**
 * `json`: a payload is one object `{"symbol","price","ts"}` (with `"volume"`: a trade), or an array
 * of them; each object is one message or one dead letter.
 */
export function jsonObjects(payload: FeedPayload): SplitPayload {
  const split = new Split(payload);
  const parsed = parseJson(payload.text);
  if (!parsed.ok) split.add(parsed.detail, '', payload.text);
  else if (!Array.isArray(parsed.event)) split.add(objectMessage(parsed.event), '', payload.text);
  else if (parsed.event.length === 0) split.add('payload holds no object: the array is empty', '', payload.text);
  else {
    const count = parsed.event.length;
    parsed.event.forEach((o: unknown, i) => {
      split.add(objectMessage(o), `element ${i + 1} of ${count}: `, JSON.stringify(o));
    });
  }
  return split.result();
}

/**
 * `jsonl`: JSON Lines, one object per line as in `json` (a line ending may be `\n` or `\r\n`);
 * blank lines separate nothing and are skipped, a payload of none is a dead letter.
 */
export function jsonLines(payload: FeedPayload): SplitPayload {
  const split = new Split(payload);
  const lines = payload.text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const parsed = parseJson(line);
    split.add(parsed.ok ? objectMessage(parsed.event) : parsed.detail, `line ${i + 1}: `, line);
  });
  if (split.messages.length === 0 && split.deadLetters.length === 0)
    split.add('payload holds no line: it is empty or blank', '', payload.text);
  return split.result();
}
