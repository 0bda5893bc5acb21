import type { Message } from 'kafkajs';
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
import { DEFAULT_TRANSACTION_TIMEOUT_MS, type KafkaSinkOptions } from './kafka-sink-options';
import { batchesUnder, MAX_REQUEST_BYTES } from './message-batches';
import { triggerMessages } from './trigger-messages';

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** What the store does with a client's transaction itself; the rest goes through the client's hooks. */
export interface TopicTransaction {
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** The checkpoint topic as read past a barrier: the checkpoint, and the snapshots it holds. */
export interface CheckpointRead {
  readonly checkpoint: StoredCheckpoint | undefined;
  readonly heads: SnapshotHead[];
}

/**
 * The `--to-kafka` result store whatever the client (see `KafkaTransactionalSink`): its state
 * (staged dead letters, fenced, in doubt, the snapshots stored) and what it guards (a store used
 * before `open()`, fenced, or whose last COMMIT has an unknown outcome). A client's store gives
 * only how it connects, reads past a barrier, and begins, fills and ends a transaction.
 */
export abstract class TransactionalTopicStore<P, T extends TopicTransaction> implements StoreWithDeadLetters {
  protected readonly codec: CheckpointTopicCodec;
  protected producer: P | undefined;
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

  protected constructor(protected readonly options: KafkaSinkOptions) {
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
      await this.ensureTopics(this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
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
    let producer: P;
    try {
      // After an abort that itself failed, a new producer (same id) ends what is left of it.
      producer = this.producer ?? (this.producer = await this.connectProducer());
    } catch (e) {
      throw this.translate(e, `reconnect the producer for trigger ${trigger.sequence}`);
    }
    let transaction: T | undefined;
    let committing = false;
    try {
      transaction = await this.begin(producer);
      for (const [topic, batch] of messages) await this.sendAll(transaction, topic, batch);
      if (trigger.positions.size > 0) await this.sendOffsets(transaction, trigger.positions);
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
    if (producer !== undefined) await this.disconnect(producer);
  }

  /** Creates the output, dead-letter and checkpoint topics unless they exist, within `ms`. */
  protected abstract ensureTopics(ms: number): Promise<void>;
  /** A transactional producer with `transactionalId`, ready to begin a transaction. */
  protected abstract connectProducer(): Promise<P>;
  /** Reads the checkpoint topic past a barrier committed by `producer` (see `readCheckpointPastBarrier`). */
  protected abstract readPastBarrier(producer: P): Promise<CheckpointRead>;
  protected abstract begin(producer: P): Promise<T>;
  /** Sends one request's worth of messages to `topic` in the transaction. */
  protected abstract send(transaction: T, topic: string, messages: Message[]): Promise<void>;
  /** The positions as the consumer group's offsets, in the transaction. */
  protected abstract sendOffsets(transaction: T, positions: ReadonlyMap<number, number>): Promise<void>;
  /** Whether the transaction is still open, and so must be aborted. */
  protected abstract isActive(transaction: T): boolean;
  protected abstract disconnect(producer: P): Promise<void>;

  /** The error a trigger aborted by `e` fails with (nothing of it is visible). */
  protected aborted(e: unknown, sequence: number): HexstreamError {
    return this.translate(e, `commit trigger ${sequence} (aborted, nothing of it is visible)`);
  }

  /**
   * Waits at most `ms` for `ensuring`; past that, fails with an error made of `timeout`'s fields,
   * which name it as the client names a connection failure (so that `translate` calls it unavailable).
   */
  protected async ensureWithin(ensuring: Promise<void>, ms: number, timeout: object): Promise<void> {
    ensuring.catch(() => undefined);
    await withDeadline(ensuring, ms, () => {
      throw Object.assign(new Error(`no answer within ${ms} ms`), timeout);
    });
  }

  /** Sends in requests under `maxRequestBytes` (a broker refuses larger record batches). */
  private async sendAll(transaction: T, topic: string, messages: readonly Message[]): Promise<void> {
    for (const batch of batchesUnder(messages, this.options.maxRequestBytes ?? MAX_REQUEST_BYTES)) {
      await this.send(transaction, topic, batch);
    }
  }

  /** Ends a failed commit as cleanly as possible and says what became of it. */
  private async failed(
    e: unknown,
    sequence: number,
    transaction: T | undefined,
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
    if (transaction !== undefined && this.isActive(transaction)) {
      try {
        await transaction.abort();
      } catch (abortError) {
        if (isProducerFenced(abortError)) return this.fence(abortError);
        // The next commit starts a new producer with the same id, which aborts what is left.
        await this.dropProducer();
      }
    }
    return this.aborted(e, sequence);
  }

  private fence(e: unknown): HexstreamError {
    void this.dropProducer();
    this.fenced = new HexstreamError(
      'SINK_FENCED',
      `transactional id ${this.transactionalId} was taken over by a newer producer (another instance started with the same --instance-id, ` +
        `or this transaction outlived its ${this.options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS} ms timeout): this trigger was aborted. ` +
        'Stop this instance; every concurrent instance needs its own --instance-id.',
      { cause: e },
    );
    return this.fenced;
  }

  /** Forgets the producer and disconnects it, ignoring failures. */
  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer !== undefined) await this.disconnect(producer).catch(() => undefined);
  }

  private translate(e: unknown, action: string): HexstreamError {
    if (isProducerFenced(e)) return this.fence(e);
    return translateKafkaError(e, action, this.options.brokers);
  }

  private async readCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const producer = this.producer ?? (this.producer = await this.connectProducer());
    const { checkpoint, heads } = await this.readPastBarrier(producer);
    this.heads = heads;
    return checkpoint;
  }
}
