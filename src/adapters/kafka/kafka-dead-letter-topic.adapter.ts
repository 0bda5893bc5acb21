import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import type { DeadLetter } from '../../domain/records';
import type { DeadLetterPort } from '../../ports/dead-letter.port';
import { connectWithin } from './connect-within';
import { sendDeadLetters } from './send-dead-letters';

export interface KafkaDeadLetterOptions {
  readonly brokers: readonly string[];
  /** The dead-letter topic (default `<topic>.dead-letter`); created with one partition if absent. */
  readonly topic: string;
  readonly clientId?: string;
  /** Bound on connecting and readying the topic in `open` (default 15 s). */
  readonly openTimeoutMs?: number;
}

const DEFAULT_OPEN_TIMEOUT_MS = 15_000;

/**
 * The dead-letter port on a Kafka topic. Value = the record's raw text (bounded); headers = reason,
 * detail, source partition and offset (and `raw-bytes` for a record cut short). Each dead letter
 * is at most a few KiB, and a trigger's are sent in requests under `MAX_REQUEST_BYTES`, so the
 * topic needs no size settings.
 *
 *   publish:  send (idempotent producer, acks=all, one request in flight: in order) ─▶ resolved
 *
 * The use case publishes before the result store's transaction (`commit-trigger.ts`), so a crash
 * between the two sends them again when the records are read again: at least once (never lost),
 * and a reader can drop repeats by (source partition, source offset). Replayed records (re-read
 * only to rebuild open windows) are not dead-lettered twice: the engine suppresses them.
 *
 * `open` either leaves the producer connected, or nothing: a failed open disconnects what it
 * started, whose connection would otherwise keep the process alive until the broker drops it.
 */
export class KafkaDeadLetterTopic implements DeadLetterPort {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;

  constructor(private readonly options: KafkaDeadLetterOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'hexstream-dead-letters',
      brokers: [...options.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 5 },
    });
  }

  async open(): Promise<void> {
    // Opened again after an outage: the old producer goes first.
    const previous = this.producer;
    this.producer = undefined;
    await previous?.disconnect().catch(() => undefined);
    const admin = this.kafka.admin();
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    const ms = this.options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
    await connectWithin(
      this.connect(admin, producer),
      ms,
      [producer, admin],
      `cannot reach Kafka at ${this.options.brokers.join(',')} to open the dead-letter topic ${this.options.topic}`,
    );
    await admin.disconnect().catch(() => undefined);
    this.producer = producer;
  }

  async publish(letters: readonly DeadLetter[]): Promise<void> {
    await sendDeadLetters(letters, this.options, this.producer, (producer, messages) =>
      producer.send({ topic: this.options.topic, acks: -1, messages }),
    );
  }

  /** Connects, creates the topic unless it exists, and readies the producer. */
  private async connect(admin: Admin, producer: Producer): Promise<void> {
    await admin.connect();
    const topics = await admin.listTopics();
    if (!topics.includes(this.options.topic)) {
      await admin.createTopics({
        topics: [{ topic: this.options.topic, numPartitions: 1, replicationFactor: 1 }],
        waitForLeaders: true,
      });
    }
    await producer.connect();
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }
}
