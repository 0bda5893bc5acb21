import { inject, injectable, type ServiceIdentifier } from 'inversify';
import { Kafka, logLevel, Partitioners, type Message, type Producer, type Transaction } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import type { ResultRow } from '../../domain/records';
import type { TableSchema } from '../../domain/table-schema';
import type { SinkCheckpoint, SinkPort, TriggerCommit } from '../../ports/sink.port';
import { rowRenderer } from '../encoding/row-json';
import { withDeadline } from '../system/deadline';
import { CheckpointTopicCodec, type SnapshotHead } from './checkpoint-topic';
import { deadLetterMessage } from './dead-letter-message';
import { batchesUnder, MAX_REQUEST_BYTES } from './message-batches';
import { describeKafkaError, isProducerFenced, translateKafkaError } from './kafka-errors';
import { readTopicUpTo } from './read-topic';

/** Test seam, called inside the commit's transaction after every send: a throw there aborts it. */
export interface KafkaSinkFaultInjection {
  beforeCommit?(): void | Promise<void>;
}

export interface KafkaSinkOptions {
  readonly brokers: readonly string[];
  readonly job: string;
  readonly consumerGroup: string;
  /** The input topic: its positions are sent as the group's offsets, for lag monitoring. */
  readonly sourceTopic: string;
  /** Where rows go; created with `outputPartitions` partitions if absent. */
  readonly outputTopic: string;
  readonly deadLetterTopic: string;
  /** The compacted topic holding checkpoints and snapshots; created (compacted, 1 partition) if absent. */
  readonly checkpointTopic: string;
  /** This instance's name, part of the transactional id: stable across restarts, unique among concurrent instances. */
  readonly instanceId: string;
  /** The column whose value is the message key (the row key when absent). */
  readonly keyColumn?: string;
  /** Partitions of the output topic when it has to be created (default 3). */
  readonly outputPartitions?: number;
  /** How long the broker lets a transaction stay open before aborting it (default 10 s). */
  readonly transactionTimeoutMs?: number;
  /** Bytes per produce request (default 900 kB, under the broker's default `message.max.bytes` of 1 MB). */
  readonly maxRequestBytes?: number;
  /** Bound on reading the checkpoint topic at open (default 60 s). */
  readonly readTimeoutMs?: number;
  /** Bound on the first contact at open: connecting and readying the topics (default 15 s). */
  readonly connectTimeoutMs?: number;
  readonly faultInjection?: KafkaSinkFaultInjection;
}

export const KafkaSinkOptions: ServiceIdentifier<KafkaSinkOptions> = Symbol.for('hexstream.KafkaSinkOptions');

const DEFAULT_TRANSACTION_TIMEOUT_MS = 10_000;
// A send that keeps failing aborts the transaction instead of retrying forever: nothing of it
// becomes visible, so bounded retries cost no duplicates.
const SEND_RETRY = { retries: 10, initialRetryTime: 25, maxRetryTime: 5_000 };
const CHECKPOINT_PARTITION = 0;
const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/**
 * Writes a job's rows to a Kafka topic exactly once for `read_committed` readers: each trigger is
 * one Kafka transaction holding
 *
 *   ┌ transaction (transactional id hexstream.<job>.<group>.<instance>) ──────────────────────────┐
 *   │ rows ─▶ <output topic>   key = keyColumn (or row key), value = the row as JSON, header row-key │
 *   │ dead letters ─▶ <dead-letter topic>   value = raw record, headers reason, detail, source-…    │
 *   │ per partition: position, watermark, replay point ─▶ <checkpoint topic> (compacted)            │
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
export class KafkaTransactionalSink implements SinkPort {
  private readonly kafka: Kafka;
  private readonly codec: CheckpointTopicCodec;
  private producer: Producer | undefined;
  private render: ((row: ResultRow, writtenAtMs: number) => string) | undefined;
  private keyOf: (row: ResultRow) => string = (row) => row.key;
  /** Snapshots stored, as last read or written: a new snapshot deletes those sharing a partition. */
  private heads: SnapshotHead[] = [];
  private fenced: HexstreamError | undefined;
  private inDoubt: HexstreamError | undefined;

  constructor(@inject(KafkaSinkOptions) private readonly options: KafkaSinkOptions) {
    this.kafka = new Kafka({
      clientId: `hexstream-${options.job}-sink`,
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
      logLevel: logLevel.NOTHING,
    });
    this.codec = new CheckpointTopicCodec({ job: options.job, consumerGroup: options.consumerGroup });
  }

  /** `hexstream.<job>.<group>.<instance>`: a restarted instance reuses it, and so fences its predecessor. */
  get transactionalId(): string {
    return `hexstream.${this.options.job}.${this.options.consumerGroup}.${this.options.instanceId}`;
  }

  async open(table: TableSchema): Promise<SinkCheckpoint | undefined> {
    const keyColumn = this.options.keyColumn;
    if (keyColumn !== undefined && !table.columns.some((c) => c.name === keyColumn)) {
      throw new HexstreamError(
        'CONFIG_INVALID',
        `message key column ${keyColumn} is not a column of table ${table.name}`,
      );
    }
    await this.close();
    this.render = rowRenderer(table);
    this.keyOf = keyColumn === undefined ? (row) => row.key : (row) => String(row.values[keyColumn] ?? '');
    this.fenced = undefined;
    this.inDoubt = undefined;
    try {
      // A broker that accepts connections and never answers would hold kafkajs for its request
      // timeout (30 s) times its retries: the first contact gets a deadline of its own.
      const ms = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      const ensuring = this.ensureTopics();
      ensuring.catch(() => undefined);
      await withDeadline(ensuring, ms, () => {
        // Named as kafkajs names a connection failure, so that `translate` calls it unavailable.
        throw Object.assign(new Error(`no answer within ${ms} ms`), { name: 'KafkaJSConnectionError' });
      });
      this.producer = await this.connectProducer();
      return await this.readCheckpoint();
    } catch (e) {
      await this.close().catch(() => undefined);
      throw this.translate(e, `open the sink of job ${this.options.job}`);
    }
  }

  async checkpoint(): Promise<SinkCheckpoint | undefined> {
    if (this.fenced !== undefined) throw this.fenced;
    if (this.render === undefined) throw new HexstreamError('SINK_WRITE_FAILED', 'Kafka sink used before open()');
    try {
      return await this.readCheckpoint();
    } catch (e) {
      throw this.translate(e, `read the checkpoint topic ${this.options.checkpointTopic}`);
    }
  }

  async commit(trigger: TriggerCommit): Promise<void> {
    if (this.fenced !== undefined) throw this.fenced;
    if (this.inDoubt !== undefined) throw this.inDoubt;
    const render = this.render;
    if (render === undefined) throw new HexstreamError('SINK_WRITE_FAILED', 'Kafka sink used before open()');
    const { messages, head } = this.messagesOf(trigger, render);
    let producer: Producer;
    try {
      // After an abort that itself failed, a new producer (same id) ends what is left of it.
      producer = this.producer ?? (this.producer = await this.connectProducer());
    } catch (e) {
      throw this.translate(e, `reconnect the producer for trigger ${trigger.sequence}`);
    }
    let transaction: Transaction | undefined;
    let committing = false;
    try {
      transaction = await producer.transaction();
      for (const [topic, batch] of messages) await this.sendAll(transaction, topic, batch);
      if (trigger.positions.size > 0) {
        const partitions = [...trigger.positions].map(([partition, offset]) => ({ partition, offset: String(offset) }));
        await transaction.sendOffsets({
          consumerGroupId: this.options.consumerGroup,
          topics: [{ topic: this.options.sourceTopic, partitions }],
        });
      }
      await this.options.faultInjection?.beforeCommit?.();
      committing = true;
      await transaction.commit();
    } catch (e) {
      throw await this.failed(e, trigger.sequence, transaction, committing);
    }
    if (head !== undefined)
      this.heads = [...this.heads.filter((h) => !h.partitions.some((p) => head.partitions.includes(p))), head];
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer === undefined) return;
    try {
      await producer.disconnect();
    } catch (e) {
      throw translateKafkaError(e, 'disconnect the producer', this.options.brokers);
    }
  }

  /** The trigger's messages per topic, in the order they are sent. */
  private messagesOf(
    trigger: TriggerCommit,
    render: (row: ResultRow, writtenAtMs: number) => string,
  ): { messages: Map<string, Message[]>; head: SnapshotHead | undefined } {
    const writtenAtMs = Date.now();
    const rows: Message[] = trigger.rows.map((row) => ({
      key: this.keyOf(row),
      value: render(row, writtenAtMs),
      headers: { 'row-key': row.key },
    }));
    const checkpoint = this.codec.partitionMessages(trigger);
    let head: SnapshotHead | undefined;
    if (trigger.snapshot !== undefined) {
      const chunkBytes = Math.floor((this.options.maxRequestBytes ?? MAX_REQUEST_BYTES) / 2);
      const written = this.codec.snapshotMessages(trigger.snapshot, this.heads, chunkBytes);
      checkpoint.push(...written.messages);
      head = written.head;
    }
    const messages = new Map<string, Message[]>([
      [this.options.outputTopic, rows],
      [this.options.deadLetterTopic, trigger.deadLetters.map(deadLetterMessage)],
      [this.options.checkpointTopic, checkpoint.map((m) => ({ ...m, partition: CHECKPOINT_PARTITION }))],
    ]);
    return { messages, head };
  }

  /** Sends in requests under `maxRequestBytes` (a broker refuses larger record batches). */
  private async sendAll(transaction: Transaction, topic: string, messages: readonly Message[]): Promise<void> {
    for (const batch of batchesUnder(messages, this.options.maxRequestBytes ?? MAX_REQUEST_BYTES)) {
      await transaction.send({ topic, acks: -1, messages: batch });
    }
  }

  /** Ends a failed commit as cleanly as possible and says what became of it. */
  private async failed(
    e: unknown,
    sequence: number,
    transaction: Transaction | undefined,
    committing: boolean,
  ): Promise<HexstreamError> {
    if (isProducerFenced(e)) return this.fence(e);
    if (committing) {
      this.inDoubt = new HexstreamError(
        'SINK_UNAVAILABLE',
        `COMMIT of trigger ${sequence} to Kafka at ${this.options.brokers.join(',')} failed: outcome unknown, reopen the sink to resume from the checkpoint topic (${describeKafkaError(e)})`,
        { cause: e },
      );
      return this.inDoubt;
    }
    if (transaction?.isActive() === true) {
      try {
        await transaction.abort();
      } catch (abortError) {
        if (isProducerFenced(abortError)) return this.fence(abortError);
        // The next commit starts a new producer with the same id, which aborts what is left.
        const producer = this.producer;
        this.producer = undefined;
        await producer?.disconnect().catch(() => undefined);
      }
    }
    return this.translate(e, `commit trigger ${sequence} (aborted, nothing of it is visible)`);
  }

  private fence(e: unknown): HexstreamError {
    const producer = this.producer;
    this.producer = undefined;
    void producer?.disconnect().catch(() => undefined);
    this.fenced = new HexstreamError(
      'SINK_FENCED',
      `transactional id ${this.transactionalId} was taken over by a newer producer (another instance started with the same --instance-id, ` +
        `or this transaction outlived its ${this.options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS} ms timeout): this trigger was aborted. ` +
        'Stop this instance; every concurrent instance needs its own --instance-id.',
      { cause: e },
    );
    return this.fenced;
  }

  private translate(e: unknown, action: string): HexstreamError {
    if (isProducerFenced(e)) return this.fence(e);
    return translateKafkaError(e, action, this.options.brokers);
  }

  private async ensureTopics(): Promise<void> {
    const { outputTopic, deadLetterTopic, checkpointTopic } = this.options;
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const wanted = [
        { topic: outputTopic, numPartitions: this.options.outputPartitions ?? 3, replicationFactor: 1 },
        { topic: deadLetterTopic, numPartitions: 1, replicationFactor: 1 },
        {
          topic: checkpointTopic,
          numPartitions: 1,
          replicationFactor: 1,
          // Compaction keeps the last entry per key; small dirty ratio and segments keep the read at open short.
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'min.cleanable.dirty.ratio', value: '0.1' },
            { name: 'segment.ms', value: String(3_600_000) },
          ],
        },
      ].filter((t, i, all) => !existing.has(t.topic) && all.findIndex((u) => u.topic === t.topic) === i);
      // Another instance may create them at the same moment: createTopics then reports false, which is fine.
      if (wanted.length > 0)
        await admin.createTopics({ topics: wanted, waitForLeaders: true }).catch((e: unknown) => {
          if (!String((e as Error).message).includes('already exists')) throw e;
        });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private async connectProducer(): Promise<Producer> {
    const producer = this.kafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: this.options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: SEND_RETRY,
    });
    await producer.connect();
    return producer;
  }

  /**
   * Commits a barrier and reads this owner's entries of the checkpoint topic up to it:
   *
   *   producer.transaction()  first use: InitProducerId fences older producers with this id and aborts their open transaction
   *   send barrier ─▶ commit  its offset b
   *   read_committed from the beginning until position > b: every commit before the barrier is in
   */
  private async readCheckpoint(): Promise<SinkCheckpoint | undefined> {
    const producer = this.producer ?? (this.producer = await this.connectProducer());
    const transaction = await producer.transaction();
    let barrier: number;
    try {
      const [metadata] = await transaction.send({
        topic: this.options.checkpointTopic,
        acks: -1,
        messages: [{ ...this.codec.barrierMessage(this.options.instanceId), partition: CHECKPOINT_PARTITION }],
      });
      barrier = Number(metadata?.baseOffset ?? metadata?.offset);
      await transaction.commit();
    } catch (e) {
      if (transaction.isActive()) await transaction.abort().catch(() => undefined);
      throw e;
    }
    if (!Number.isSafeInteger(barrier))
      throw new HexstreamError(
        'SINK_WRITE_FAILED',
        `the broker returned no offset for the barrier on ${this.options.checkpointTopic}`,
      );
    const reader = this.codec.reader();
    await readTopicUpTo(
      this.kafka,
      this.options.checkpointTopic,
      new Map([[CHECKPOINT_PARTITION, barrier + 1]]),
      ({ message }) => reader.add(message),
      {
        timeoutMs: this.options.readTimeoutMs ?? 60_000,
      },
    );
    const { checkpoint, heads } = reader.result();
    this.heads = heads;
    return checkpoint;
  }
}
