import { hostname } from 'node:os';
import { CONFIG_PATTERNS } from './config-patterns';
import { invalid } from './config-values';
import type { RawFlags } from './raw-flags';
import type { KafkaOutputConfig } from './run-config';

const TOPIC = CONFIG_PATTERNS.kafkaTopic;
const INSTANCE_ID = CONFIG_PATTERNS.instanceId;

/** The Kafka client library of prod's adapters (`--kafka-client`). */
export type KafkaClient = 'kafkajs' | 'platformatic';

export function resolveKafkaClient(flags: RawFlags): KafkaClient {
  const client = flags.kafkaClient ?? 'kafkajs';
  if (client !== 'kafkajs' && client !== 'platformatic')
    throw invalid('--kafka-client', `must be kafkajs or platformatic, got ${JSON.stringify(client)}`);
  return client;
}

/**
 * `--instance-id`: this instance's name, defaulting to the host name — stable across restarts of
 * one machine (or a StatefulSet pod), distinct between machines; two instances on one host need
 * their own. It names the `--to-kafka` transactional id and, with `--kafka-client platformatic`,
 * the consumer's `group.instance.id` (static membership). `undefined` where neither uses it.
 */
export function resolveInstanceId(flags: RawFlags, client: KafkaClient): string | undefined {
  if (flags.toKafka !== true && client !== 'platformatic') {
    if (flags.instanceId !== undefined)
      throw invalid('--instance-id', 'only with --to-kafka or --kafka-client platformatic');
    return undefined;
  }
  const instanceId =
    flags.instanceId ??
    (hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 100) ||
      'default');
  if (!INSTANCE_ID.test(instanceId))
    throw invalid('--instance-id', `must match ${INSTANCE_ID.source}, got ${JSON.stringify(instanceId)}`);
  return instanceId;
}

/** `--to-kafka` and its flags; `instanceId` as `resolveInstanceId` gave it. */
export function resolveKafkaOutput(
  flags: RawFlags,
  table: string,
  instanceId: string | undefined,
): KafkaOutputConfig | undefined {
  if (flags.toKafka !== true) {
    for (const [value, flag] of [
      [flags.outputTopic, '--output-topic'],
      [flags.checkpointTopic, '--checkpoint-topic'],
    ] as const) {
      if (value !== undefined) throw invalid(flag, 'only with --to-kafka');
    }
    return undefined;
  }
  if (flags.mysql !== undefined) throw invalid('--mysql', 'not with --to-kafka: the rows go to the Kafka topic');
  if (flags.postgres !== undefined) throw invalid('--postgres', 'not with --to-kafka: the rows go to the Kafka topic');
  const outputTopic = flags.outputTopic ?? table;
  if (!TOPIC.test(outputTopic))
    throw invalid('--output-topic', `not a valid Kafka topic name: ${JSON.stringify(outputTopic)}`);
  const checkpointTopic = flags.checkpointTopic ?? 'hexstream-checkpoints';
  if (!TOPIC.test(checkpointTopic))
    throw invalid('--checkpoint-topic', `not a valid Kafka topic name: ${JSON.stringify(checkpointTopic)}`);
  if (instanceId === undefined) throw invalid('--instance-id', 'missing with --to-kafka');
  return { outputTopic, checkpointTopic, instanceId };
}
