import type { KafkaMessage } from 'kafkajs';
import { readTopicUpTo } from '../../src/adapters/kafka/read-topic';
import { kafkaClient } from './kafka-topics';

export interface TopicMessage {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | undefined;
  readonly value: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Every message of a topic up to its end offsets, per partition in offset order. By default as a
 * `read_committed` consumer sees them (aborted transactions left out); `readUncommitted` shows what
 * the log physically holds. Call it when no transaction is open on the topic.
 */
export async function readTopic(topic: string, options: { readUncommitted?: boolean } = {}): Promise<TopicMessage[]> {
  const kafka = kafkaClient();
  const admin = kafka.admin();
  await admin.connect();
  // The end offsets a read_committed reader may reach move once the coordinator has written the
  // markers of the last commit, a moment after it returned: read them until they hold still.
  const endsNow = async (): Promise<Map<number, number>> =>
    new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
  let ends: Map<number, number>;
  try {
    ends = await endsNow();
    for (let tries = 0; tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const again = await endsNow();
      if ([...again].every(([p, n]) => ends.get(p) === n)) break;
      ends = again;
    }
  } finally {
    await admin.disconnect();
  }
  const out: TopicMessage[] = [];
  await readTopicUpTo(kafka, topic, ends, ({ partition, message }) => out.push(asTopicMessage(partition, message)), {
    timeoutMs: 30_000,
    readUncommitted: options.readUncommitted,
  });
  return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

function asTopicMessage(partition: number, m: KafkaMessage): TopicMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {}))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  return {
    partition,
    offset: Number(m.offset),
    key: m.key?.toString('utf8'),
    value: m.value?.toString('utf8'),
    headers,
  };
}

/** Creates topics (if absent) with the given partitions. */
export async function createTopics(topics: ReadonlyArray<{ topic: string; partitions: number }>): Promise<void> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor: 1 })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics that exist among these; never fails a test's cleanup. */
export async function deleteTopics(topics: readonly string[]): Promise<void> {
  const admin = kafkaClient().admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } catch {
    // Cleanup only.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The input topic as the reference reads it: per partition, the records in offset order. */
export function topicPartitions(messages: readonly TopicMessage[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const m of messages) {
    const lines = out.get(m.partition) ?? [];
    if (m.offset !== lines.length)
      throw new Error(`input partition ${m.partition} has a gap before offset ${m.offset}`);
    lines.push(m.value ?? '');
    out.set(m.partition, lines);
  }
  return out;
}
