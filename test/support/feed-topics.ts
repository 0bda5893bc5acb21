import { readTopicUpTo } from '../../src/adapters/kafka/read-topic';
import { kafkaClient } from './kafka-topics';

/** A message of an `ingest` topic as read back, with its record timestamp. */
export interface FeedTopicMessage {
  readonly partition: number;
  readonly key: string | undefined;
  readonly value: string;
  readonly timestampMs: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** Every message of a (non-transactional) topic up to its end offsets now, per partition in offset order. */
export async function readFeedTopic(topic: string): Promise<FeedTopicMessage[]> {
  const kafka = kafkaClient();
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, number>;
  try {
    ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const out: Array<FeedTopicMessage & { offset: number }> = [];
  await readTopicUpTo(
    kafka,
    topic,
    ends,
    ({ partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {}))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
      out.push({
        partition,
        offset: Number(message.offset),
        key: message.key?.toString('utf8'),
        value: message.value?.toString('utf8') ?? '',
        timestampMs: Number(message.timestamp),
        headers,
      });
    },
    { timeoutMs: 30_000 },
  );
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset).map(({ offset: _offset, ...m }) => m);
}

/** Messages on a topic now (the sum of its partitions' end offsets; 0 when it does not exist yet). */
export async function topicCount(topic: string): Promise<number> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, o) => sum + Number(o.high), 0);
  } catch {
    // A topic just created may have no leader yet: nothing to count so far.
    return 0;
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the topic holds at least `n` messages; fails past `timeoutMs` saying how many it holds. */
export async function waitForTopicCount(topic: string, n: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await topicCount(topic);
    if (count >= n) return;
    if (Date.now() > deadline)
      throw new Error(`topic ${topic} holds ${count} messages after ${timeoutMs / 1000} s, not ${n}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A topic's messages as a job's input: per partition, the values in offset order. */
export function partitionsOf(messages: readonly FeedTopicMessage[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const m of messages) out.set(m.partition, [...(out.get(m.partition) ?? []), m.value]);
  return out;
}
