import { HexstreamError } from '../domain/hexstream-error';
import type { ClockPort } from '../ports/clock.port';
import type { FeedSourcePort } from '../ports/feed-source.port';
import type { IngestConfig } from './ingest-config';

/** The feed of an ingest run: polled over HTTP for http(s)://, streamed for ws(s)://. */
export function feedSource(config: IngestConfig, _clock: ClockPort): FeedSourcePort {
  throw new HexstreamError('INTERNAL', `no ${config.feed} feed adapter is wired yet`);
}
