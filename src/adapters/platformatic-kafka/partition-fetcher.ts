import { FetchIsolationLevels, IS_CONTROL, type Consumer, type FetchOptions } from '@platformatic/kafka';
import { DEFAULT_MAX_RECORD_BYTES } from '../../domain/records';
import type { BoundedEnds } from '../kafka/bounded-ends';
import type { GroupMembership } from '../kafka/group-membership';
import { describeKafkaError } from '../kafka/kafka-errors';
import { toRecord } from '../kafka/kafka-record';
import type { RecordQueue } from '../kafka/record-queue';
import type { WakeSignal } from '../kafka/wake-signal';

type FetchRequestTopic = FetchOptions<Buffer, Buffer, Buffer, Buffer>['topics'][number];
type FetchResponse = Awaited<ReturnType<Consumer['fetch']>>;

/** What the fetcher shares with the source that owns it. */
export interface FetcherContext {
  readonly consumer: Consumer;
  readonly topic: string;
  readonly brokers: readonly string[];
  readonly maxRecordBytes?: number;
  readonly maxBufferedRecords: number;
  readonly maxBufferedChars: number;
  readonly membership: GroupMembership;
  readonly queue: RecordQueue;
  /** Wakes a poll waiting for records. */
  readonly reader: WakeSignal;
  /** Wakes the fetcher waiting for room in the queue (or for partitions). */
  readonly fetcher: WakeSignal;
  ends(): BoundedEnds | undefined;
  /** Partitions held back (not fetched). */
  held(): ReadonlySet<number>;
  /** The broker cannot be reached (`reason`), or answers again (`undefined`). */
  outage(reason: string | undefined): void;
}

/** Bytes per partition and per fetch: as the kafkajs source's (see `groupConsumerConfig`). */
const FETCH_BYTES_PER_PARTITION = 256 * 1024;
const FETCH_BYTES = 4 * 1024 * 1024;
/** How long the broker holds a fetch that found nothing. */
const FETCH_WAIT_MS = 250;
/** Between attempts while the broker cannot be reached. */
const RETRY_MS = 500;

/**
 * The fetch loop of the @platformatic/kafka source. The library's own stream (`consume`) starts
 * partitions at the group's committed or the log's offsets and cannot pause one partition; the
 * source needs both (the positions stored with the data; `holdBack`), so it fetches itself:
 *
 *   ┌▶ room in the queue? ─no─▶ wait (poll wakes it)
 *   │   partitions = assigned − held, each at `next[p]`
 *   │   fetch from each leader ─▶ per record at or past `next[p]`: queue, next[p] = offset + 1
 *   └──────────────────────────────────────────────────────────────────────────────────────┘
 *
 * `restart(p, offset)` moves `next[p]` (a join, a seek) and bumps the epoch: a fetch in flight
 * when it happened is dropped on arrival, so no record from before the move is queued.
 */
export class PartitionFetcher {
  private readonly next = new Map<number, bigint>();
  private epoch = 0;
  private running = false;
  private stopped: Promise<void> = Promise.resolve();

  constructor(private readonly ctx: FetcherContext) {}

  /** Reading `partition` goes on from `offset` (`undefined`: not read until a later restart). */
  restart(partition: number, offset: number | undefined): void {
    this.epoch++;
    if (offset === undefined) this.next.delete(partition);
    else this.next.set(partition, BigInt(offset));
    this.ctx.fetcher.wake();
  }

  /** Forgets every partition's position (a reassignment: the pipeline's seek says where). */
  forgetAll(): void {
    this.epoch++;
    this.next.clear();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.ctx.fetcher.wake();
    await this.stopped;
  }

  private async loop(): Promise<void> {
    const { ctx } = this;
    while (this.running) {
      const wanted = this.wanted();
      if (wanted.length === 0 || this.full()) {
        ctx.reader.wake();
        await ctx.fetcher.wait(wanted.length === 0 ? FETCH_WAIT_MS : 1_000);
        continue;
      }
      try {
        await this.fetchOnce(wanted);
        ctx.outage(undefined);
      } catch (e) {
        if (!this.running) return;
        ctx.outage(`Kafka at ${ctx.brokers.join(',')}: ${describeKafkaError(e)}`);
        ctx.reader.wake();
        await ctx.fetcher.wait(RETRY_MS);
      }
    }
  }

  /** The partitions to fetch: assigned, placed, not held back, not at their bounded end. */
  private wanted(): number[] {
    const { membership } = this.ctx;
    if (!membership.accepting) return [];
    const held = this.ctx.held();
    const ends = this.ctx.ends();
    return membership.partitions.filter((p) => this.next.has(p) && !held.has(p) && ends?.hasEnded(p) !== true);
  }

  private full(): boolean {
    const { queue, maxBufferedRecords, maxBufferedChars } = this.ctx;
    return queue.available >= maxBufferedRecords || queue.overCharBudget(maxBufferedChars);
  }

  private async fetchOnce(partitions: readonly number[]): Promise<void> {
    const { consumer, topic } = this.ctx;
    const metadata = await consumer.metadata({ topics: [topic] });
    const info = metadata.topics.get(topic);
    if (info === undefined) throw new Error(`topic ${topic} has no metadata`);
    const byLeader = new Map<number, FetchRequestTopic>();
    for (const p of partitions) {
      const leader = info.partitions[p]?.leader ?? -1;
      const offset = this.next.get(p);
      if (leader < 0 || offset === undefined) continue;
      const request = byLeader.get(leader) ?? { topicId: info.id, partitions: [] };
      request.partitions.push({
        partition: p,
        fetchOffset: offset,
        partitionMaxBytes: FETCH_BYTES_PER_PARTITION,
        currentLeaderEpoch: -1,
        lastFetchedEpoch: -1,
      });
      byLeader.set(leader, request);
    }
    const epoch = this.epoch;
    await Promise.all(
      [...byLeader].map(async ([node, request]) => {
        const response = await consumer.fetch({
          node,
          topics: [request],
          maxWaitTime: FETCH_WAIT_MS,
          maxBytes: FETCH_BYTES,
          isolationLevel: FetchIsolationLevels.READ_COMMITTED,
        });
        if (epoch === this.epoch && this.running) this.queueRecords(response);
      }),
    );
    this.ctx.reader.wake();
  }

  private queueRecords(response: FetchResponse): void {
    const { ctx } = this;
    const maxRecordBytes = ctx.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    ctx.membership.batchFetched();
    for (const topicResponse of response.responses) {
      for (const part of topicResponse.partitions) {
        const partition = part.partitionIndex;
        const requested = this.next.get(partition);
        if (requested === undefined || !ctx.membership.accepting) continue;
        let next = requested;
        // OFFSET_OUT_OF_RANGE (retention deleted the position): on from the log's start.
        if (part.errorCode === 1 && part.logStartOffset > next) next = part.logStartOffset;
        ctx.queue.fetched(partition, Number(part.highWatermark));
        const end = ctx.ends()?.endOf(partition);
        for (const batch of part.records ?? []) {
          const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
          if ((batch.attributes & IS_CONTROL) === 0) {
            for (const record of batch.records) {
              const offset = batch.firstOffset + BigInt(record.offsetDelta);
              if (offset < next) continue;
              if (end !== undefined && offset >= end) break;
              const timestamp = String(batch.firstTimestamp + record.timestampDelta);
              ctx.queue.push(toRecord(partition, Number(offset), { ...record, timestamp }, maxRecordBytes));
            }
          }
          // Past control records and transactions' gaps too: the next fetch starts after the batch.
          if (last + 1n > next) next = last + 1n;
        }
        this.next.set(partition, next);
        if (end !== undefined && next >= BigInt(end)) ctx.ends()?.end(partition);
      }
    }
  }
}
