import { Kafka, logLevel, Partitioners, type Admin, type Message, type Producer } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import type { FeedDeadLetter, FeedMessage, FeedSinkPort } from '../../ports/feed-sink.port';
import { connectWithin } from './connect-within';
import { describeKafkaError, isKafkaUnavailable } from './kafka-errors';
import { batchesUnder, MAX_REQUEST_BYTES } from './message-batches';

export interface FeedTopicSinkOptions {
  readonly brokers: readonly string[];
  /** The topic of quotes or trades; created with `partitions` partitions when absent. */
  readonly topic: string;
  /** The dead-letter topic (`<topic>.dead-letter`); created with one partition when absent. */
  readonly deadLetterTopic: string;
  /** Partitions of `topic` when it has to be created (an existing topic is left as it is). */
  readonly partitions: number;
  /** Where the payloads came from (the token masked): the dead letters' `source` header. */
  readonly source?: string;
  readonly clientId?: string;
  /** Bound on connecting and readying the topics (default 15 s). */
  readonly openTimeoutMs?: number;
}

const DEFAULT_OPEN_TIMEOUT_MS = 15_000;
// Bounded: the pipeline keeps what failed and sends it again itself once the broker is back.
const SEND_RETRY = { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 };

/**
 * `ingest`'s sink on Kafka: messages to the topic, keyed by symbol with the event time as the
 * record's timestamp; dead letters to `<topic>.dead-letter`, value = what arrived (bounded by the
 * feed), headers = `reason`, `detail`, `received-at` (ISO-8601) and `source` (the feed).
 *
 *   send: messages ─▶ topic (idempotent, acks=all, one request in flight: in order per key)
 *         dead letters ─▶ <topic>.dead-letter                         ─▶ resolved: durable
 *
 * An unreachable broker is `SINK_UNAVAILABLE` (the pipeline keeps the batch and sends it again);
 * a producer lost that way is opened again by the next `send`.
 */
export class FeedTopicSink implements FeedSinkPort {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;

  constructor(private readonly options: FeedTopicSinkOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'hexstream-ingest',
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      logLevel: logLevel.NOTHING,
      retry: { retries: 3 },
    });
  }

  async open(): Promise<void> {
    const previous = this.producer;
    this.producer = undefined;
    await previous?.disconnect().catch(() => undefined);
    const admin = this.kafka.admin();
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: SEND_RETRY,
    });
    const ms = this.options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
    await connectWithin(
      this.connect(admin, producer),
      ms,
      [producer, admin],
      `cannot reach Kafka at ${this.where()} to open topic ${this.options.topic}`,
    );
    await admin.disconnect().catch(() => undefined);
    this.producer = producer;
  }

  async send(messages: readonly FeedMessage[], deadLetters: readonly FeedDeadLetter[]): Promise<void> {
    if (messages.length === 0 && deadLetters.length === 0) return;
    // Lost with an outage, or never opened (the broker was down at start): open again, or fail as unavailable.
    if (this.producer === undefined) await this.open();
    const producer = this.producer;
    if (producer === undefined) throw new HexstreamError('INTERNAL', 'FeedTopicSink: no producer after open');
    try {
      for (const batch of batchesUnder(messages.map(topicMessage), MAX_REQUEST_BYTES))
        await producer.send({ topic: this.options.topic, acks: -1, messages: batch });
      const letters = deadLetters.map((d) => deadLetterMessage(d, this.options.source));
      for (const batch of batchesUnder(letters, MAX_REQUEST_BYTES))
        await producer.send({ topic: this.options.deadLetterTopic, acks: -1, messages: batch });
    } catch (e) {
      const unavailable = isKafkaUnavailable(e);
      if (unavailable) {
        this.producer = undefined;
        void producer.disconnect().catch(() => undefined);
      }
      throw new HexstreamError(
        unavailable ? 'SINK_UNAVAILABLE' : 'SINK_WRITE_FAILED',
        `cannot send to topic ${this.options.topic} on Kafka at ${this.where()}: ${describeKafkaError(e)}`,
        { cause: e },
      );
    }
  }

  async close(): Promise<void> {
    // Every send is awaited before it resolves: nothing is held back here to flush.
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }

  private async connect(admin: Admin, producer: Producer): Promise<void> {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const wanted = [
      { topic: this.options.topic, numPartitions: this.options.partitions, replicationFactor: 1 },
      { topic: this.options.deadLetterTopic, numPartitions: 1, replicationFactor: 1 },
    ].filter((t) => !existing.has(t.topic));
    if (wanted.length > 0) await admin.createTopics({ topics: wanted, waitForLeaders: true });
    await producer.connect();
  }

  private where(): string {
    return this.options.brokers.join(',');
  }
}

function topicMessage(m: FeedMessage): Message {
  return { key: m.key, value: m.value, timestamp: String(m.timestampMs) };
}

/** A dead letter as a message: what arrived as the value, why in the headers. */
export function deadLetterMessage(d: FeedDeadLetter, source: string | undefined): Message {
  const headers: Record<string, string> = {
    reason: d.reason,
    detail: d.detail,
    'received-at': new Date(d.receivedAtMs).toISOString(),
  };
  if (source !== undefined) headers['source'] = source;
  return { value: d.raw, headers, timestamp: String(d.receivedAtMs) };
}
