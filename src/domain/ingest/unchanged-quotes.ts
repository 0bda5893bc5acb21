import { HexstreamError } from '../hexstream-error';
import type { FeedMessage } from '../../ports/feed-sink.port';
import type { SplitMessage } from './split-payload';

/**
 * Drops a quote that was sent already: same symbol, same update time as the last quote of that
 * symbol let through. A polled endpoint answers with the last quote of every symbol on each poll,
 * changed or not; without this, a symbol that trades once a minute would be counted six times by
 * a 10 s poll. Trades always pass: two trades of a symbol in one millisecond are two trades.
 *
 * Memory is bounded: at most `maxRemembered` symbols, the one seen least recently forgotten first
 * (a Map keeps insertion order; a symbol seen again is moved to the end). A forgotten symbol's next
 * quote passes even if unchanged: at worst one duplicate, never a loss.
 */
export class UnchangedQuotes {
  private readonly lastSentMs = new Map<string, number>();
  private dropped = 0;

  constructor(private readonly maxRemembered: number) {
    if (!Number.isSafeInteger(maxRemembered) || maxRemembered < 0)
      throw new HexstreamError('CONFIG_INVALID', `maxRemembered must be a whole number ≥ 0, got ${maxRemembered}`);
  }

  /** The messages to send, in order and without their kind; the unchanged quotes are left out and counted. */
  keep(messages: readonly SplitMessage[]): FeedMessage[] {
    const kept: FeedMessage[] = [];
    for (const m of messages) {
      if (m.kind === 'quote' && this.seen(m.key, m.timestampMs)) this.dropped++;
      else kept.push({ key: m.key, value: m.value, timestampMs: m.timestampMs });
    }
    return kept;
  }

  /** Quotes dropped so far. */
  unchanged(): number {
    return this.dropped;
  }

  /** Symbols remembered now (at most `maxRemembered`). */
  remembered(): number {
    return this.lastSentMs.size;
  }

  /** Whether `symbol` was last let through at `updateMs`; remembers it as the latest either way. */
  private seen(symbol: string, updateMs: number): boolean {
    const last = this.lastSentMs.get(symbol);
    this.lastSentMs.delete(symbol);
    if (this.maxRemembered === 0) return false;
    this.lastSentMs.set(symbol, updateMs);
    if (this.lastSentMs.size > this.maxRemembered) {
      const oldest = this.lastSentMs.keys().next();
      if (oldest.done !== true) this.lastSentMs.delete(oldest.value);
    }
    return last === updateMs;
  }
}
