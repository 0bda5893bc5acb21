import { inject, injectable, type ServiceIdentifier } from 'inversify';
import { Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import { ClockPort } from '../../ports/clock.port';
import { LoggerPort } from '../../ports/logger.port';
import type { SourceBatch, SourcePort } from '../../ports/source.port';
import { SystemClock } from '../system/system-clock.adapter';
import { BoundedEnds } from './bounded-ends';
import { joinWithin } from './connect-within';
import { groupConsumerConfig } from './group-consumer-config';
import { GroupConsumerHandlers, seekOrLeaveToJoin } from './group-consumer-handlers';
import { GroupMembership } from './group-membership';
import { RecordQueue } from './record-queue';
import { pollMembership } from './poll-membership';
import { logRefusedOffsets } from './refused-offsets';
import { WakeSignal } from './wake-signal';

export { MAX_KEY_BYTES, toRecord } from './kafka-record';
export { logRefusedOffsets } from './refused-offsets';

export interface KafkaSourceOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly groupId: string;
  readonly clientId?: string;
  /** Read up to the end offsets seen at open, then report the source exhausted (bounded jobs, tests). */
  readonly bounded: boolean;
  /** Fetching pauses while this many records wait to be polled (default 5,000). */
  readonly maxBufferedRecords?: number;
  /** …or while their values hold this many characters (default 32 Mi): large records cannot pile up. */
  readonly maxBufferedChars?: number;
  /** Longer values are invalid records holding a preview of their start (default `DEFAULT_MAX_RECORD_BYTES`). */
  readonly maxRecordBytes?: number;
  /** How long `open` may take to connect and join the group. */
  readonly connectTimeoutMs?: number;
  /** How long a rebalance waits for the pipeline's commit before letting the partitions go (default 5 s). */
  readonly handOverTimeoutMs?: number;
}

export const KafkaSourceOptions: ServiceIdentifier<KafkaSourceOptions> = Symbol.for('hexstream.KafkaSourceOptions');

const MAX_BUFFERED_CHARS = 32 * 1024 * 1024;

/** Fetching pauses while this many records wait to be polled (see `groupConsumerConfig`). */
const MAX_BUFFERED_RECORDS = 5_000;

/** Well below the session timeout (10 s): a member silent for longer is dropped from the group. */
const HAND_OVER_TIMEOUT_MS = 5_000;

/**
 * A Kafka topic read by a consumer group, behind the pull-shaped source port. The group membership
 * (`GroupMembership`) decides; this class feeds it what kafkajs and the pipeline do and acts on it.
 *
 * kafkajs pushes batches (`eachBatch`); they are queued here and handed out by `poll`. While the
 * queue is full the batch handler waits, heartbeating, so a slow trigger never costs the group
 * membership:
 *
 *   broker ─fetch─▶ eachBatch ─push─▶ [ queue ≤ maxBufferedRecords, ≤ maxBufferedChars ] ─poll─▶ pipeline
 *                      ▲ waits + heartbeats while full
 *
 * Resuming: on every assignment each partition is sought to the position stored with the data (not
 * to Kafka's committed offset, which `acknowledge` only moves afterwards, for lag monitoring).
 * Auto-commit is off. A record without a value (tombstone) is delivered with `value: undefined`;
 * bytes that are not UTF-8, a value over `maxRecordBytes` (only its start is kept) and a key over
 * `MAX_KEY_BYTES` come with a `decodeError` (see `toRecord`).
 */
@injectable()
export class KafkaSource implements SourcePort {
  private readonly kafka: Kafka;
  private readonly membership: GroupMembership;
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private readonly queue = new RecordQueue();
  private readonly reader = new WakeSignal();
  private readonly fetcher = new WakeSignal();
  private readonly handOverSignal = new WakeSignal();
  private resumeFrom: ReadonlyMap<number, number> = new Map();
  /** Per partition, the first offset the log still holds (where a partition without a stored position starts). */
  private readonly lowOffsets = new Map<number, number>();
  /** Bounded mode only. */
  private ends: BoundedEnds | undefined;
  /** Partitions paused by `holdBack` (not fetched; what is queued of them is still polled). */
  private held: ReadonlySet<number> = new Set();
  private joined: () => void = () => undefined;
  private readonly handlers: GroupConsumerHandlers;

  constructor(
    @inject(KafkaSourceOptions) private readonly options: KafkaSourceOptions,
    @inject(LoggerPort) private readonly logger: LoggerPort,
    @inject(ClockPort) private readonly clock: ClockPort = new SystemClock(),
  ) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'hexstream',
      brokers: [...options.brokers],
      connectionTimeout: Math.min(options.connectTimeoutMs ?? 10_000, 10_000),
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
      logLevel: logLevel.NOTHING,
    });
    this.membership = new GroupMembership(clock, options.handOverTimeoutMs ?? HAND_OVER_TIMEOUT_MS);
    this.handlers = new GroupConsumerHandlers({
      topic: options.topic,
      brokers: options.brokers,
      maxRecordBytes: options.maxRecordBytes,
      maxBufferedRecords: options.maxBufferedRecords ?? MAX_BUFFERED_RECORDS,
      maxBufferedChars: options.maxBufferedChars ?? MAX_BUFFERED_CHARS,
      logger,
      membership: this.membership,
      queue: this.queue,
      reader: this.reader,
      fetcher: this.fetcher,
      handOverSignal: this.handOverSignal,
      lowOffsets: this.lowOffsets,
      resumeFrom: () => this.resumeFrom,
      ends: () => this.ends,
      consumer: () => this.consumer,
      joined: () => this.joined(),
    });
  }

  async open(resumeFrom: ReadonlyMap<number, number>): Promise<readonly number[]> {
    this.resumeFrom = resumeFrom;
    await joinWithin(this.connect(this.options.topic), this.options, () => this.close());
    return this.membership.partitions;
  }

  async poll(maxRecords: number, maxWaitMs: number): Promise<SourceBatch> {
    const admin = this.admin;
    const { groupId, topic } = this.options;
    const batch = await pollMembership(
      {
        membership: this.membership,
        queue: this.queue,
        reader: this.reader,
        fetcher: this.fetcher,
        ends: this.ends,
        resumeFrom: this.resumeFrom,
        rejoinWaitMs: this.options.handOverTimeoutMs ?? HAND_OVER_TIMEOUT_MS,
        checkOthers: async (ends, partitions) => {
          if (admin === undefined) return;
          const committed = async (): Promise<Map<number, number>> => {
            const [c] = await admin.fetchOffsets({ groupId, topics: [topic] });
            return new Map((c?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
          };
          await ends.checkOthers(partitions, committed, topic, this.logger);
        },
      },
      maxRecords,
      maxWaitMs,
    );
    const unavailable = this.membership.outage;
    return unavailable === undefined || batch.records.length > 0 ? batch : { ...batch, unavailable };
  }

  async seek(positions: ReadonlyMap<number, number>): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined) throw new HexstreamError('SOURCE_READ_FAILED', 'Kafka source used before open()');
    this.queue.reset();
    for (const [partition, position] of positions) {
      // A position the log no longer holds (retention deleted it) reads on from the log's start.
      const offset = Math.max(position, this.lowOffsets.get(partition) ?? 0);
      this.queue.restart(partition, offset);
      seekOrLeaveToJoin(consumer, this.options.topic, partition, offset);
      this.ends?.restart(partition, offset);
    }
    this.membership.sought([...positions.keys()]);
  }

  async acknowledge(positions: ReadonlyMap<number, number>): Promise<void> {
    const consumer = this.consumer;
    if (consumer !== undefined && positions.size > 0) {
      try {
        await consumer.commitOffsets(
          [...positions].map(([partition, offset]) => ({
            topic: this.options.topic,
            partition,
            offset: String(offset),
          })),
        );
      } catch (e) {
        logRefusedOffsets(this.logger, this.options.topic, e);
      }
    }
    // The commit asked for by a revoking batch is durable: the partitions may go.
    this.membership.acknowledged(positions);
    if (!this.membership.holdingPartitions) this.handOverSignal.wake();
  }

  holdBack(partitions: ReadonlySet<number>): void {
    const consumer = this.consumer;
    if (
      consumer === undefined ||
      (partitions.size === this.held.size && [...partitions].every((p) => this.held.has(p)))
    )
      return;
    const topic = this.options.topic;
    const pause = [...partitions].filter((p) => !this.held.has(p));
    const resume = [...this.held].filter((p) => !partitions.has(p));
    try {
      if (pause.length > 0) consumer.pause([{ topic, partitions: pause }]);
      if (resume.length > 0) consumer.resume([{ topic, partitions: resume }]);
      this.held = new Set(partitions);
    } catch (e) {
      // Advice only: reading on unpaused costs memory, not correctness.
      this.logger.warn('could not pause or resume partitions', { topic, error: (e as Error).message });
    }
  }

  async close(): Promise<void> {
    this.membership.close();
    this.handOverSignal.wake();
    this.fetcher.wake();
    const consumer = this.consumer;
    const admin = this.admin;
    this.consumer = undefined;
    this.admin = undefined;
    await Promise.all([consumer?.disconnect(), admin?.disconnect()]);
  }

  private async connect(topic: string): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    const offsets = await this.admin.fetchTopicOffsets(topic);
    // Until the group assigns partitions: all of them (a bounded run with nothing to read needs no join).
    this.membership.opened(offsets.map((o) => o.partition));
    for (const o of offsets) this.lowOffsets.set(o.partition, Number(o.low));
    if (this.options.bounded) this.ends = BoundedEnds.atOpen(offsets, this.resumeFrom, this.clock);
    const consumer = this.kafka.consumer(groupConsumerConfig(this.options.groupId));
    this.consumer = consumer;
    const hasJoined = new Promise<void>((resolve) => {
      this.joined = resolve;
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.handlers.onJoin(consumer, [...(event.payload.memberAssignment[topic] ?? [])]);
    });
    consumer.on(consumer.events.CRASH, (event) =>
      this.handlers.onCrash(consumer, event.payload.error, event.payload.restart),
    );
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handlers.onBatch(payload),
    });
    const ends = this.ends;
    if (ends !== undefined && this.membership.partitions.every((p) => ends.hasEnded(p))) return;
    await hasJoined;
  }
}
