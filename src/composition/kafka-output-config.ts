import { hostname } from 'node:os';
import { CONFIG_PATTERNS } from './config-patterns';
import { invalid } from './config-values';
import type { RawFlags } from './raw-flags';
import type { KafkaOutputConfig } from './run-config';

const TOPIC = CONFIG_PATTERNS.kafkaTopic;
const INSTANCE_ID = CONFIG_PATTERNS.instanceId;

/**
 * `--to-kafka` and its flags. The instance id defaults to the host name: stable across restarts of
 * one machine (or a StatefulSet pod), distinct between machines; two instances on one host need
 * their own `--instance-id`.
 */
export function resolveKafkaOutput(flags: RawFlags, table: string): KafkaOutputConfig | undefined {
  if (flags.toKafka !== true) {
    for (const [value, flag] of [
      [flags.outputTopic, '--output-topic'],
      [flags.checkpointTopic, '--checkpoint-topic'],
      [flags.instanceId, '--instance-id'],
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
  const instanceId =
    flags.instanceId ??
    (hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 100) ||
      'default');
  if (!INSTANCE_ID.test(instanceId))
    throw invalid('--instance-id', `must match ${INSTANCE_ID.source}, got ${JSON.stringify(instanceId)}`);
  return { outputTopic, checkpointTopic, instanceId };
}
