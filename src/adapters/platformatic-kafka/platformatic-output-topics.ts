import { compatibilityPartitioner, Consumer, FetchIsolationLevels, IS_CONTROL } from '@platformatic/kafka';
import type { Admin } from '@platformatic/kafka';
import { HexstreamError } from '../../domain/hexstream-error';
import type { StoredCheckpoint } from '../../ports/result-store.port';
import type { CheckpointTopicCodec, SnapshotHead } from '../kafka/checkpoint-topic';
import { CHECKPOINT_PARTITION, type KafkaSinkOptions } from '../kafka/kafka-sink-options';
import { clientBase, closeQuietly } from './platformatic-client';
import { toKafkaMessage, toProduced, type HexProducer } from './platformatic-messages';

/** Creates the output, dead-letter and (compacted) checkpoint topics that do not exist yet (as `ensureOutputTopics`). */
export async function ensureOutputTopics(admin: Admin, options: KafkaSinkOptions): Promise<void> {
  const { outputTopic, deadLetterTopic, checkpointTopic } = options;
  const existing = new Set(await admin.listTopics());
  const create = async (topic: string, partitions: number, configs: { name: string; value: string }[] = []) => {
    if (existing.has(topic)) return;
    existing.add(topic);
    // Another instance may create it at the same moment: fine.
    await admin.createTopics({ topics: [topic], partitions, replicas: 1, configs }).catch((e: unknown) => {
      if (!/already exists/i.test(String((e as Error).message) + JSON.stringify(e))) throw e;
    });
  };
  await create(outputTopic, options.outputPartitions ?? 3);
  await create(deadLetterTopic, 1);
  // Compaction keeps the last entry per key; small dirty ratio and segments keep the read at open short.
  await create(checkpointTopic, 1, [
    { name: 'cleanup.policy', value: 'compact' },
    { name: 'min.cleanable.dirty.ratio', value: '0.1' },
    { name: 'segment.ms', value: String(3_600_000) },
  ]);
}

/**
 * Commits a barrier and reads this owner's entries of the checkpoint topic up to it (see the
 * kafkajs sink's `readCheckpointPastBarrier`): once the barrier is visible to a `read_committed`
 * reader, every transaction begun before it has ended. The first transaction of the producer
 * (InitProducerId) fences older producers with its id and aborts their open transaction.
 */
export async function readCheckpointPastBarrier(
  producer: HexProducer,
  codec: CheckpointTopicCodec,
  options: KafkaSinkOptions,
): Promise<{ checkpoint: StoredCheckpoint | undefined; heads: SnapshotHead[] }> {
  const transaction = await producer.beginTransaction();
  let barrier: bigint | undefined;
  try {
    const message = { ...codec.barrierMessage(options.instanceId), partition: CHECKPOINT_PARTITION };
    const result = await transaction.send({
      messages: [toProduced(options.checkpointTopic, message)],
      acks: -1,
      partitioner: compatibilityPartitioner,
    });
    barrier = result.offsets?.find((o) => o.topic === options.checkpointTopic)?.offset;
    await transaction.commit();
  } catch (e) {
    if (!transaction.completed) await transaction.abort().catch(() => undefined);
    throw e;
  }
  if (barrier === undefined)
    throw new HexstreamError(
      'SINK_WRITE_FAILED',
      `the broker returned no offset for the barrier on ${options.checkpointTopic}`,
    );
  const reader = codec.reader();
  await readPartitionUpTo(options, options.checkpointTopic, barrier + 1n, (m) => reader.add(m));
  return reader.result();
}

/**
 * Reads the checkpoint topic's partition from its start up to `end` (exclusive), as a
 * `read_committed` reader: aborted records are left out by the client, markers skipped. Progress
 * is the fetch position (the last records of a transactional topic are markers). No group.
 */
async function readPartitionUpTo(
  options: KafkaSinkOptions,
  topic: string,
  end: bigint,
  onMessage: (m: ReturnType<typeof toKafkaMessage>) => void,
): Promise<void> {
  const timeoutMs = options.readTimeoutMs ?? 60_000;
  const started = Date.now();
  const base = clientBase(`hexstream-${options.job}-checkpoint`, options.brokers, options.connectTimeoutMs);
  const reader = new Consumer({ ...base, groupId: `hexstream-${options.job}-checkpoint-reader` });
  try {
    let position = 0n;
    while (position < end) {
      if (Date.now() - started > timeoutMs)
        throw new HexstreamError(
          'SINK_UNAVAILABLE',
          `reading ${topic} did not reach offset ${end} within ${timeoutMs} ms`,
        );
      const fetchOffset = position;
      const response = await fetchFrom(reader, topic, fetchOffset);
      for (const part of response.responses.flatMap((r) => r.partitions)) {
        // Compaction may have removed the offset asked for: on from the log's start.
        if (part.logStartOffset > position) position = part.logStartOffset;
        for (const batch of part.records ?? []) {
          if ((batch.attributes & IS_CONTROL) === 0)
            for (const r of batch.records) {
              const offset = batch.firstOffset + BigInt(r.offsetDelta);
              if (offset >= fetchOffset && offset < end)
                onMessage(toKafkaMessage(r.key, r.value, r.headers, offset, batch.firstTimestamp + r.timestampDelta));
            }
          const next = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
          if (next > position) position = next;
        }
      }
    }
  } finally {
    await closeQuietly(reader);
  }
}

/** One `read_committed` fetch of the checkpoint partition from `offset`, at its leader. */
async function fetchFrom(
  reader: Consumer,
  topic: string,
  offset: bigint,
): Promise<Awaited<ReturnType<Consumer['fetch']>>> {
  const metadata = await reader.metadata({ topics: [topic] });
  const info = metadata.topics.get(topic);
  const leader = info?.partitions[CHECKPOINT_PARTITION]?.leader ?? -1;
  if (info === undefined || leader < 0) throw new Error(`no leader for ${topic}`);
  const partition = {
    partition: CHECKPOINT_PARTITION,
    fetchOffset: offset,
    partitionMaxBytes: 4_000_000,
    currentLeaderEpoch: -1,
    lastFetchedEpoch: -1,
  };
  return reader.fetch({
    node: leader,
    isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    maxWaitTime: 250,
    topics: [{ topicId: info.id, partitions: [partition] }],
  });
}
