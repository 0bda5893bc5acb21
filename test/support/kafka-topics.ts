import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/** The project's broker (`scripts/kafka.sh`); HEXSTREAM_KAFKA_PORT moves it, e.g. to run two checkouts' tests side by side. */
export const BROKERS = [`127.0.0.1:${process.env['HEXSTREAM_KAFKA_PORT'] ?? '9092'}`];

export function kafkaClient(brokers: readonly string[] = BROKERS): Kafka {
  return new Kafka({ clientId: 'hexstream-test', brokers: [...brokers], logLevel: logLevel.NOTHING });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * A fresh topic with one partition per entry, holding each partition's values in order;
 * `timestampMs` stamps every record (default: now); `brokers` default to the project's broker.
 */
export async function topicWith(
  partitions: ReadonlyMap<number, readonly (string | Buffer | null)[]>,
  options: { timestampMs?: number; brokers?: readonly string[] } = {},
): Promise<{ topic: string; remove(): Promise<void> }> {
  const stamp = options.timestampMs === undefined ? {} : { timestamp: String(options.timestampMs) };
  const kafka = kafkaClient(options.brokers);
  const topic = uniqueName('hexstream-test');
  const admin = kafka.admin();
  await admin.connect();
  const count = Math.max(1, ...[...partitions.keys()].map((p) => p + 1));
  await admin.createTopics({ topics: [{ topic, numPartitions: count, replicationFactor: 1 }], waitForLeaders: true });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  for (const [partition, values] of partitions) {
    for (let i = 0; i < values.length; i += 500) {
      await producer.send({ topic, messages: values.slice(i, i + 500).map((value) => ({ partition, value, ...stamp })) });
    }
  }
  await producer.disconnect();
  return {
    topic,
    remove: async () => {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}

/** Appends each partition's values to an existing topic, in order. */
export async function appendTo(topic: string, partitions: ReadonlyMap<number, readonly (string | Buffer | null)[]>, brokers: readonly string[] = BROKERS): Promise<void> {
  const producer = kafkaClient(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (const [partition, values] of partitions) {
      for (let i = 0; i < values.length; i += 500) {
        await producer.send({ topic, messages: values.slice(i, i + 500).map((value) => ({ partition, value })) });
      }
    }
  } finally {
    await producer.disconnect();
  }
}
