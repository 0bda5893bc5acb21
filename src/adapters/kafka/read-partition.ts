import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { deleteGroup } from './read-topic';

/** A range of one partition to read: from `start` (an offset) up to at most `limit` messages before `end`. */
export interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  readonly start: number;
  /** The partition's high watermark when the read began: nothing at or past it is waited for. */
  readonly end: number;
  readonly limit: number;
  readonly timeoutMs: number;
}

/**
 * At most `limit` messages of one partition from `start`, in offset order, as stored: read
 * uncommitted, so messages of open or aborted transactions are returned too (a `read_committed`
 * reader would wait for an open transaction, and a browser must not hang on one); transaction
 * markers are never returned. Resolves once `limit` messages were read or the fetch position
 * reached `end`; rejects after `timeoutMs`.
 *
 *   start 40, end 46, limit 3:   40 41 42 ─▶ done (limit)
 *   start 44, end 46, limit 3:   44 45(marker) ─▶ position 46 ≥ end: done with one message
 *
 * kafkajs reads only as a member of a consumer group: one of its own (random name, deleted after),
 * which never commits an offset. The other partitions of the topic start at their end, and read nothing.
 */
export async function readPartition(kafka: Kafka, range: PartitionRange): Promise<KafkaMessage[]> {
  const { topic, partition, start, end, limit } = range;
  if (start >= end || limit <= 0) return [];
  const groupId = `hexstream-browser-${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: true, maxWaitTimeInMs: 100, retry: { retries: 3 } });
  const read: KafkaMessage[] = [];
  let finish: () => void = () => undefined;
  let fail: (e: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const advance = (lastOffset: string): void => {
    if (read.length >= limit || Number(lastOffset) + 1 >= end) finish();
  };
  // A batch of markers alone reaches no handler: this event reports it (see read-topic.ts).
  const offEvent = consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    const p = event.payload;
    if (p.topic === topic && p.partition === partition && p.firstOffset !== null && p.firstOffset !== undefined)
      advance(p.lastOffset);
  });
  const offCrash = consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) fail(event.payload.error);
  });
  // Sought at each join: a consumer restarted after a retriable failure (a topic created a moment
  // ago, its metadata not everywhere yet) forgets a seek made before.
  const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
    consumer.seek({ topic, partition, offset: String(start) });
  });
  const timer = setTimeout(
    () => fail(new Error(`timed out after ${range.timeoutMs} ms reading ${topic} partition ${partition}`)),
    range.timeoutMs,
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.partition !== partition) return;
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          if (offset >= start && offset < end && read.length < limit) read.push(message);
        }
        advance(batch.lastOffset());
      },
    });
    await done;
  } finally {
    clearTimeout(timer);
    offEvent();
    offCrash();
    offJoin();
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }
  return read;
}
