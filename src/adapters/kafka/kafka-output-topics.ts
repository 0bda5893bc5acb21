import type { Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { HexstreamError } from '../../domain/hexstream-error';
import type { StoredCheckpoint } from '../../ports/result-store.port';
import type { CheckpointTopicCodec, SnapshotHead } from './checkpoint-topic';
import { CHECKPOINT_PARTITION, DEFAULT_TRANSACTION_TIMEOUT_MS, type KafkaSinkOptions } from './kafka-sink-options';
import { readTopicUpTo } from './read-topic';

// A send that keeps failing aborts the transaction instead of retrying forever: nothing of it
// becomes visible, so bounded retries cost no duplicates.
const SEND_RETRY = { retries: 10, initialRetryTime: 25, maxRetryTime: 5_000 };

/** Creates the output, dead-letter and (compacted) checkpoint topics that do not exist yet. */
export async function ensureOutputTopics(kafka: Kafka, options: KafkaSinkOptions): Promise<void> {
  const { outputTopic, deadLetterTopic, checkpointTopic } = options;
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const wanted = [
      { topic: outputTopic, numPartitions: options.outputPartitions ?? 3, replicationFactor: 1 },
      { topic: deadLetterTopic, numPartitions: 1, replicationFactor: 1 },
      {
        topic: checkpointTopic,
        numPartitions: 1,
        replicationFactor: 1,
        // Compaction keeps the last entry per key; small dirty ratio and segments keep the read at open short.
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'min.cleanable.dirty.ratio', value: '0.1' },
          { name: 'segment.ms', value: String(3_600_000) },
        ],
      },
    ].filter((t, i, all) => !existing.has(t.topic) && all.findIndex((u) => u.topic === t.topic) === i);
    // Another instance may create them at the same moment: createTopics then reports false, which is fine.
    if (wanted.length > 0)
      await admin.createTopics({ topics: wanted, waitForLeaders: true }).catch((e: unknown) => {
        if (!String((e as Error).message).includes('already exists')) throw e;
      });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** A connected transactional producer with the given id. */
export async function connectTransactionalProducer(
  kafka: Kafka,
  transactionalId: string,
  options: KafkaSinkOptions,
): Promise<Producer> {
  const producer = kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionTimeout: options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: SEND_RETRY,
  });
  await producer.connect();
  return producer;
}

/**
 * Commits a barrier and reads this owner's entries of the checkpoint topic up to it:
 *
 *   producer.transaction()  first use: InitProducerId fences older producers with this id and aborts their open transaction
 *   send barrier ─▶ commit  its offset b
 *   read_committed from the beginning until position > b: every commit before the barrier is in
 */
export async function readCheckpointPastBarrier(
  kafka: Kafka,
  producer: Producer,
  codec: CheckpointTopicCodec,
  options: KafkaSinkOptions,
): Promise<{ checkpoint: StoredCheckpoint | undefined; heads: SnapshotHead[] }> {
  const transaction = await producer.transaction();
  let barrier: number;
  try {
    const [metadata] = await transaction.send({
      topic: options.checkpointTopic,
      acks: -1,
      messages: [{ ...codec.barrierMessage(options.instanceId), partition: CHECKPOINT_PARTITION }],
    });
    barrier = Number(metadata?.baseOffset ?? metadata?.offset);
    await transaction.commit();
  } catch (e) {
    if (transaction.isActive()) await transaction.abort().catch(() => undefined);
    throw e;
  }
  if (!Number.isSafeInteger(barrier))
    throw new HexstreamError(
      'SINK_WRITE_FAILED',
      `the broker returned no offset for the barrier on ${options.checkpointTopic}`,
    );
  const reader = codec.reader();
  await readTopicUpTo(
    kafka,
    options.checkpointTopic,
    new Map([[CHECKPOINT_PARTITION, barrier + 1]]),
    ({ message }) => reader.add(message),
    { timeoutMs: options.readTimeoutMs ?? 60_000 },
  );
  return reader.result();
}
