import type { FeedPayload } from '../../ports/feed-source.port';
import { finnhubTrades } from './finnhub-trades.format';
import { iexBatch } from './iex-batch.format';
import type { FeedFormat } from './ingest-settings';
import { jsonObjects, jsonLines } from './json-objects.format';
import type { SplitPayload } from './split-payload';

export type { SplitMessage, SplitPayload } from './split-payload';

const FORMATS: { readonly [F in FeedFormat]: (payload: FeedPayload) => SplitPayload } = {
  'iex-batch': iexBatch,
  'finnhub-trades': finnhubTrades,
  json: jsonObjects,
  jsonl: jsonLines,
};

/**
 * Splits one payload of the feed into one message per quote or trade, keyed by symbol and stamped
 * with its event time, in the shape the jobs read (`{"symbol","price","ts"}`, with `"volume"` for
 * trades), and dead letters `invalid` for what cannot become one. Pure; never throws for any text.
 */
export function splitPayload(format: FeedFormat, payload: FeedPayload): SplitPayload {
  return FORMATS[format](payload);
}
