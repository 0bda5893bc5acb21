import { Kafka, logLevel, Partitioners, type Admin, type Message, type Producer } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';

/** The Kafka message key of one record's text; `undefined` sends the record without a key. */
export type MessageKeyOf = (line: string) => string | undefined;

export interface KafkaRecordProducerOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  /** Partitions of the topic when it has to be created; an existing topic is never changed. */
  readonly partitions: number;
  readonly key: MessageKeyOf;
  readonly clientId?: string;
  /** How long `open` may take to connect and create the topic (default 20 s). */
  readonly connectTimeoutMs?: number;
  /** A batch is sent when it holds this many records (default 1000)… */
  readonly maxBatchRecords?: number;
  /** …or this many bytes of keys and values (default 1 MB, under the broker's default message.max.bytes). */
  readonly maxBatchBytes?: number;
}

export interface OpenedTopic {
  /** Whether `open` created the topic (false: it existed and was left as it is). */
  readonly created: boolean;
  readonly partitions: number;
}

const DEFAULT_BATCH_RECORDS = 1000;
const DEFAULT_BATCH_BYTES = 1_000_000;
// Enough for a broker that is still starting; an unreachable one fails `open` in about 10 s.
const CONNECT_RETRY = { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 };
// kafkajs retries idempotent sends forever by default. A CLI should fail instead: it never re-sends
// on its own after giving up, so bounding the retries costs no duplicates.
const SEND_RETRY = { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 };

/**
 * Writes records (lines of text) to one Kafka topic through an idempotent producer: acks from all
 * in-sync replicas, one request in flight, so a retried batch is neither duplicated nor reordered.
 *
 * Records are gathered into batches and each batch is awaited before the next starts, so memory is
 * bounded by one batch whatever the caller's pace:
 *
 *   write ─▶ [ batch ≤ maxBatchRecords, ≤ maxBatchBytes ] ─ full or flush() ─▶ send (awaited)
 *
 * Driver errors leave as HexstreamError: SINK_UNAVAILABLE when the brokers cannot be reached or the
 * topic cannot be made, SINK_WRITE_FAILED when a send fails; each a single line naming the brokers.
 */
export class KafkaRecordProducer {
  private readonly kafka: Kafka;
  private readonly maxRecords: number;
  private readonly maxBytes: number;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private batch: Message[] = [];
  private batchBytes = 0;
  private sentCount = 0;
  /** Set by `close`: a connect that outlived `open`'s deadline must not leave clients behind. */
  private closed = false;

  constructor(private readonly options: KafkaRecordProducerOptions) {
    this.maxRecords = options.maxBatchRecords ?? DEFAULT_BATCH_RECORDS;
    this.maxBytes = options.maxBatchBytes ?? DEFAULT_BATCH_BYTES;
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'hexstream-produce',
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      retry: CONNECT_RETRY,
      logLevel: logLevel.NOTHING,
    });
  }

  /** Records acknowledged by the brokers so far. */
  get sent(): number {
    return this.sentCount;
  }

  /** Connects, creates the topic unless it exists, and readies the producer. */
  async open(): Promise<OpenedTopic> {
    const ms = this.options.connectTimeoutMs ?? 20_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([this.connect(), timeout]);
    } catch (e) {
      await this.close().catch(() => undefined);
      throw new HexstreamError(
        'SINK_UNAVAILABLE',
        `cannot produce to topic ${this.options.topic} on Kafka at ${this.brokerList()}: ${oneLine(e)}`,
        { cause: e },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Adds a record to the batch; resolves once the batch, if this record filled it, is sent. */
  async write(line: string): Promise<void> {
    const key = this.options.key(line);
    const bytes = Buffer.byteLength(line) + (key === undefined ? 0 : Buffer.byteLength(key));
    if (this.batch.length > 0 && this.batchBytes + bytes > this.maxBytes) await this.flush();
    this.batch.push({ key: key ?? null, value: line });
    this.batchBytes += bytes;
    if (this.batch.length >= this.maxRecords || this.batchBytes >= this.maxBytes) await this.flush();
  }

  /** Sends what is batched and waits for the acknowledgement. */
  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const producer = this.producer;
    if (producer === undefined) throw new HexstreamError('INTERNAL', 'KafkaRecordProducer.write before open');
    const messages = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    try {
      await producer.send({ topic: this.options.topic, acks: -1, messages });
    } catch (e) {
      throw new HexstreamError(
        'SINK_WRITE_FAILED',
        `cannot send to topic ${this.options.topic} on Kafka at ${this.brokerList()}: ${oneLine(e)}`,
        { cause: e },
      );
    }
    this.sentCount += messages.length;
  }

  /** Disconnects; records still batched are dropped (call `flush` first). */
  async close(): Promise<void> {
    this.closed = true;
    const { admin, producer } = this;
    this.admin = undefined;
    this.producer = undefined;
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  }

  private async connect(): Promise<OpenedTopic> {
    const { topic, partitions } = this.options;
    const admin = this.kafka.admin();
    this.admin = admin;
    await admin.connect();
    await this.unlessClosed(admin);
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    this.admin = undefined;
    await admin.disconnect();
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: SEND_RETRY,
    });
    this.producer = producer;
    await producer.connect();
    await this.unlessClosed(producer);
    return { created, partitions: metadata.topics.find((t) => t.name === topic)?.partitions.length ?? partitions };
  }

  /** Ends a connect that finished after `open` gave up (and closed). */
  private async unlessClosed(client: { disconnect(): Promise<void> }): Promise<void> {
    if (!this.closed) return;
    await client.disconnect();
    throw new Error('closed while connecting');
  }

  private brokerList(): string {
    return this.options.brokers.join(',');
  }
}

/** kafkajs messages may span lines; the CLI prints one. */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s+/g, ' ').trim();
}
