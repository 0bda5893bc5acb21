import { Admin, compatibilityPartitioner, type Consumer } from '@platformatic/kafka';
import { inject, injectable, optional } from 'inversify';
import type { Message } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import { describeKafkaError, isGenerationRefused } from '../kafka/kafka-errors';
import { DEFAULT_TRANSACTION_TIMEOUT_MS, KafkaSinkOptions } from '../kafka/kafka-sink-options';
import { TransactionalTopicStore, type CheckpointRead } from '../kafka/transactional-topic-store';
import { ConsumerGroupMetadata, type ConsumerGroupMember } from './consumer-group-metadata';
import { clientBase, closeQuietly } from './platformatic-client';
import { ensureOutputTopics, readCheckpointPastBarrier } from './platformatic-output-topics';
import { newProducer, toProduced, type HexProducer, type HexTransaction as Transaction } from './platformatic-messages';

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
export class PlatformaticTransactionalSink extends TransactionalTopicStore<HexProducer, Transaction> {
  constructor(
    @inject(KafkaSinkOptions) options: KafkaSinkOptions,
    @inject(ConsumerGroupMetadata) @optional() private readonly group?: ConsumerGroupMetadata,
  ) {
    super(options);
  }

  protected async ensureTopics(ms: number): Promise<void> {
    const admin = new Admin(clientBase(`hexstream-${this.options.job}-sink-admin`, this.options.brokers, ms));
    try {
      await this.ensureWithin(ensureOutputTopics(admin, this.options), ms, { code: 'PLT_KFK_TIMEOUT' });
    } finally {
      await closeQuietly(admin);
    }
  }

  /** A producer of the library connects on its first request. */
  protected async connectProducer(): Promise<HexProducer> {
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

  protected readPastBarrier(producer: HexProducer): Promise<CheckpointRead> {
    return readCheckpointPastBarrier(producer, this.codec, this.options);
  }

  protected begin(producer: HexProducer): Promise<Transaction> {
    return producer.beginTransaction();
  }

  protected async send(transaction: Transaction, topic: string, messages: Message[]): Promise<void> {
    await transaction.send({
      messages: messages.map((m) => toProduced(topic, m)),
      acks: -1,
      partitioner: compatibilityPartitioner,
    });
  }

  /**
   * The positions as the group's offsets, in the transaction, with the member's generation
   * (KIP-447). The library commits one offset per call; the group is added once.
   */
  protected async sendOffsets(transaction: Transaction, positions: ReadonlyMap<number, number>): Promise<void> {
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

  protected isActive(transaction: Transaction): boolean {
    return !transaction.completed;
  }

  protected disconnect(producer: HexProducer): Promise<void> {
    return closeQuietly(producer);
  }

  /** A refusal of the offsets (this member's generation is over) fences the trigger, not the store. */
  protected override aborted(e: unknown, sequence: number): HexstreamError {
    if (isGenerationRefused(e))
      return new HexstreamError(
        'SINK_FENCED',
        `trigger ${sequence} aborted: the consumer group refused its offsets, this member's generation is over (${describeKafkaError(e)}); another member owns the partitions now`,
        { cause: e },
      );
    return super.aborted(e, sequence);
  }
}
