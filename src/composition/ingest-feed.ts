import { HttpPollFeed } from '../adapters/http-feed/http-poll-feed.adapter';
import { WebSocketFeed } from '../adapters/ws-feed/websocket-feed.adapter';
import type { ClockPort } from '../ports/clock.port';
import type { FeedSourcePort } from '../ports/feed-source.port';
import type { FeedToken, IngestConfig } from './ingest-config';

/** The feed of an ingest run, picked by the URL's scheme: polled over HTTP for http(s)://, streamed for ws(s)://. */
export function feedSource(config: IngestConfig, clock: ClockPort): FeedSourcePort {
  const token = config.token === undefined ? {} : { token: feedToken(config.token) };
  if (config.feed === 'http')
    return new HttpPollFeed(config.from, {
      everyMs: config.everyMs,
      timeoutMs: config.timeoutMs,
      maxPayloadBytes: config.maxPayloadBytes,
      clock,
      ...token,
    });
  return new WebSocketFeed({
    url: config.from,
    subscribe: config.subscribe,
    silenceMs: config.silenceMs,
    maxPayloadBytes: config.maxPayloadBytes,
    clock,
    ...token,
  });
}

/** The token as both feeds take it: its value, and where it goes. */
function feedToken(token: FeedToken): { value: string; placement: { in: 'query' | 'header'; name: string } } {
  return { value: token.value, placement: { in: token.in, name: token.name } };
}
