import { randomBytes } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';

/** One message as read, with its partition. */
export interface ReadMessage {
  readonly partition: number;
  readonly message: KafkaMessage;
}

export interface ReadTopicOptions {
  readonly timeoutMs: number;
  /** Also return records of aborted and open transactions (default false: `read_committed`). */
  readonly readUncommitted?: boolean;
}

/**
 * Reads partitions of a topic from their beginning up to the given offsets (exclusive), by default
 * as a `read_committed` reader sees them: records of aborted transactions and transaction markers
 * are skipped, and records of open transactions are not returned until those end. Calls
 * `onMessage` in offset order per partition; resolves once every partition's position reached its
 * end.
 *
 * Progress is tracked by the fetch position, not by the last message seen: the last records of a
 * transactional topic are commit markers, which no message ever reports.
 *
 *   ends: {0: 812}   fetch … 805 806 807(marker) │ … 811(marker) ─▶ position 812 ≥ 812: done
 *
 * A consumer group of its own (random name, deleted afterwards) is the only way kafkajs reads a
 * topic; offsets are never committed.
 */
export async function readTopicUpTo(
  kafka: Kafka,
  topic: string,
  ends: ReadonlyMap<number, number>,
  onMessage: (m: ReadMessage) => void,
  options: ReadTopicOptions,
): Promise<void> {
  const { timeoutMs } = options;
  const remaining = new Map([...ends].filter(([, end]) => end > 0));
  if (remaining.size === 0) return;
  const groupId = `hexstream-reader-${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: options.readUncommitted === true,
    maxWaitTimeInMs: 200,
    retry: { retries: 5 },
  });
  const progress = readProgress(remaining);
  const { advance, fail } = progress;
  // Batches holding only markers or aborted records reach no handler: this event reports them. A
  // fetch with no record at all (read_committed right after a commit, before the broker wrote its
  // markers) reports the high watermark as its last offset: it says nothing of progress.
  const offEvent = consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
    if (event.payload.topic === topic && event.payload.firstOffset !== null && event.payload.firstOffset !== undefined)
      advance(event.payload.partition, event.payload.lastOffset);
  });
  const offCrash = consumer.on(consumer.events.CRASH, (event) => fail(event.payload.error));
  const timer = setTimeout(
    () => fail(new Error(`timed out after ${timeoutMs} ms reading topic ${topic} up to ${describeEnds(remaining)}`)),
    timeoutMs,
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = remaining.get(batch.partition);
        if (end === undefined) return;
        for (const message of batch.messages) {
          if (Number(message.offset) < end) onMessage({ partition: batch.partition, message });
        }
        advance(batch.partition, batch.lastOffset());
      },
    });
    await progress.done;
  } finally {
    clearTimeout(timer);
    offEvent();
    offCrash();
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }
}

interface ReadProgress {
  /** Settles once every partition reached its end, or at the first failure. */
  readonly done: Promise<void>;
  /** A batch of `partition` ended at `lastOffset`. */
  readonly advance: (partition: number, lastOffset: string) => void;
  readonly fail: (e: unknown) => void;
}

/** Counts `remaining` down as fetch positions pass each partition's end. */
function readProgress(remaining: Map<number, number>): ReadProgress {
  let finish: () => void = () => undefined;
  let fail: (e: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const advance = (partition: number, lastOffset: string): void => {
    const end = remaining.get(partition);
    if (end !== undefined && Number(lastOffset) + 1 >= end) remaining.delete(partition);
    if (remaining.size === 0) finish();
  };
  return { done, advance, fail };
}

/** Deletes a reader's own short-lived consumer group; a failure leaves an empty group that expires. */
export async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // A leftover empty group holds nothing and expires with the broker's offsets retention.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function describeEnds(ends: ReadonlyMap<number, number>): string {
  return [...ends].map(([p, end]) => `partition ${p} offset ${end}`).join(', ');
}
