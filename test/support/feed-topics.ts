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
  return out
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .map(({ offset: _offset, ...m }) => m);
}
