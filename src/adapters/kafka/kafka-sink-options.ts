import type { ServiceIdentifier } from 'inversify';

/** Test seam, called inside the commit's transaction after every send: a throw there aborts it. */
export interface KafkaSinkFaultInjection {
  beforeCommit?(): void | Promise<void>;
}

export interface KafkaSinkOptions {
  readonly brokers: readonly string[];
  readonly job: string;
  readonly consumerGroup: string;
  /** The input topic: its positions are sent as the group's offsets, for lag monitoring. */
  readonly sourceTopic: string;
  /** Where rows go; created with `outputPartitions` partitions if absent. */
  readonly outputTopic: string;
  readonly deadLetterTopic: string;
  /** The compacted topic holding checkpoints and snapshots; created (compacted, 1 partition) if absent. */
  readonly checkpointTopic: string;
  /** This instance's name, part of the transactional id: stable across restarts, unique among concurrent instances. */
  readonly instanceId: string;
  /** The column whose value is the message key (the row key when absent). */
  readonly keyColumn?: string;
  /** Partitions of the output topic when it has to be created (default 3). */
  readonly outputPartitions?: number;
  /** How long the broker lets a transaction stay open before aborting it (default 10 s). */
  readonly transactionTimeoutMs?: number;
  /** Bytes per produce request (default 900 kB, under the broker's default `message.max.bytes` of 1 MB). */
  readonly maxRequestBytes?: number;
  /** Bound on reading the checkpoint topic at open (default 60 s). */
  readonly readTimeoutMs?: number;
  /** Bound on the first contact at open: connecting and readying the topics (default 15 s). */
  readonly connectTimeoutMs?: number;
  readonly faultInjection?: KafkaSinkFaultInjection;
}

export const KafkaSinkOptions: ServiceIdentifier<KafkaSinkOptions> = Symbol.for('hexstream.KafkaSinkOptions');

export const DEFAULT_TRANSACTION_TIMEOUT_MS = 10_000;
/** The checkpoint topic's one partition. */
export const CHECKPOINT_PARTITION = 0;
