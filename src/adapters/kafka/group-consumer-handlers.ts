import type { Consumer, EachBatchPayload } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import { DEFAULT_MAX_RECORD_BYTES } from '../../domain/records';
import type { LoggerPort } from '../../ports/logger.port';
import type { BoundedEnds } from './bounded-ends';
import type { GroupMembership, JoinDecision } from './group-membership';
import { joinStartOffset } from './join-start-offset';
import { describeKafkaError } from './kafka-errors';
import { toRecord } from './kafka-record';
import type { RecordQueue } from './record-queue';
import { isRebalancing } from './refused-offsets';
import type { WakeSignal } from './wake-signal';

/** What the Kafka source shares with the handlers of its consumer's events. */
export interface ConsumerContext {
  readonly topic: string;
  readonly brokers: readonly string[];
  readonly maxRecordBytes?: number;
  readonly maxBufferedRecords: number;
  readonly maxBufferedChars: number;
  readonly logger: LoggerPort;
  readonly membership: GroupMembership;
  readonly queue: RecordQueue;
  /** Wakes a poll waiting for records or for the group. */
  readonly reader: WakeSignal;
  /** Wakes a batch handler waiting for room in the queue. */
  readonly fetcher: WakeSignal;
  /** Wakes a batch handler holding the partitions for the pipeline's commit. */
  readonly handOverSignal: WakeSignal;
  readonly lowOffsets: ReadonlyMap<number, number>;
  resumeFrom(): ReadonlyMap<number, number>;
  ends(): BoundedEnds | undefined;
  /** The consumer in use; undefined once closed. */
  consumer(): Consumer | undefined;
  /** The first join happened: `open` may return. */
  joined(): void;
}

/**
 * The kafkajs side of the Kafka source: group joins, crashes and fetched batches go to the group
 * membership, and its decisions come back as seeks, a dropped queue, a hand-over.
 */
export class GroupConsumerHandlers {
  constructor(private readonly ctx: ConsumerContext) {}

  onJoin(consumer: Consumer, assigned: readonly number[]): void {
    const { ctx } = this;
    const decision = ctx.membership.joined(assigned);
    ctx.reader.wake();
    ctx.handOverSignal.wake();
    if (decision.kind === 'ignore') return;
    const partitions = decision.partitions;
    for (const partition of partitions) {
      const next = startOffset(decision, partition, ctx);
      if (next !== undefined) consumer.seek({ topic: ctx.topic, partition, offset: String(next) });
    }
    if (decision.kind === 'start') {
      ctx.logger.info('kafka partitions assigned', { topic: ctx.topic, partitions: partitions.join(',') });
      ctx.joined();
    } else if (decision.kind === 'reassigned') {
      // What is queued may belong to partitions that are gone, and the new ones must start where
      // the committed data says. The pipeline rebuilds and then calls `seek`.
      ctx.queue.drop();
      ctx.logger.info('kafka partitions reassigned', { topic: ctx.topic, partitions: partitions.join(',') });
    }
  }

  onCrash(consumer: Consumer, error: Error, restart: boolean): void {
    const { ctx } = this;
    if (ctx.consumer() !== consumer) {
      // Closed meanwhile (e.g. a failed open): stop kafkajs from restarting it once it has
      // scheduled the restart, or the process never ends.
      setTimeout(() => void consumer.disconnect().catch(() => undefined), 0);
      return;
    }
    const failure = new HexstreamError('SOURCE_READ_FAILED', `Kafka consumer stopped: ${error.message}`, {
      cause: error,
    });
    // kafkajs restarts the consumer with backoff (its retry settings) until the broker is back;
    // the pipeline shows the outage and gives up after --max-outage.
    const reason = `Kafka at ${ctx.brokers.join(',')}: ${describeKafkaError(error)}`;
    ctx.membership.crashed(restart, failure, reason);
    if (restart) ctx.logger.warn('kafka consumer lost the broker; reconnecting', { topic: ctx.topic, error: reason });
    ctx.reader.wake();
    ctx.handOverSignal.wake();
  }

  async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { ctx } = this;
    const m = ctx.membership;
    const partition = batch.partition;
    m.batchFetched();
    ctx.queue.fetched(partition, Number(batch.highWatermark));
    const end = ctx.ends()?.endOf(partition);
    if (!m.accepting) return;
    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale() || !m.accepting) return;
      const offset = Number(message.offset);
      if (end !== undefined && offset >= end) {
        ctx.ends()?.end(partition);
        break;
      }
      ctx.queue.push(toRecord(partition, offset, message, ctx.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES));
      payload.resolveOffset(message.offset);
      if (end !== undefined && offset + 1 >= end) ctx.ends()?.end(partition);
      while (this.full() && payload.isRunning() && !payload.isStale()) {
        ctx.reader.wake();
        await ctx.fetcher.wait(1_000);
        await this.heartbeatOrHandOver(() => payload.heartbeat());
      }
    }
    ctx.reader.wake();
    await this.heartbeatOrHandOver(() => payload.heartbeat());
  }

  private full(): boolean {
    const { queue, maxBufferedRecords, maxBufferedChars } = this.ctx;
    return queue.available >= maxBufferedRecords || queue.overCharBudget(maxBufferedChars);
  }

  /**
   * Heartbeats; when the group has begun a rebalance, first hands the partitions over: the pipeline
   * commits what it processed, and only then does this member rejoin (kafkajs rejoins once the
   * batch handler throws). The group waits for members up to its rebalance timeout, so the wait is
   * bounded well below that:
   *
   *   heartbeat ✗ REBALANCE_IN_PROGRESS ─▶ poll → { revoking } ─▶ pipeline commits ─▶ acknowledge
   *        ─▶ rethrow ─▶ kafkajs rejoins ─▶ GROUP_JOIN (new assignment) ─▶ pipeline rebuilds, seeks
   *                     └ polls deliver nothing ┘
   *
   * Once per rebalance: kafkajs may call the handler for the other batches of its last fetch
   * before it rejoins, and a member that stays away past the session timeout is dropped.
   */
  private async heartbeatOrHandOver(heartbeat: () => Promise<void>): Promise<void> {
    try {
      await heartbeat();
    } catch (e) {
      if (this.ctx.membership.heartbeatFailed(isRebalancing(e))) await this.handOver();
      throw e;
    }
  }

  private async handOver(): Promise<void> {
    const { membership, reader, handOverSignal, logger, topic } = this.ctx;
    reader.wake();
    while (membership.holdingPartitions) {
      await handOverSignal.wait(Math.max(1, membership.handOverRemainingMs));
      membership.tick();
    }
    logger.info('kafka partitions handed over to the rebalance', { topic, ...membership.lastHandOver });
  }
}

/** Where a partition starts after a join (see `joinStartOffset`). */
function startOffset(decision: JoinDecision, partition: number, ctx: ConsumerContext): number | undefined {
  const stored = ctx.resumeFrom().get(partition) ?? ctx.lowOffsets.get(partition) ?? 0;
  return joinStartOffset(decision, stored, ctx.queue.queuedUpTo.get(partition));
}

/**
 * Seeks a partition, or leaves it to the next join while kafkajs restarts the consumer after a
 * crash: between its stop and its start there is no group to seek in, and kafkajs throws. The
 * caller has put the position in the queue's `queuedUpTo` first, which is where a rejoin with the
 * same partitions (`continue`) seeks to.
 *
 *   broker gone ─▶ kafkajs stops the group ─▶ pipeline rebuilds ─▶ seek: left to the join
 *                                           ─▶ kafkajs restarts ─▶ join ─▶ seek(queuedUpTo)
 */
export function seekOrLeaveToJoin(consumer: Consumer, topic: string, partition: number, offset: number): void {
  try {
    consumer.seek({ topic, partition, offset: String(offset) });
  } catch (e) {
    if (!(e instanceof Error && e.message.includes('consumer#run must be called first'))) throw e;
  }
}
