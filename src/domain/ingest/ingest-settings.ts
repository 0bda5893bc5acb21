/** The built-in shapes of a feed's payloads (see `docs/ingest.md`). */
export const FEED_FORMATS = ['iex-batch', 'finnhub-trades', 'json', 'jsonl'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

export interface IngestSettings {
  readonly format: FeedFormat;
  /** Where the data comes from, for lines and reports (the token masked). */
  readonly from: string;
  /** Where it goes, for lines and reports: `topic quotes`, or a file. */
  readonly to: string;
  /** How often a progress line is logged (processing time). */
  readonly progressIntervalMs: number;
  /** Messages and dead letters held while the sink is unreachable before the feed is no longer polled. */
  readonly maxPending: number;
  /** Symbols whose last update time is remembered to drop unchanged quotes (the oldest are forgotten first). */
  readonly maxRemembered: number;
}

/** What an ingest run counted so far. */
export interface IngestCounters {
  /** Payloads the feed delivered (HTTP bodies, WebSocket messages). */
  readonly payloads: number;
  /** Messages sent to the sink (acknowledged). */
  readonly messages: number;
  /** Quotes dropped because the same symbol and update time was already sent. */
  readonly unchanged: number;
  /** Dead letters sent, by reason (`invalid`, `status`, `too-large`, `not-text`, `protocol`). */
  readonly deadLetters: Readonly<Record<string, number>>;
}

/** An ingest run's figures now, for the progress line, `/metrics` and the report. */
export interface IngestReading {
  readonly nowMs: number;
  readonly counters: IngestCounters;
  /** Messages and dead letters waiting for the sink. */
  readonly pending: number;
  /** The outage going on, if any: the feed's (`source`) or the sink's. */
  readonly outage?: { readonly side: 'source' | 'sink'; readonly what: string; readonly sinceMs: number };
  /** Milliseconds each side was unreachable so far, the current outage included. */
  readonly outageMs: { readonly source: number; readonly sink: number };
}

export interface IngestReport {
  readonly startedAtMs: number;
  readonly elapsedMs: number;
  readonly counters: IngestCounters;
}
