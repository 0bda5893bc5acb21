import { Admin, compatibilityPartitioner, type Consumer } from '@platformatic/kafka';
import { inject, injectable, optional } from 'inversify';
import type { Message } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import type { StoreWithDeadLetters } from '../../domain/pipeline/pipeline-output';
import type { DeadLetter, ResultRow } from '../../domain/records';
import type { TableSchema } from '../../domain/table-schema';
import type { DeadLetterPort } from '../../ports/dead-letter.port';
import type { StoreCommit, StoredCheckpoint } from '../../ports/result-store.port';
import { rowRenderer } from '../encoding/row-json';
import { withDeadline } from '../system/deadline';
import { CheckpointTopicCodec, type SnapshotHead } from '../kafka/checkpoint-topic';
import { describeKafkaError, isGenerationRefused, isProducerFenced, translateKafkaError } from '../kafka/kafka-errors';
import { DEFAULT_TRANSACTION_TIMEOUT_MS, KafkaSinkOptions } from '../kafka/kafka-sink-options';
import { batchesUnder, MAX_REQUEST_BYTES } from '../kafka/message-batches';
import { ConsumerGroupMetadata, type ConsumerGroupMember } from './consumer-group-metadata';
import { clientBase, closeQuietly } from './platformatic-client';
import { ensureOutputTopics, readCheckpointPastBarrier } from './platformatic-output-topics';
import { newProducer, toProduced, type HexProducer, type HexTransaction as Transaction } from './platformatic-messages';
import { triggerMessages } from '../kafka/trigger-messages';

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/**
 * The `--to-kafka` result store on @platformatic/kafka: as `KafkaTransactionalSink` (kafkajs) —
 * one transaction per trigger with rows, staged dead letters and the checkpoint entries, the same
 * transactional id and checkpoint topic format, so either client resumes the other's output —
 * except for the offsets: they are committed with the consumer's group metadata (KIP-447),
 *
 *   TxnOffsetCommit(group, generation, member id, positions)
 *
 * so the coordinator refuses them from a member that lost its partitions (a zombie, whose
 * generation is over, or a static member replaced by its restart). The refusal aborts the
 * transaction: nothing of the trigger is visible, and the pipeline rebuilds from the checkpoint
 * (SINK_FENCED, the sink itself stays usable). Without a group member (no source told who it is,
 * or it has not joined) the offsets go without generation, as kafkajs sends them.
 */
@injectable()
export class PlatformaticTransactionalSink implements StoreWithDeadLetters {
  private readonly codec: CheckpointTopicCodec;
  private producer: HexProducer | undefined;
  private render: ((row: ResultRow, writtenAtMs: number) => string) | undefined;
  private keyOf: (row: ResultRow) => string = (row) => row.key;
  private heads: SnapshotHead[] = [];
  private fenced: HexstreamError | undefined;
  private inDoubt: HexstreamError | undefined;
  private staged: DeadLetter[] = [];

  readonly deadLetterPort: DeadLetterPort = {
    open: async () => undefined,
    publish: async (letters) => {
      this.staged.push(...letters);
    },
    close: async () => undefined,
  };

  constructor(
    @inject(KafkaSinkOptions) private readonly options: KafkaSinkOptions,
    @inject(ConsumerGroupMetadata) @optional() private readonly group?: ConsumerGroupMetadata,
  ) {
    this.codec = new CheckpointTopicCodec({ job: options.job, consumerGroup: options.consumerGroup });
  }

  /** As the kafkajs sink's: a restarted instance reuses it, and so fences its predecessor. */
  get transactionalId(): string {
    return `hexstream.${this.options.job}.${this.options.consumerGroup}.${this.options.instanceId}`;
  }

  async open(table: TableSchema): Promise<StoredCheckpoint | undefined> {
    const keyColumn = this.options.keyColumn;
    if (keyColumn !== undefined && !table.columns.some((c) => c.name === keyColumn))
      throw new HexstreamError(
        'CONFIG_INVALID',
        `message key column ${keyColumn} is not a column of table ${table.name}`,
      );
    await this.close();
    this.render = rowRenderer(table);
    this.keyOf = keyColumn === undefined ? (row) => row.key : (row) => String(row.values[keyColumn] ?? '');
    this.fenced = undefined;
    this.inDoubt = undefined;
    this.staged = [];
    const ms = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const admin = new Admin(clientBase(`hexstream-${this.options.job}-sink-admin`, this.options.brokers, ms));
    try {
      const ensuring = ensureOutputTopics(admin, this.options);
      ensuring.catch(() => undefined);
      await withDeadline(ensuring, ms, () => {
        throw Object.assign(new Error(`no answer within ${ms} ms`), { code: 'PLT_KFK_TIMEOUT' });
      });
      this.producer = this.newProducer();
      return await this.readCheckpoint();
    } catch (e) {
      await this.close().catch(() => undefined);
      throw this.translate(e, `open the sink of job ${this.options.job}`);
    } finally {
      await closeQuietly(admin);
    }
  }

  async checkpoint(): Promise<StoredCheckpoint | undefined> {
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
    const producer = this.producer ?? (this.producer = this.newProducer());
    let transaction: Transaction | undefined;
    let committing = false;
    try {
      transaction = await producer.beginTransaction();
      for (const [topic, batch] of messages) await this.sendAll(transaction, topic, batch);
      if (trigger.positions.size > 0) await this.commitOffsets(transaction, trigger.positions);
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
    await closeQuietly(producer);
  }

  /**
   * The positions as the group's offsets, in the transaction, with the member's generation
   * (KIP-447). The library commits one offset per call; the group is added once.
   */
  private async commitOffsets(transaction: Transaction, positions: ReadonlyMap<number, number>): Promise<void> {
    const member: ConsumerGroupMember = this.group?.groupMember() ?? {
      groupId: this.options.consumerGroup,
      generationId: -1,
      memberId: '',
      groupInstanceId: undefined,
      coordinatorId: -1,
    };
    // addConsumer reads only the group id of the consumer it is given.
    await transaction.addConsumer({ groupId: member.groupId } as unknown as Consumer);
    const consumer = {
      ...member,
      coordinatorId: member.coordinatorId < 0 ? await this.coordinatorOf(member.groupId) : member.coordinatorId,
    };
    for (const [partition, next] of positions) {
      // The library commits `offset + 1`: the message's offset is the last one processed.
      await transaction.addOffset({
        topic: this.options.sourceTopic,
        partition,
        offset: BigInt(next) - 1n,
        metadata: { consumer },
      } as unknown as Parameters<Transaction['addOffset']>[0]);
    }
  }

  private async coordinatorOf(groupId: string): Promise<number> {
    const admin = new Admin(clientBase(`hexstream-${this.options.job}-sink-admin`, this.options.brokers));
    try {
      const [found] = await admin.findCoordinator({ keyType: 0, keys: [groupId] });
      return found?.nodeId ?? -1;
    } finally {
      await closeQuietly(admin);
    }
  }

  private async sendAll(transaction: Transaction, topic: string, messages: readonly Message[]): Promise<void> {
    for (const batch of batchesUnder(messages, this.options.maxRequestBytes ?? MAX_REQUEST_BYTES)) {
      await transaction.send({
        messages: batch.map((m) => toProduced(topic, m)),
        acks: -1,
        partitioner: compatibilityPartitioner,
      });
    }
  }

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
    if (transaction !== undefined && !transaction.completed) {
      try {
        await transaction.abort();
      } catch (abortError) {
        if (isProducerFenced(abortError)) return this.fence(abortError);
        // The next commit starts a new producer with the same id, which aborts what is left.
        const producer = this.producer;
        this.producer = undefined;
        await closeQuietly(producer);
      }
    }
    if (isGenerationRefused(e))
      return new HexstreamError(
        'SINK_FENCED',
        `trigger ${sequence} aborted: the consumer group refused its offsets, this member's generation is over (${describeKafkaError(e)}); another member owns the partitions now`,
        { cause: e },
      );
    return this.translate(e, `commit trigger ${sequence} (aborted, nothing of it is visible)`);
  }

  private fence(e: unknown): HexstreamError {
    const producer = this.producer;
    this.producer = undefined;
    void closeQuietly(producer);
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

  private newProducer(): HexProducer {
    return newProducer({
      ...clientBase(`hexstream-${this.options.job}-sink`, this.options.brokers),
      transactionalId: this.transactionalId,
      idempotent: true,
      acks: -1,
      // The transaction timeout the coordinator is told at InitProducerId.
      timeout: this.options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
      retries: 10,
    });
  }

  private async readCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const producer = this.producer ?? (this.producer = this.newProducer());
    const { checkpoint, heads } = await readCheckpointPastBarrier(producer, this.codec, this.options);
    this.heads = heads;
    return checkpoint;
  }
}
