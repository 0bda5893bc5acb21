import type { FeedDeadLetter, FeedMessage } from '../../ports/feed-sink.port';

/**
 * A message as a format made it: a quote (dropped when unchanged: same symbol, same update time)
 * or a trade (never: two trades of one symbol in the same millisecond are two trades).
 */
export interface SplitMessage extends FeedMessage {
  readonly kind: 'quote' | 'trade';
}

/** What one payload became: every quote or trade it held is exactly one message or one dead letter. */
export interface SplitPayload {
  readonly messages: readonly SplitMessage[];
  readonly deadLetters: readonly FeedDeadLetter[];
}
