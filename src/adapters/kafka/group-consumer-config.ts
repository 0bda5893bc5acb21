import type { ConsumerConfig } from 'kafkajs';

/**
 * Buffers: a fetch brings at most 256 KiB per partition (4 MiB in all) and at most 5,000 records
 * wait to be polled. Records already fetched are delivered even for a partition held back, so these
 * bound how far a partition may overshoot its hold (a few thousand records) as well as memory;
 * kafkajs's defaults (1 MiB per partition, 10 MiB per fetch) and 20,000 queued records let a
 * partition run 20,000 records ahead.
 */
const FETCH_BYTES_PER_PARTITION = 256 * 1024;
const FETCH_BYTES = 4 * 1024 * 1024;

/**
 * kafkajs reads the topic's metadata again at a fetch once it is this old (its default: 5 minutes);
 * finding more partitions than the group assigned, it rejoins, and the new partitions are assigned
 * within seconds. One small request per refresh per member.
 */
const METADATA_REFRESH_MS = 5_000;

/** The Kafka source's consumer. A short session lets the group drop a killed member (kill -9) in seconds, not half a minute. */
export function groupConsumerConfig(groupId: string): ConsumerConfig {
  return {
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    metadataMaxAge: METADATA_REFRESH_MS,
    maxWaitTimeInMs: 250,
    maxBytesPerPartition: FETCH_BYTES_PER_PARTITION,
    maxBytes: FETCH_BYTES,
  };
}
