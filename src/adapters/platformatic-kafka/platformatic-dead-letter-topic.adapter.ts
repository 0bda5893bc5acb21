import { Admin } from '@platformatic/kafka';
import { HexstreamError } from '../../domain/hexstream-error';
import type { DeadLetter } from '../../domain/records';
import type { DeadLetterPort } from '../../ports/dead-letter.port';
import { describeKafkaError } from '../kafka/kafka-errors';
import type { KafkaDeadLetterOptions } from '../kafka/kafka-dead-letter-topic.adapter';
import { sendDeadLetters } from '../kafka/send-dead-letters';
import { withDeadline } from '../system/deadline';
import { clientBase, closeQuietly } from './platformatic-client';
import { newProducer, toProduced, type HexProducer } from './platformatic-messages';

const DEFAULT_OPEN_TIMEOUT_MS = 15_000;

/**
 * The dead-letter port on a Kafka topic through @platformatic/kafka: the same messages as
 * `KafkaDeadLetterTopic` (value = the record's raw text, headers = reason, detail, source
 * partition and offset, …), sent by an idempotent producer with acks from all in-sync replicas,
 * in requests under `MAX_REQUEST_BYTES`, each awaited before the next (in order). At least once,
 * as the kafkajs adapter: a crash between the letters and the result store's commit sends them again.
 */
export class PlatformaticDeadLetterTopic implements DeadLetterPort {
  private producer: HexProducer | undefined;

  constructor(private readonly options: KafkaDeadLetterOptions) {}

  async open(): Promise<void> {
    const previous = this.producer;
    this.producer = undefined;
    await closeQuietly(previous);
    const ms = this.options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
    const base = clientBase(this.options.clientId ?? 'hexstream-dead-letters', this.options.brokers, ms);
    const admin = new Admin(base);
    const producer = newProducer({ ...base, idempotent: true, acks: -1, retries: 5 });
    const connecting = this.connect(admin, producer);
    try {
      await withDeadline(connecting, ms, () => {
        throw new Error(`no answer within ${ms} ms`);
      });
    } catch (e) {
      void connecting.catch(() => undefined).then(() => closeQuietly(producer));
      throw new HexstreamError(
        'SINK_UNAVAILABLE',
        `cannot reach Kafka at ${this.options.brokers.join(',')} to open the dead-letter topic ${this.options.topic}: ${describeKafkaError(e)}`,
        { cause: e },
      );
    } finally {
      await closeQuietly(admin);
    }
    this.producer = producer;
  }

  async publish(letters: readonly DeadLetter[]): Promise<void> {
    await sendDeadLetters(letters, this.options, this.producer, (producer, messages) =>
      producer.send({ messages: messages.map((m) => toProduced(this.options.topic, m)), acks: -1 }),
    );
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.close();
  }

  /** Creates the topic unless it exists (one partition), and readies the idempotent producer. */
  private async connect(admin: Admin, producer: HexProducer): Promise<void> {
    const topics = await admin.listTopics();
    if (!topics.includes(this.options.topic)) {
      await admin.createTopics({ topics: [this.options.topic], partitions: 1, replicas: 1 }).catch((e: unknown) => {
        if (!/already exists/i.test(String((e as Error).message) + JSON.stringify(e))) throw e;
      });
    }
    await producer.initIdempotentProducer({});
  }
}
