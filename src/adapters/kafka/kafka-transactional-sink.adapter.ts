import { inject, injectable } from 'inversify';
import { Kafka, logLevel, type Message, type Producer, type Transaction } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import type { StoreWithDeadLetters } from '../../domain/pipeline/pipeline-output';
import type { DeadLetter, ResultRow } from '../../domain/records';
import type { TableSchema } from '../../domain/table-schema';
import type { DeadLetterPort } from '../../ports/dead-letter.port';
import type { StoreCommit, StoredCheckpoint } from '../../ports/result-store.port';
import { rowRenderer } from '../encoding/row-json';
import { withDeadline } from '../system/deadline';
import { CheckpointTopicCodec, type SnapshotHead } from './checkpoint-topic';
import { describeKafkaError, isProducerFenced, translateKafkaError } from './kafka-errors';
import { connectTransactionalProducer, ensureOutputTopics, readCheckpointPastBarrier } from './kafka-output-topics';
import { DEFAULT_TRANSACTION_TIMEOUT_MS, KafkaSinkOptions } from './kafka-sink-options';
import { batchesUnder, MAX_REQUEST_BYTES } from './message-batches';
import { triggerMessages } from './trigger-messages';

export { KafkaSinkOptions, type KafkaSinkFaultInjection } from './kafka-sink-options';

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

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
export class KafkaTransactionalSink implements StoreWithDeadLetters {
  private readonly kafka: Kafka;
  private readonly codec: CheckpointTopicCodec;
  private producer: Producer | undefined;
  private render: ((row: ResultRow, writtenAtMs: number) => string) | undefined;
  private keyOf: (row: ResultRow) => string = (row) => row.key;
  /** Snapshots stored, as last read or written: a new snapshot deletes those sharing a partition. */
  private heads: SnapshotHead[] = [];
  private fenced: HexstreamError | undefined;
  private inDoubt: HexstreamError | undefined;
  /** Dead letters published for the coming commit: sent in its transaction, dropped if it fails. */
  private staged: DeadLetter[] = [];

  readonly deadLetterPort: DeadLetterPort = {
    open: async () => undefined,
    publish: async (letters) => {
      this.staged.push(...letters);
    },
    close: async () => undefined,
  };

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

  async open(table: TableSchema): Promise<StoredCheckpoint | undefined> {
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
    this.staged = [];
    try {
      // A broker that accepts connections and never answers would hold kafkajs for its request
      // timeout (30 s) times its retries: the first contact gets a deadline of its own.
      const ms = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      const ensuring = ensureOutputTopics(this.kafka, this.options);
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

  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    // Read again to rebuild: letters staged for a commit that did not happen go with it.
    this.staged = [];
    if (this.fenced !== undefined) throw this.fenced;
    if (this.render === undefined) throw new HexstreamError('SINK_WRITE_FAILED', 'Kafka sink used before open()');
    try {
      return await this.readCheckpoint();
    } catch (e) {
      throw this.translate(e, `read the checkpoint topic ${this.options.checkpointTopic}`);
    }
  }

  async commit(trigger: StoreCommit): Promise<void> {
    const deadLetters = this.staged;
    this.staged = [];
    if (this.fenced !== undefined) throw this.fenced;
    if (this.inDoubt !== undefined) throw this.inDoubt;
    const render = this.render;
    if (render === undefined) throw new HexstreamError('SINK_WRITE_FAILED', 'Kafka sink used before open()');
    const { messages, head } = triggerMessages(
      { options: this.options, codec: this.codec, heads: this.heads, keyOf: this.keyOf },
      trigger,
      deadLetters,
      render,
    );
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

  private connectProducer(): Promise<Producer> {
    return connectTransactionalProducer(this.kafka, this.transactionalId, this.options);
  }

  /** Reads the checkpoint topic past a barrier of this producer (see `readCheckpointPastBarrier`). */
  private async readCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const producer = this.producer ?? (this.producer = await this.connectProducer());
    const { checkpoint, heads } = await readCheckpointPastBarrier(this.kafka, producer, this.codec, this.options);
    this.heads = heads;
    return checkpoint;
  }
}
