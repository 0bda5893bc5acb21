import { Admin, type Consumer, type GroupAssignment } from '@platformatic/kafka';
import { inject, injectable } from 'inversify';
import { HexstreamError } from '../../domain/hexstream-error';
import { ClockPort } from '../../ports/clock.port';
import { LoggerPort } from '../../ports/logger.port';
import type { SourceBatch, SourcePort } from '../../ports/source.port';
import { BoundedEnds } from '../kafka/bounded-ends';
import { joinWithin } from '../kafka/connect-within';
import { GroupMembership } from '../kafka/group-membership';
import { joinStartOffset } from '../kafka/join-start-offset';
import { RecordQueue } from '../kafka/record-queue';
import { pollMembership } from '../kafka/poll-membership';
import { logRefusedOffsets } from '../kafka/refused-offsets';
import { WakeSignal } from '../kafka/wake-signal';
import { SystemClock } from '../system/system-clock.adapter';
import type { ConsumerGroupMember, ConsumerGroupMetadata } from './consumer-group-metadata';
import { handedOver, HandOverConsumer } from './hand-over-consumer';
import { PartitionFetcher } from './partition-fetcher';
import { clientBase, closeQuietly, committedOffsets, topicOffsets } from './platformatic-client';
import { PlatformaticSourceOptions } from './platformatic-source-options';

export { PlatformaticSourceOptions } from './platformatic-source-options';

const SESSION_TIMEOUT_MS = 10_000;
/** How long the coordinator waits for the members to rejoin a rebalance. */
const REBALANCE_TIMEOUT_MS = 20_000;
const HAND_OVER_TIMEOUT_MS = 5_000;
const REJOIN_RETRY_MS = 1_000;

/**
 * A Kafka topic read by a consumer group through @platformatic/kafka, behind the source port. As
 * `KafkaSource` (kafkajs), the group membership (`GroupMembership`) decides and this class acts;
 * records come from its own fetch loop (`PartitionFetcher`) through the same queue:
 *
 *   broker ─fetch─▶ PartitionFetcher ─push─▶ [ queue ≤ maxBufferedRecords, ≤ maxBufferedChars ] ─poll─▶ pipeline
 *
 * Differences from kafkajs: the member may be static (`groupInstanceId`); a rebalance is announced
 * (`revoking`) when the heartbeat learns of it, while the library already rejoins — the join
 * request is held by the coordinator until every member rejoined, which is the time the pipeline
 * has to commit; and the source tells the `--to-kafka` sink who it is in the group
 * (`groupMember`), so transactional offsets carry the generation (KIP-447).
 *
 * Closing leaves the group: the partitions go to the other members at once (a scale-down), and a
 * graceful restart costs one short rebalance. A member killed (kill -9) and restarted with the
 * same instance id rejoins as itself and keeps its partitions without a rebalance.
 */
@injectable()
export class PlatformaticKafkaSource implements SourcePort, ConsumerGroupMetadata {
  private readonly membership: GroupMembership;
  private consumer: HandOverConsumer | undefined;
  private admin: Admin | undefined;
  private fetcher: PartitionFetcher | undefined;
  private readonly queue = new RecordQueue();
  private readonly reader = new WakeSignal();
  private readonly fetcherSignal = new WakeSignal();
  private readonly handOverSignal = new WakeSignal();
  private resumeFrom: ReadonlyMap<number, number> = new Map();
  private readonly lowOffsets = new Map<number, number>();
  private ends: BoundedEnds | undefined;
  private held: ReadonlySet<number> = new Set();
  private closed = false;

  constructor(
    @inject(PlatformaticSourceOptions) private readonly options: PlatformaticSourceOptions,
    @inject(LoggerPort) private readonly logger: LoggerPort,
    @inject(ClockPort) private readonly clock: ClockPort = new SystemClock(),
  ) {
    this.membership = new GroupMembership(clock, options.handOverTimeoutMs ?? HAND_OVER_TIMEOUT_MS);
  }

  async open(resumeFrom: ReadonlyMap<number, number>): Promise<readonly number[]> {
    this.resumeFrom = resumeFrom;
    await joinWithin(this.connect(), this.options, () => this.close());
    return this.membership.partitions;
  }

  async poll(maxRecords: number, maxWaitMs: number): Promise<SourceBatch> {
    this.membership.tick();
    const admin = this.admin;
    const batch = await pollMembership(
      {
        membership: this.membership,
        queue: this.queue,
        reader: this.reader,
        fetcher: this.fetcherSignal,
        ends: this.ends,
        resumeFrom: this.resumeFrom,
        rejoinWaitMs: this.options.handOverTimeoutMs ?? HAND_OVER_TIMEOUT_MS,
        checkOthers: async (ends, partitions) => {
          if (admin === undefined) return;
          const { groupId, topic } = this.options;
          await ends.checkOthers(partitions, () => committedOffsets(admin, groupId, topic), topic, this.logger);
        },
      },
      maxRecords,
      maxWaitMs,
    );
    const unavailable = this.membership.outage;
    return unavailable === undefined || batch.records.length > 0 ? batch : { ...batch, unavailable };
  }

  async seek(positions: ReadonlyMap<number, number>): Promise<void> {
    const fetcher = this.fetcher;
    if (fetcher === undefined) throw new HexstreamError('SOURCE_READ_FAILED', 'Kafka source used before open()');
    this.queue.reset();
    fetcher.forgetAll();
    for (const [partition, position] of positions) {
      // A position the log no longer holds (retention deleted it) reads on from the log's start.
      const offset = Math.max(position, this.lowOffsets.get(partition) ?? 0);
      this.queue.restart(partition, offset);
      fetcher.restart(partition, offset);
      this.ends?.restart(partition, offset);
    }
    this.membership.sought([...positions.keys()]);
  }

  async acknowledge(positions: ReadonlyMap<number, number>): Promise<void> {
    const consumer = this.consumer;
    if (consumer !== undefined && consumer.memberId !== null && positions.size > 0) {
      try {
        const topic = this.options.topic;
        const offsets = [...positions].map(([partition, offset]) => ({
          topic,
          partition,
          offset: BigInt(offset),
          leaderEpoch: -1,
        }));
        await consumer.commit({ offsets });
      } catch (e) {
        logRefusedOffsets(this.logger, this.options.topic, e);
      }
    }
    this.membership.acknowledged(positions);
    // The commit asked for by a revoking batch is durable: the rejoin may go.
    if (!this.membership.holdingPartitions) this.handOverSignal.wake();
  }

  holdBack(partitions: ReadonlySet<number>): void {
    if (partitions.size === this.held.size && [...partitions].every((p) => this.held.has(p))) return;
    this.held = new Set(partitions);
    this.fetcherSignal.wake();
  }

  groupMember(): ConsumerGroupMember | undefined {
    const consumer = this.consumer;
    if (consumer === undefined || consumer.memberId === null || consumer.coordinatorId === null) return undefined;
    return {
      groupId: consumer.groupId,
      generationId: consumer.generationId,
      memberId: consumer.memberId,
      groupInstanceId: this.options.groupInstanceId,
      coordinatorId: consumer.coordinatorId,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.membership.close();
    this.reader.wake();
    this.handOverSignal.wake();
    const { consumer, admin, fetcher } = this;
    this.consumer = undefined;
    this.admin = undefined;
    this.fetcher = undefined;
    await fetcher?.stop();
    await closeQuietly(consumer, admin);
  }

  private async connect(): Promise<void> {
    const { topic, groupId, groupInstanceId, brokers } = this.options;
    const base = clientBase(this.options.clientId ?? 'hexstream', brokers, this.options.connectTimeoutMs);
    this.admin = new Admin(base);
    const consumer = new HandOverConsumer({
      ...base,
      groupId,
      ...(groupInstanceId === undefined ? {} : { groupInstanceId }),
      sessionTimeout: SESSION_TIMEOUT_MS,
      rebalanceTimeout: REBALANCE_TIMEOUT_MS,
      heartbeatInterval: 1_000,
    });
    this.consumer = consumer;
    const offsets = await topicOffsets(consumer, topic);
    // Until the group assigns partitions: all of them (a bounded run with nothing to read needs no join).
    this.membership.opened(offsets.map((o) => o.partition));
    for (const o of offsets) this.lowOffsets.set(o.partition, Number(o.low));
    if (this.options.bounded) this.ends = BoundedEnds.atOpen(offsets, this.resumeFrom, this.clock);
    const fetcher = this.newFetcher(consumer);
    this.fetcher = fetcher;
    this.followEvents(consumer);
    consumer.topics.track(topic);
    const joining = consumer.joinGroup({});
    // Fetches only partitions placed by a join or a seek.
    fetcher.start();
    const ends = this.ends;
    if (ends === undefined || !this.membership.partitions.every((p) => ends.hasEnded(p))) {
      await joining;
      return;
    }
    // Nothing to read at open: no need to wait for the group (a rebuild's seek may still need it later).
    joining.catch((e: unknown) => {
      if (!this.closed) this.logger.warn('kafka consumer could not join its group', { topic, error: String(e) });
    });
  }

  private newFetcher(consumer: Consumer): PartitionFetcher {
    const { options } = this;
    return new PartitionFetcher({
      consumer,
      topic: options.topic,
      brokers: options.brokers,
      maxRecordBytes: options.maxRecordBytes,
      maxBufferedRecords: options.maxBufferedRecords ?? 5_000,
      maxBufferedChars: options.maxBufferedChars ?? 32 * 1024 * 1024,
      membership: this.membership,
      queue: this.queue,
      reader: this.reader,
      fetcher: this.fetcherSignal,
      ends: () => this.ends,
      held: () => this.held,
      outage: (reason) => {
        if (reason === undefined) this.membership.batchFetched();
        else this.membership.crashed(true, new Error(reason), reason);
      },
    });
  }

  private followEvents(consumer: HandOverConsumer): void {
    const topic = this.options.topic;
    consumer.on('consumer:group:join', (payload) => this.onJoin(payload.assignments ?? []));
    consumer.on('consumer:group:rebalance', () => {
      // The library rejoins at once: its JoinGroup waits for the pipeline's commit (see HandOverConsumer).
      if (!this.membership.heartbeatFailed(true)) return;
      this.reader.wake();
      const handOver = handedOver(this.membership, this.handOverSignal).then(() => {
        consumer.joinGate = undefined;
        this.logger.info('kafka partitions handed over to the rebalance', { topic, ...this.membership.lastHandOver });
      });
      consumer.joinGate = () => handOver;
    });
    consumer.on('consumer:heartbeat:error', (payload) => {
      const reason = `Kafka at ${this.options.brokers.join(',')}: ${payload.error.message}`;
      this.membership.crashed(true, payload.error, reason);
      this.reader.wake();
    });
    // A rejoin that failed through every retry: the broker is away; try again until it is back.
    consumer.on('error', (error: Error) => {
      if (this.closed || this.consumer !== consumer) return;
      this.membership.crashed(true, error, `Kafka at ${this.options.brokers.join(',')}: ${error.message}`);
      this.logger.warn('kafka consumer lost the group; rejoining', { topic, error: error.message });
      this.reader.wake();
      setTimeout(() => {
        if (!this.closed && this.consumer === consumer) consumer.joinGroup({}).catch(() => undefined);
      }, REJOIN_RETRY_MS);
    });
  }

  private onJoin(assignments: readonly GroupAssignment[]): void {
    const fetcher = this.fetcher;
    const topic = this.options.topic;
    const assigned = assignments.find((a) => a.topic === topic)?.partitions ?? [];
    const decision = this.membership.joined(assigned);
    this.reader.wake();
    if (decision.kind === 'ignore' || fetcher === undefined) return;
    const partitions = decision.partitions;
    if (decision.kind === 'reassigned') {
      // What is queued may belong to partitions that are gone; the pipeline rebuilds and seeks.
      this.queue.drop();
      fetcher.forgetAll();
      this.logger.info('kafka partitions reassigned', { topic, partitions: partitions.join(',') });
      return;
    }
    for (const p of partitions) {
      const stored = this.resumeFrom.get(p) ?? this.lowOffsets.get(p) ?? 0;
      fetcher.restart(p, joinStartOffset(decision, stored, this.queue.queuedUpTo.get(p)));
    }
    if (decision.kind === 'start')
      this.logger.info('kafka partitions assigned', {
        topic,
        partitions: partitions.join(','),
        generation: this.consumer?.generationId ?? -1,
      });
  }
}
