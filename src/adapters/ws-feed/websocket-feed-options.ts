import { HexstreamError } from '../../domain/hexstream-error';
import type { ClockPort } from '../../ports/clock.port';

/**
 * The service's token and where it goes: a query parameter of the URL or a header of the handshake
 * (the parameter's or the header's name: `token`, `X-Finnhub-Token`). The same shape as the HTTP
 * feed's token, so one value serves both.
 */
export interface FeedToken {
  readonly value: string;
  readonly placement: { readonly in: 'query' | 'header'; readonly name: string };
}

/** Reconnection delays: the n-th reconnection in a row waits up to `min(maxMs, initialMs * 2^(n-1))`. */
export interface BackoffLimits {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** How a {@link WebSocketFeed} connects and when it gives up on a connection. */
export interface WebSocketFeedOptions {
  /** `ws://` or `wss://`, without the token. */
  readonly url: string;
  /** Texts sent, in this order, as soon as each connection (the first and every reconnection) is open. */
  readonly subscribe?: readonly string[];
  readonly token?: FeedToken;
  /**
   * A connection that brings nothing for this long (no message, no application or protocol ping,
   * no pong), or whose handshake takes this long, is dropped and replaced. Default 30 s.
   */
  readonly silenceMs?: number;
  /** A message larger than this is refused (`too-large`) and costs the connection. Default 4 MiB. */
  readonly maxPayloadBytes?: number;
  /** Bytes of messages held between polls before the socket is paused. Default 16 MiB. */
  readonly maxBufferedBytes?: number;
  /** Default 500 ms up to 30 s. */
  readonly backoff?: BackoffLimits;
  /** Time stamps of payloads, rejections and outages. Timers run on real time. */
  readonly clock: ClockPort;
  /** A number in [0, 1) for the jitter of reconnection delays. Default `Math.random`. */
  readonly random?: () => number;
}

export const WEBSOCKET_FEED_DEFAULTS = {
  silenceMs: 30_000,
  maxPayloadBytes: 4 * 1024 * 1024,
  maxBufferedBytes: 16 * 1024 * 1024,
  backoff: { initialMs: 500, maxMs: 30_000 },
} as const;

/**
 * How long to wait before reconnection `attempt` (1 for the first after a loss): a random delay
 * between half and all of the capped exponential step ("equal jitter"), so that many clients
 * dropped together do not come back together, yet a retry never comes at once.
 */
export function reconnectDelayMs(attempt: number, limits: BackoffLimits, random: () => number): number {
  const step = Math.min(limits.maxMs, limits.initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(step / 2 + (step / 2) * Math.min(Math.max(random(), 0), 1));
}

/** The address and headers to connect with: the token placed where the service expects it. */
export function connectTarget(
  url: string,
  token: FeedToken | undefined,
): { readonly url: string; readonly headers: Readonly<Record<string, string>> } {
  if (token === undefined) return { url, headers: {} };
  const { name } = token.placement;
  if (token.placement.in === 'header') {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new HexstreamError('CONFIG_INVALID', `the token's header name "${name}" is not a valid header name`);
    // Control characters would make every handshake fail; say so once, without showing the token.
    if ([...token.value].some((c) => (c < ' ' && c !== '\t') || c === '\x7f'))
      throw new HexstreamError('CONFIG_INVALID', 'the token holds control characters, which a header cannot carry');
    return { url, headers: { [name]: token.value } };
  }
  // Appended, not re-serialized: the query as given stays byte for byte (`AAPL,MSFT` is not `AAPL%2CMSFT`).
  const withToken = new URL(url);
  const pair = `${encodeURIComponent(name)}=${encodeURIComponent(token.value)}`;
  withToken.search = withToken.search === '' || withToken.search === '?' ? `?${pair}` : `${withToken.search}&${pair}`;
  return { url: withToken.href, headers: {} };
}
