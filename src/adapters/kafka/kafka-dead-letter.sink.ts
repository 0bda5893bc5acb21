import { Kafka, logLevel, type Producer } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import type { TableSchema } from '../../domain/table-schema';
import type { SinkCheckpoint, SinkPort, TriggerCommit } from '../../ports/sink.port';
import { deadLetterMessage } from './dead-letter-message';
import { batchesUnder } from './message-batches';

export interface KafkaDeadLetterOptions {
  readonly brokers: readonly string[];
  /** The dead-letter topic (default `<topic>.dead-letter`); created with one partition if absent. */
  readonly topic: string;
  readonly clientId?: string;
}

/**
 * Dead letters per send: a trigger of bad records would otherwise be one request of up to
 * `--trigger-records` records, held whole in memory and over the broker's record-batch limit.
 */
const SEND_BYTES = 512 * 1024;

/**
 * Puts a trigger's dead letters on a Kafka topic, then hands the rest of the trigger to the table
 * sink. Value = the record's raw text; headers = reason, detail, source partition and offset.
 *
 *   commit:  send dead letters (idempotent producer, acks=all, ≤ 512 KiB a send) ─▶ inner.commit(rows + checkpoint)
 *
 * Sent before the rows' transaction, so a crash between the two sends them again when the records
 * are read again: dead letters are at-least-once (never lost), and a reader can drop repeats by
 * (source partition, source offset). Replayed records (re-read only to rebuild open windows) are
 * not dead-lettered twice: the engine suppresses them.
 */
export class KafkaDeadLetterSink implements SinkPort {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;

  constructor(
    private readonly inner: SinkPort,
    private readonly options: KafkaDeadLetterOptions,
  ) {
    this.kafka = new Kafka({ clientId: options.clientId ?? 'hexstream-dead-letters', brokers: [...options.brokers], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
  }

  async open(table: TableSchema): Promise<SinkCheckpoint | undefined> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const topics = await admin.listTopics();
      if (!topics.includes(this.options.topic)) {
        await admin.createTopics({ topics: [{ topic: this.options.topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      }
      this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await this.producer.connect();
    } catch (e) {
      throw new HexstreamError('SINK_UNAVAILABLE', `cannot open dead-letter topic ${this.options.topic} on ${this.options.brokers.join(',')}: ${(e as Error).message}`, { cause: e });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    return this.inner.open(table);
  }

  checkpoint(): Promise<SinkCheckpoint | undefined> {
    return this.inner.checkpoint();
  }

  async commit(trigger: TriggerCommit): Promise<void> {
    if (trigger.deadLetters.length > 0) {
      const producer = this.producer;
      if (producer === undefined) throw new HexstreamError('SINK_WRITE_FAILED', 'dead-letter sink used before open()');
      try {
        for (const messages of batchesUnder(trigger.deadLetters.map(deadLetterMessage), SEND_BYTES)) await producer.send({ topic: this.options.topic, acks: -1, messages });
      } catch (e) {
        throw new HexstreamError('SINK_WRITE_FAILED', `cannot send dead letters to ${this.options.topic}: ${(e as Error).message}`, { cause: e });
      }
    }
    await this.inner.commit(trigger.deadLetters.length > 0 ? { ...trigger, deadLetters: [] } : trigger);
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await Promise.all([producer?.disconnect(), this.inner.close()]);
  }
}
