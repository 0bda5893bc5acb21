import type { ServiceIdentifier } from 'inversify';

/** One message for the topic: a quote or a trade, keyed by symbol, stamped with its event time. */
export interface FeedMessage {
  readonly key: string;
  /** The JSON text the jobs read (`{"symbol","price","ts"}`, or with `"volume"` for trades). */
  readonly value: string;
  /** The event time (epoch ms): the Kafka record's timestamp. */
  readonly timestampMs: number;
}

/** Something that arrived and could not become a message, with why. */
export interface FeedDeadLetter {
  /** `invalid` (not JSON, a quote without a price…) or the feed's own rejection reason (`status`, `too-large`…). */
  readonly reason: string;
  readonly detail: string;
  /** What arrived (bounded). */
  readonly raw: string;
  readonly receivedAtMs: number;
}

/**
 * Where `ingest` writes: the input topic and its dead-letter topic (`<topic>.dead-letter`), or, in
 * `test` mode, two JSON Lines files.
 *
 * Contract: `send` resolves once the messages and the dead letters are durable (acknowledged by the
 * broker, or written), and rejects with a `HexstreamError` otherwise (`SINK_UNAVAILABLE` while the
 * broker is unreachable: the caller keeps them and sends again). Order is kept per key.
 * `close()` flushes what is pending first.
 */
export interface FeedSinkPort {
  open(): Promise<void>;
  send(messages: readonly FeedMessage[], deadLetters: readonly FeedDeadLetter[]): Promise<void>;
  close(): Promise<void>;
}

export const FeedSinkPort: ServiceIdentifier<FeedSinkPort> = Symbol.for('hexstream.FeedSinkPort');
