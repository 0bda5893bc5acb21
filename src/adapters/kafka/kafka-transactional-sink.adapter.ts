import { inject, injectable } from 'inversify';
import { Kafka, logLevel, type Message, type Producer, type Transaction } from 'kafkajs';
import { translateKafkaError } from './kafka-errors';
import { connectTransactionalProducer, ensureOutputTopics, readCheckpointPastBarrier } from './kafka-output-topics';
import { KafkaSinkOptions } from './kafka-sink-options';
import { TransactionalTopicStore, type CheckpointRead } from './transactional-topic-store';

export { KafkaSinkOptions, type KafkaSinkFaultInjection } from './kafka-sink-options';

/**
 * The `--to-kafka` result store: a job's rows on a Kafka topic, exactly once for `read_committed`
 * readers. Its `deadLetterPort` stages the trigger's dead letters (the use case publishes them
 * just before the commit) into the same transaction, so they too are exactly once. Each trigger
 * is one Kafka transaction holding
 *
 *   ┌ transaction (transactional id hexstream.<job>.<group>.<instance>) ──────────────────────────┐
 *   │ rows ─▶ <output topic>   key = keyColumn (or row key), value = the row as JSON, header row-key │
 *   │ staged dead letters ─▶ <dead-letter topic>   value = raw record, headers reason, detail, …    │
 *   │ per partition: position, engine state (opaque) ─▶ <checkpoint topic> (compacted)              │
 *   │ [graceful stop: the engine's snapshot, in chunks]                                              │
 *   │ sendOffsets: positions as the consumer group's offsets (lag monitoring only)                   │
 *   └──────────────────────────────────────────────────────────── commit, or abort on any failure ─┘
 *
 * Restarts resume from the checkpoint topic, never from the group's offsets. `open()` first
 * initialises the transactional producer, which fences any earlier producer with the same id
 * (a crashed or stuck instance) and aborts its open transaction; it then commits a barrier
 * message and reads the checkpoint topic up to it: once the barrier is visible to a
 * `read_committed` reader, every transaction begun before it has ended, so the read sees every
 * commit made before this instance started.
 *
 * Failures: a producer fenced by a newer one (same id) fails with SINK_FENCED and stays fenced;
 * a failure before COMMIT aborts (nothing visible); a failure during COMMIT leaves the outcome
 * unknown: SINK_UNAVAILABLE, and the sink refuses further commits until reopened.
 */
@injectable()
export class KafkaTransactionalSink extends TransactionalTopicStore<Producer, Transaction> {
  private readonly kafka: Kafka;

  constructor(@inject(KafkaSinkOptions) options: KafkaSinkOptions) {
    super(options);
    this.kafka = new Kafka({
      clientId: `hexstream-${options.job}-sink`,
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
      logLevel: logLevel.NOTHING,
    });
  }

  protected async ensureTopics(ms: number): Promise<void> {
    // A broker that accepts connections and never answers would hold kafkajs for its request
    // timeout (30 s) times its retries: the first contact gets a deadline of its own. The timeout
    // is named as kafkajs names a connection failure.
    await this.ensureWithin(ensureOutputTopics(this.kafka, this.options), ms, { name: 'KafkaJSConnectionError' });
  }

  protected connectProducer(): Promise<Producer> {
    return connectTransactionalProducer(this.kafka, this.transactionalId, this.options);
  }

  protected readPastBarrier(producer: Producer): Promise<CheckpointRead> {
    return readCheckpointPastBarrier(this.kafka, producer, this.codec, this.options);
  }

  protected begin(producer: Producer): Promise<Transaction> {
    return producer.transaction();
  }

  protected async send(transaction: Transaction, topic: string, messages: Message[]): Promise<void> {
    await transaction.send({ topic, acks: -1, messages });
  }

  protected async sendOffsets(transaction: Transaction, positions: ReadonlyMap<number, number>): Promise<void> {
    const partitions = [...positions].map(([partition, offset]) => ({ partition, offset: String(offset) }));
    await transaction.sendOffsets({
      consumerGroupId: this.options.consumerGroup,
      topics: [{ topic: this.options.sourceTopic, partitions }],
    });
  }

  protected isActive(transaction: Transaction): boolean {
    return transaction.isActive();
  }

  protected async disconnect(producer: Producer): Promise<void> {
    try {
      await producer.disconnect();
    } catch (e) {
      throw translateKafkaError(e, 'disconnect the producer', this.options.brokers);
    }
  }
}
