import { Kafka, logLevel, type Admin, type IHeaders, type KafkaMessage } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import type {
  BrowsedMessage,
  BrowseFrom,
  PartitionOffsets,
  TopicBrowserPort,
  TopicSummary,
} from '../../ports/topic-browser.port';
import { describeKafkaError } from './kafka-errors';
import { readPartition } from './read-partition';

export interface KafkaTopicBrowserOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /** Bound on one read of messages (default 10 s). */
  readonly readTimeoutMs?: number;
}

const DEFAULT_READ_TIMEOUT_MS = 10_000;

/**
 * The topic browser on a Kafka cluster: the topic list and offsets through the admin client, messages
 * through a short-lived consumer of their own (`read-partition.ts`), never committing anything.
 * Internal topics (`__consumer_offsets`, `__transaction_state`) are left out. Calls run one at a time:
 * a page opened by many browsers costs one consumer at a time, not one each.
 */
export class KafkaTopicBrowser implements TopicBrowserPort {
  private readonly kafka: Kafka;
  private admin: Admin | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: KafkaTopicBrowserOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'hexstream-topic-browser',
      brokers: [...options.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 5 },
    });
  }

  topics(): Promise<readonly TopicSummary[]> {
    return this.serial(async () => {
      const admin = await this.connected();
      const names = (await admin.listTopics()).filter((name) => !name.startsWith('__')).sort();
      const out: TopicSummary[] = [];
      for (const name of names) out.push({ name, partitions: await this.offsets(admin, name) });
      return out;
    }, 'list the topics');
  }

  messages(topic: string, partition: number, from: BrowseFrom, limit: number): Promise<readonly BrowsedMessage[]> {
    return this.serial(async () => {
      const admin = await this.connected();
      // Asked first: a metadata request for a topic the broker lacks may create it.
      if (!(await admin.listTopics()).includes(topic)) throw new HexstreamError('CONFIG_INVALID', `no topic ${topic}`);
      const offsets = (await this.offsets(admin, topic)).find((p) => p.partition === partition);
      if (offsets === undefined)
        throw new HexstreamError('CONFIG_INVALID', `topic ${topic} has no partition ${partition}`);
      const start = 'offset' in from ? from.offset : await this.offsetAt(admin, topic, partition, from.timestampMs);
      const messages = await readPartition(this.kafka, {
        topic,
        partition,
        start: Math.max(offsets.low, Math.min(start, offsets.high)),
        end: offsets.high,
        limit,
        timeoutMs: this.options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
      });
      return messages.map((m) => browsed(partition, m));
    }, `read topic ${topic} partition ${partition}`);
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async offsets(admin: Admin, topic: string): Promise<PartitionOffsets[]> {
    const listed = await admin.fetchTopicOffsets(topic);
    return listed
      .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** The first offset whose timestamp is at or after `timestampMs` (the end when there is none). */
  private async offsetAt(admin: Admin, topic: string, partition: number, timestampMs: number): Promise<number> {
    const found = await admin.fetchTopicOffsetsByTimestamp(topic, timestampMs);
    const offset = found.find((o) => o.partition === partition)?.offset;
    return offset === undefined ? 0 : Number(offset);
  }

  private async connected(): Promise<Admin> {
    if (this.admin !== undefined) return this.admin;
    const admin = this.kafka.admin();
    await admin.connect();
    this.admin = admin;
    return admin;
  }

  /** Runs `work` after the calls before it; a driver's failure becomes `SOURCE_UNAVAILABLE` saying what failed. */
  private serial<T>(work: () => Promise<T>, what: string): Promise<T> {
    const run = this.queue.catch(() => undefined).then(work);
    this.queue = run.catch(() => undefined);
    return run.catch((e: unknown) => {
      if (e instanceof HexstreamError) throw e;
      throw new HexstreamError(
        'SOURCE_UNAVAILABLE',
        `cannot ${what} on ${this.options.brokers.join(',')}: ${describeKafkaError(e)}`,
        { cause: e },
      );
    });
  }
}

function browsed(partition: number, m: KafkaMessage): BrowsedMessage {
  return {
    partition,
    offset: Number(m.offset),
    timestampMs: Number(m.timestamp),
    key: m.key ?? null,
    value: m.value,
    headers: headerList(m.headers),
  };
}

/** kafkajs's header object as a list; a header repeated under one name comes as an array. */
function headerList(headers: IHeaders | undefined): BrowsedMessage['headers'] {
  const out: Array<{ name: string; value: Uint8Array }> = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined) out.push({ name, value: typeof v === 'string' ? Buffer.from(v) : v });
    }
  }
  return out;
}
