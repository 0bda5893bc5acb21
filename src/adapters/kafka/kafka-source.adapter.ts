import { inject, injectable, type ServiceIdentifier } from 'inversify';
import { Kafka, logLevel, type Admin, type Consumer, type EachBatchPayload } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import { DEFAULT_MAX_RECORD_BYTES, type SourceRecord } from '../../domain/records';
import { LoggerPort } from '../../ports/logger.port';
import type { SourceBatch, SourcePort } from '../../ports/source.port';
import { decodeRecordBytes } from '../encoding/utf8';
import { describeKafkaError } from './kafka-errors';

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

/**
 * Keys longer than this make the record invalid. No job reads keys, but producers key by an id or a
 * symbol (tens of bytes): a key of kilobytes is a broken producer, and its value is not trusted.
 */
export const MAX_KEY_BYTES = 4096;

const MAX_BUFFERED_CHARS = 32 * 1024 * 1024;

/**
 * Buffers: a fetch brings at most 256 KiB per partition (4 MiB in all) and at most 5,000 records
 * wait to be polled. Records already fetched are delivered even for a partition held back, so these
 * bound how far a partition may overshoot its hold (a few thousand records) as well as memory;
 * kafkajs's defaults (1 MiB per partition, 10 MiB per fetch) and 20,000 queued records let a
 * partition run 20,000 records ahead.
 */
const MAX_BUFFERED_RECORDS = 5_000;
const FETCH_BYTES_PER_PARTITION = 256 * 1024;
const FETCH_BYTES = 4 * 1024 * 1024;

/** Well below the session timeout (10 s): a member silent for longer is dropped from the group. */
const HAND_OVER_TIMEOUT_MS = 5_000;

/**
 * kafkajs reads the topic's metadata again at a fetch once it is this old (its default: 5 minutes);
 * finding more partitions than the group assigned, it rejoins, and the new partitions are assigned
 * within seconds. One small request per refresh per member.
 */
const METADATA_REFRESH_MS = 5_000;

/** kafkajs's test for a rebalance in progress (its own `isRebalancing` is not exported). */
function isRebalancing(e: unknown): boolean {
  const type = (e as { type?: unknown } | null)?.type;
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION';
}

/**
 * The group did not take the offsets `acknowledge` sent. Only lag monitoring reads them (the
 * resume point is stored with the data), and the next commit moves them on. During a rebalance the
 * group refuses them (its generation moved on: "Specified group generation id is not valid"),
 * which is expected: info. Any other failure keeps the lag shown stale until it passes: a warning.
 */
export function logRefusedOffsets(logger: LoggerPort, topic: string, e: unknown): void {
  const context = {
    topic,
    error: e instanceof Error ? e.message : String(e),
    consequence:
      'only lag monitoring reads these offsets and the next commit moves them on; resuming uses the positions stored with the data',
  };
  // kafkajs wraps an error it retried in KafkaJSNumberOfRetriesExceeded: the broker's is its cause.
  const causes: unknown[] = [];
  for (let c: unknown = e; c !== undefined && c !== null && causes.length < 5; c = (c as { cause?: unknown }).cause)
    causes.push(c);
  const refused = causes.some(
    (c) =>
      isRebalancing(c) || ['UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID'].includes(String((c as { type?: unknown }).type)),
  );
  if (refused) logger.info('offsets for lag monitoring not committed to Kafka during a rebalance', context);
  else logger.warn('could not commit offsets for lag monitoring to Kafka', context);
}

export const KafkaSourceOptions: ServiceIdentifier<KafkaSourceOptions> = Symbol.for('hexstream.KafkaSourceOptions');

/**
 * A Kafka topic read by a consumer group, behind the pull-shaped source port.
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
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private queue: SourceRecord[] = [];
  private head = 0;
  /** Characters of the queued values, at least (see `overCharBudget`). */
  private queuedChars = 0;
  private wakeReader: (() => void) | undefined;
  private wakeFetcher: (() => void) | undefined;
  private failure: Error | undefined;
  private resumeFrom: ReadonlyMap<number, number> = new Map();
  /** Per partition, the first offset the log still holds (where a partition without a stored position starts). */
  private readonly lowOffsets = new Map<number, number>();
  /** Bounded mode: per partition, the offset after the last record that existed at open. */
  private endOffsets: Map<number, number> | undefined;
  private readonly ended = new Set<number>();
  /** Bounded: whether the partitions this member was not given are done (see `isExhausted`). */
  private othersDone = false;
  private othersCheckedAtMs = 0;
  private readonly reportedEnded = new Set<number>();
  private partitions: number[] = [];
  /** Per partition, the offset after the last record queued in this run. */
  private readonly queuedUpTo = new Map<number, number>();
  /** Per partition, the high watermark of the last fetch and the offset after the last record polled. */
  private readonly highWatermarks = new Map<number, number>();
  private readonly polledUpTo = new Map<number, number>();
  private joinedOnce = false;
  /** A rebalance changed the partitions: told to the pipeline by the next poll. */
  private pendingAssignment: number[] | undefined;
  /** Between a rebalance and the pipeline's `seek`, fetched records are not queued. */
  private awaitingSeek = false;
  /** A rebalance began: the next poll asks the pipeline to commit; the acknowledge that follows lets go. */
  private revoke: { announced: boolean; release: () => void; delivered: ReadonlyMap<number, number> } | undefined;
  /** Per partition, the offset after the last record polled since the last seek. */
  private readonly delivered = new Map<number, number>();
  /** Handed over, not yet rejoined: batches kafkajs still hands out from the old fetch are left alone. */
  private rejoining = false;
  /**
   * Handed over, not yet given the new assignment: nothing more is delivered. Records still queued
   * may belong to partitions now going to another member, which reads the checkpoint once it has
   * them: a commit of them after the hand-over would come after that read.
   */
  private handedOver = false;
  /** Set while kafkajs restarts a consumer that lost its broker: why (cleared by the next join or batch). */
  private unavailable: string | undefined;
  /** Partitions paused by `holdBack` (not fetched; what is queued of them is still polled). */
  private held: ReadonlySet<number> = new Set();

  constructor(
    @inject(KafkaSourceOptions) private readonly options: KafkaSourceOptions,
    @inject(LoggerPort) private readonly logger: LoggerPort,
  ) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'hexstream',
      brokers: [...options.brokers],
      connectionTimeout: Math.min(options.connectTimeoutMs ?? 10_000, 10_000),
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5_000 },
      logLevel: logLevel.NOTHING,
    });
  }

  async open(resumeFrom: ReadonlyMap<number, number>): Promise<readonly number[]> {
    this.resumeFrom = resumeFrom;
    const { topic } = this.options;
    const deadline = this.options.connectTimeoutMs ?? 30_000;
    try {
      await withTimeout(this.connect(topic), deadline, `joining consumer group ${this.options.groupId}`);
    } catch (e) {
      await this.close().catch(() => undefined);
      if (e instanceof HexstreamError) throw e;
      throw new HexstreamError(
        'SOURCE_UNAVAILABLE',
        `cannot read topic ${topic} from Kafka at ${this.options.brokers.join(',')}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    return this.partitions;
  }

  async poll(maxRecords: number, maxWaitMs: number): Promise<SourceBatch> {
    const batch = await this.next(maxRecords, maxWaitMs);
    const unavailable = this.unavailable;
    return unavailable === undefined || batch.records.length > 0 ? batch : { ...batch, unavailable };
  }

  private async next(maxRecords: number, maxWaitMs: number): Promise<SourceBatch> {
    if (this.failure !== undefined) throw this.failure;
    if (this.revoke !== undefined) {
      if (this.revoke.announced) await this.waitForReader(maxWaitMs);
      else {
        this.revoke.announced = true;
        // What the commit asked for must cover (an earlier trigger's commit may still be in flight).
        this.revoke.delivered = new Map([...this.delivered].filter(([p]) => this.partitions.includes(p)));
        return { records: [], endedPartitions: [], exhausted: false, revoking: true };
      }
      if (this.revoke !== undefined) return { records: [], endedPartitions: [], exhausted: false };
    }
    if (this.handedOver) {
      // Rejoining takes a moment: waited for here (the group's answer wakes it), so that the same
      // poll brings the assignment and the pipeline fires no trigger for partitions it gave away.
      await this.waitForReader(Math.max(maxWaitMs, this.options.handOverTimeoutMs ?? HAND_OVER_TIMEOUT_MS));
      if (this.handedOver) return { records: [], endedPartitions: [], exhausted: false };
    }
    const assigned = this.pendingAssignment;
    if (assigned !== undefined) {
      this.pendingAssignment = undefined;
      return { records: [], endedPartitions: [], exhausted: false, assigned };
    }
    await this.checkOthersDone();
    if (this.available() === 0 && !this.isExhausted() && this.pendingAssignment === undefined) {
      await this.waitForReader(maxWaitMs);
      if (this.failure !== undefined) throw this.failure;
      if (this.revoke !== undefined || this.pendingAssignment !== undefined)
        return { records: [], endedPartitions: [], exhausted: false };
    }
    const n = Math.min(maxRecords, this.available());
    const records = this.queue.slice(this.head, this.head + n);
    this.head += n;
    for (const r of records) {
      this.polledUpTo.set(r.partition, r.position + 1);
      this.delivered.set(r.partition, r.position + 1);
      this.queuedChars -= r.value?.length ?? 0;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    this.wakeFetcher?.();
    const endedPartitions = [...this.ended].filter((p) => !this.reportedEnded.has(p) && !this.pendingFor(p));
    for (const p of endedPartitions) this.reportedEnded.add(p);
    const lag = new Map<number, number>();
    for (const [p, high] of this.highWatermarks)
      lag.set(p, Math.max(0, high - (this.polledUpTo.get(p) ?? this.resumeFrom.get(p) ?? 0)));
    const exhausted =
      this.isExhausted() && this.available() === 0 && this.partitions.every((p) => this.reportedEnded.has(p));
    return { records, endedPartitions, exhausted, lag };
  }

  async seek(positions: ReadonlyMap<number, number>): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined) throw new HexstreamError('SOURCE_READ_FAILED', 'Kafka source used before open()');
    this.queue = [];
    this.head = 0;
    this.queuedUpTo.clear();
    this.delivered.clear();
    this.partitions = [...positions.keys()].sort((a, b) => a - b);
    for (const [partition, position] of positions) {
      // A position the log no longer holds (retention deleted it) reads on from the log's start.
      const offset = Math.max(position, this.lowOffsets.get(partition) ?? 0);
      consumer.seek({ topic: this.options.topic, partition, offset: String(offset) });
      this.queuedUpTo.set(partition, offset);
      this.polledUpTo.set(partition, offset);
      // Read again from here (a rebuild replays it): ended only if nothing is left before the end.
      this.ended.delete(partition);
      this.reportedEnded.delete(partition);
      const end = this.endOffsets?.get(partition);
      if (end !== undefined && offset >= end) this.ended.add(partition);
    }
    this.awaitingSeek = false;
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
    // The commit asked for by a revoking batch is durable: the partitions may go. With commits in
    // flight while reading on, the acknowledgement of an earlier trigger may come first: it does
    // not cover every record delivered before the rebalance began, and the partitions stay.
    const revoke = this.revoke;
    if (revoke?.announced === true && [...revoke.delivered].every(([p, next]) => (positions.get(p) ?? -1) >= next))
      revoke.release();
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
    this.wakeFetcher?.();
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
    this.partitions = offsets.map((o) => o.partition).sort((a, b) => a - b);
    for (const o of offsets) this.lowOffsets.set(o.partition, Number(o.low));
    if (this.options.bounded) {
      this.endOffsets = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
      for (const o of offsets) {
        const start = Math.max(this.resumeFrom.get(o.partition) ?? 0, Number(o.low));
        if (start >= Number(o.high)) this.ended.add(o.partition);
      }
    }
    // A short session lets the group drop a killed member (kill -9) in seconds, not half a minute.
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      metadataMaxAge: METADATA_REFRESH_MS,
      maxWaitTimeInMs: 250,
      maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
      maxBytes: FETCH_BYTES,
    });
    this.consumer = consumer;
    let joined: () => void = () => undefined;
    const hasJoined = new Promise<void>((resolve) => {
      joined = resolve;
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.rejoining = false;
      this.handedOver = false;
      this.wakeReader?.();
      this.unavailable = undefined;
      const assigned = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
      if (!this.joinedOnce) {
        this.joinedOnce = true;
        this.partitions = assigned;
        // Every partition, also one without a stored position: the group's committed offsets in
        // Kafka (e.g. of an earlier run into another database) are never where reading starts.
        for (const partition of assigned) {
          const offset = this.resumeFrom.get(partition) ?? this.lowOffsets.get(partition) ?? 0;
          consumer.seek({ topic, partition, offset: String(offset) });
        }
        this.logger.info('kafka partitions assigned', { topic, partitions: assigned.join(',') });
        joined();
        return;
      }
      if (assigned.join(',') === this.partitions.join(',')) {
        // Same partitions after a rejoin: kafkajs would restart from the group's committed offsets
        // in Kafka, which may lie behind (commits refused mid-rebalance) or ahead (while replaying
        // after a restart) of what is queued. Go on exactly after the last queued record.
        for (const partition of assigned) {
          const next =
            this.queuedUpTo.get(partition) ?? this.resumeFrom.get(partition) ?? this.lowOffsets.get(partition) ?? 0;
          consumer.seek({ topic, partition, offset: String(next) });
        }
        return;
      }
      // Rebalanced: what is queued may belong to partitions that are gone, and the new ones must
      // start where the committed data says. The pipeline rebuilds and then calls `seek`.
      this.awaitingSeek = true;
      this.queue = [];
      this.head = 0;
      this.pendingAssignment = assigned;
      this.logger.info('kafka partitions reassigned', { topic, partitions: assigned.join(',') });
      this.wakeReader?.();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (this.consumer !== consumer) {
        // Closed meanwhile (e.g. a failed open): stop kafkajs from restarting it once it has
        // scheduled the restart, or the process never ends.
        setTimeout(() => void consumer.disconnect().catch(() => undefined), 0);
        return;
      }
      if (!event.payload.restart) {
        this.fail(
          new HexstreamError('SOURCE_READ_FAILED', `Kafka consumer stopped: ${event.payload.error.message}`, {
            cause: event.payload.error,
          }),
        );
        return;
      }
      // kafkajs restarts the consumer with backoff (its retry settings) until the broker is back;
      // the pipeline shows the outage and gives up after --max-outage.
      this.unavailable = `Kafka at ${this.options.brokers.join(',')}: ${describeKafkaError(event.payload.error)}`;
      this.logger.warn('kafka consumer lost the broker; reconnecting', {
        topic: this.options.topic,
        error: this.unavailable,
      });
      this.wakeReader?.();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.onBatch(payload),
    });
    if (this.options.bounded && this.partitions.every((p) => this.ended.has(p))) return;
    await hasJoined;
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
   * Only an acknowledge covering every record delivered before the announcement counts: with
   * overlapping commits, an earlier trigger's may land first.
   */
  private async heartbeatOrHandOver(heartbeat: () => Promise<void>): Promise<void> {
    try {
      await heartbeat();
    } catch (e) {
      // Once per rebalance: kafkajs may call the handler for the other batches of its last fetch
      // before it rejoins, and a member that stays away past the session timeout is dropped.
      if (isRebalancing(e) && !this.rejoining && !this.awaitingSeek && this.joinedOnce && this.consumer !== undefined)
        await this.handOver();
      this.rejoining = true;
      throw e;
    }
  }

  private async handOver(): Promise<void> {
    const started = Date.now();
    let committedFirst = false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.revoke = undefined;
        this.handedOver = true;
        resolve();
      }, this.options.handOverTimeoutMs ?? HAND_OVER_TIMEOUT_MS);
      this.revoke = {
        announced: false,
        delivered: new Map(),
        release: () => {
          committedFirst = true;
          this.revoke = undefined;
          this.handedOver = true;
          clearTimeout(timer);
          resolve();
        },
      };
      this.wakeReader?.();
    });
    this.logger.info('kafka partitions handed over to the rebalance', {
      topic: this.options.topic,
      committedFirst,
      waitedMs: Date.now() - started,
    });
  }

  private async waitForReader(maxWaitMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, maxWaitMs);
      this.wakeReader = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeReader = undefined;
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const partition = batch.partition;
    this.unavailable = undefined;
    this.highWatermarks.set(partition, Number(batch.highWatermark));
    const end = this.endOffsets?.get(partition);
    if (this.awaitingSeek || this.rejoining) return;
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.awaitingSeek || this.rejoining) return;
      const offset = Number(message.offset);
      if (end !== undefined && offset >= end) {
        this.ended.add(partition);
        break;
      }
      const record = toRecord(partition, offset, message, this.options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
      this.queue.push(record);
      this.queuedChars += record.value?.length ?? 0;
      this.queuedUpTo.set(partition, offset + 1);
      resolveOffset(message.offset);
      if (end !== undefined && offset + 1 >= end) this.ended.add(partition);
      while (
        (this.available() >= (this.options.maxBufferedRecords ?? MAX_BUFFERED_RECORDS) || this.overCharBudget()) &&
        isRunning() &&
        !isStale()
      ) {
        this.wakeReader?.();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1_000);
          this.wakeFetcher = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeFetcher = undefined;
        await this.heartbeatOrHandOver(heartbeat);
      }
    }
    this.wakeReader?.();
    await this.heartbeatOrHandOver(heartbeat);
  }

  /** Bounded, own partitions done: asks the group's committed offsets about the others, at most once a second. */
  private async checkOthersDone(): Promise<void> {
    const ends = this.endOffsets;
    const admin = this.admin;
    if (!this.options.bounded || this.othersDone || ends === undefined || admin === undefined) return;
    if (!this.partitions.every((p) => this.ended.has(p))) return;
    const others = [...ends].filter(([p]) => !this.partitions.includes(p) && !this.ended.has(p));
    if (others.length === 0) {
      this.othersDone = true;
      return;
    }
    if (Date.now() - this.othersCheckedAtMs < 1_000) return;
    this.othersCheckedAtMs = Date.now();
    try {
      const [committed] = await admin.fetchOffsets({ groupId: this.options.groupId, topics: [this.options.topic] });
      const at = new Map((committed?.partitions ?? []).map((c) => [c.partition, Number(c.offset)]));
      this.othersDone = others.every(([p, end]) => (at.get(p) ?? -1) >= end);
    } catch (e) {
      this.logger.warn('could not read the group offsets of the other partitions', {
        topic: this.options.topic,
        error: (e as Error).message,
      });
    }
  }

  private available(): number {
    return this.queue.length - this.head;
  }

  /**
   * Whether the queued values hold more than `maxBufferedChars`. The running count only grows by
   * what is queued and shrinks by what is polled, so after the queue was dropped (a seek, a
   * rebalance) it is too high, never too low: past the budget, it is counted again from the queue.
   */
  private overCharBudget(): boolean {
    const budget = this.options.maxBufferedChars ?? MAX_BUFFERED_CHARS;
    if (this.queuedChars <= budget) return false;
    let chars = 0;
    for (let i = this.head; i < this.queue.length; i++) chars += (this.queue[i] as SourceRecord).value?.length ?? 0;
    this.queuedChars = chars;
    return chars > budget;
  }

  private pendingFor(partition: number): boolean {
    for (let i = this.head; i < this.queue.length; i++)
      if ((this.queue[i] as SourceRecord).partition === partition) return true;
    return false;
  }

  /**
   * Bounded: this member's partitions are read to their end offsets, and every other partition of
   * the topic is done too — at its end already at open, or committed that far by the group. A
   * member that only read its share must not stop while a crashed member still holds the rest (it
   * keeps them until its session times out, then the group hands them over to this one).
   */
  private isExhausted(): boolean {
    return this.options.bounded && this.partitions.every((p) => this.ended.has(p)) && this.othersDone;
  }

  private fail(error: Error): void {
    this.failure = error;
    this.wakeReader?.();
  }
}

/**
 * One Kafka message as a source record. Its timestamp (producer's create time, or the broker's
 * append time) is its arrival time. A value over `maxRecordBytes` is not decoded: the record keeps
 * a preview of its start and its size; a key over `MAX_KEY_BYTES` makes the record invalid too.
 */
export function toRecord(
  partition: number,
  position: number,
  message: { readonly key?: Buffer | null; readonly value: Buffer | null; readonly timestamp: string },
  maxRecordBytes: number,
): SourceRecord {
  const timestampMs = Number(message.timestamp);
  const arrival = Number.isSafeInteger(timestampMs) && timestampMs >= 0 ? { arrivalMs: timestampMs } : {};
  const { key, value } = message;
  if (value === null) return { partition, position, value: undefined, ...arrival };
  const decoded = decodeRecordBytes(value, maxRecordBytes);
  if (key !== null && key !== undefined && key.length > MAX_KEY_BYTES) {
    const keyError = `key is ${key.length} bytes, more than the limit of ${MAX_KEY_BYTES}`;
    const decodeError = decoded.decodeError === undefined ? keyError : `${keyError}; ${decoded.decodeError}`;
    return { partition, position, ...decoded, decodeError, ...arrival };
  }
  return { partition, position, ...decoded, ...arrival };
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new HexstreamError('SOURCE_UNAVAILABLE', `timed out after ${ms} ms ${what}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
