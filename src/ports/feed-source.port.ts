import type { ServiceIdentifier } from 'inversify';

/** One payload a feed delivered: an HTTP response body, or one WebSocket message. */
export interface FeedPayload {
  readonly text: string;
  /** When it arrived (epoch ms, the `ClockPort`'s time). */
  readonly receivedAtMs: number;
}

/** What a feed got but cannot hand on as a payload: a non-2xx answer, a body too large or not UTF-8. */
export interface FeedRejection {
  /** `status` (a non-2xx answer), `too-large`, `not-text` or `protocol` (a message the protocol did not expect). */
  readonly reason: 'status' | 'too-large' | 'not-text' | 'protocol';
  /** One line saying what was wrong: `HTTP 500 Internal Server Error`, `body of 10,485,760 bytes, over 8 MiB`. */
  readonly detail: string;
  /** The start of what arrived, bounded (a few KiB), for the dead letter. */
  readonly raw: string;
  readonly receivedAtMs: number;
}

/** What one `poll` got. */
export interface FeedPoll {
  readonly payloads: readonly FeedPayload[];
  readonly rejected: readonly FeedRejection[];
  /**
   * Set while the feed cannot reach its server and is retrying or reconnecting on its own (refused,
   * timed out, dropped, silent, answering 5xx): what failed, and since when. Payloads resume once it is back.
   */
  readonly unavailable?: { readonly what: string; readonly sinceMs: number };
}

/**
 * Where `ingest` gets its data: an HTTP endpoint polled at an interval, or a WebSocket stream.
 *
 * Contract:
 * - `open()` starts fetching (the first poll of an HTTP feed, the connection and subscriptions of
 *   a WebSocket feed); it resolves once started, even if the server is down (that is an outage).
 * - `poll(maxWaitMs)` returns what arrived since the last call, waiting at most `maxWaitMs` for
 *   something; payloads in arrival order, each exactly once. The feed buffers a bounded amount
 *   between polls (a WebSocket feed pauses reading when full).
 * - The feed retries and reconnects by itself, with backoff and jitter; it never throws for an
 *   outage, only reports it in `unavailable`. `close()` stops it and releases every connection.
 */
export interface FeedSourcePort {
  open(): Promise<void>;
  poll(maxWaitMs: number): Promise<FeedPoll>;
  close(): Promise<void>;
}

export const FeedSourcePort: ServiceIdentifier<FeedSourcePort> = Symbol.for('hexstream.FeedSourcePort');
