import { HexstreamError } from '../../domain/hexstream-error';
import type { ClockPort } from '../../ports/clock.port';

/** Where the token goes: a query parameter (`?token=…`) or a request header (`X-Finnhub-Token: …`). */
export type TokenPlacement =
  { readonly in: 'query'; readonly name: string } | { readonly in: 'header'; readonly name: string };

export interface HttpFeedToken {
  readonly value: string;
  readonly placement: TokenPlacement;
}

/** How a poll retries a failed request: capped exponential backoff with full jitter. */
export interface RetryLimits {
  /** Requests per poll, the first one included (1: no retry). */
  readonly attempts: number;
  /** The backoff ceiling after the first failure; it doubles with each further failure. */
  readonly baseDelayMs: number;
  /** The backoff ceiling never grows past this. */
  readonly maxDelayMs: number;
  /** A `Retry-After` longer than this is cut to it (a server cannot park the feed for a day). */
  readonly maxRetryAfterMs: number;
}

/** What `ingest` gives an `HttpPollFeed`; see `resolveHttpPollOptions` for the defaults. */
export interface HttpPollOptions {
  /** A poll starts every `everyMs` (processing time), or as soon as the previous one ends if that is later. */
  readonly everyMs: number;
  /** Each request, from connecting to the body's last byte, must be done within this. */
  readonly timeoutMs: number;
  /** A body larger than this (decoded bytes on the wire) is cut off and becomes a `too-large` rejection. */
  readonly maxPayloadBytes: number;
  /** Stamps `receivedAtMs` and outages, and times the schedule (the waits themselves are real timers). */
  readonly clock: ClockPort;
  readonly token?: HttpFeedToken;
  readonly retry?: Partial<RetryLimits>;
  /** Payloads and rejections held until `poll()` takes them; while full, no request is made. */
  readonly maxBuffered?: number;
  /** A number in [0, 1): the jitter's draw. Tests pass a fixed one. */
  readonly random?: () => number;
}

export interface ResolvedHttpPollOptions extends Required<Omit<HttpPollOptions, 'token' | 'retry'>> {
  readonly token?: HttpFeedToken;
  readonly retry: RetryLimits;
}

export const HTTP_POLL_DEFAULTS = {
  everyMs: 10_000,
  timeoutMs: 5_000,
  maxPayloadBytes: 4 * 1024 * 1024,
  maxBuffered: 16,
  retry: { attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 300_000 },
} as const;

/** `options` with defaults filled in; a value no feed can run with is a `CONFIG_INVALID` error. */
export function resolveHttpPollOptions(options: HttpPollOptions): ResolvedHttpPollOptions {
  const retry: RetryLimits = { ...HTTP_POLL_DEFAULTS.retry, ...definedOnly(options.retry ?? {}) };
  const resolved: ResolvedHttpPollOptions = {
    everyMs: options.everyMs,
    timeoutMs: options.timeoutMs,
    maxPayloadBytes: options.maxPayloadBytes,
    clock: options.clock,
    maxBuffered: options.maxBuffered ?? HTTP_POLL_DEFAULTS.maxBuffered,
    random: options.random ?? Math.random,
    retry,
    ...(options.token === undefined ? {} : { token: options.token }),
  };
  const positive: Record<string, number> = {
    everyMs: resolved.everyMs,
    timeoutMs: resolved.timeoutMs,
    maxPayloadBytes: resolved.maxPayloadBytes,
    maxBuffered: resolved.maxBuffered,
    'retry.attempts': retry.attempts,
  };
  for (const [name, value] of Object.entries(positive))
    if (!Number.isSafeInteger(value) || value < 1)
      throw invalid(`${name} must be a whole number of at least 1, not ${value}`);
  for (const [name, value] of Object.entries(retry))
    if (!Number.isFinite(value) || value < 0) throw invalid(`retry.${name} must be 0 or more, not ${value}`);
  if (options.token !== undefined) checkToken(options.token);
  return resolved;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

/** Errors name the token's place, never its value. */
function checkToken(token: HttpFeedToken): void {
  const { placement } = token;
  if (placement.name === '') throw invalid(`the token's ${placement.in} parameter needs a name`);
  if (token.value === '') throw invalid('the token is empty');
  if (placement.in === 'header' && !HEADER_NAME.test(placement.name))
    throw invalid(`"${placement.name}" is not a header name`);
  if (placement.in === 'header' && !HEADER_VALUE.test(token.value))
    throw invalid(`the token holds a character the header ${placement.name} cannot carry (printable ASCII only)`);
}

function definedOnly<T extends object>(partial: T): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function invalid(message: string): HexstreamError {
  return new HexstreamError('CONFIG_INVALID', `HTTP feed: ${message}`);
}
