import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Message, type Producer } from 'kafkajs';

/** The tests' broker, as the global setup hands it on (a broker of the run's own on a free port, or HEXSTREAM_TEST_BROKERS). */
export const BROKERS = testBrokers();

function testBrokers(): string[] {
  const brokers = process.env['HEXSTREAM_BROKERS'] ?? '';
  if (brokers === '')
    throw new Error(
      'HEXSTREAM_BROKERS is not set: a test that uses Kafka runs in the integration, e2e or soak tier (docs/testing.md), whose global setup (test/global-setup.ts) starts the broker',
    );
  return brokers.split(',');
}

export function kafkaClient(brokers: readonly string[] = BROKERS): Kafka {
  return new Kafka({ clientId: 'hexstream-test', brokers: [...brokers], logLevel: logLevel.NOTHING });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A message's value (`null`: a tombstone), or a value with a key. */
export type TopicValue =
  string | Buffer | null | { readonly key: string | Buffer; readonly value: string | Buffer | null };

/** Up to this many bytes, or 500 messages, per send: a partition's messages of one send form one record batch, which the broker's message.max.bytes bounds. */
const SEND_BYTES = 1_000_000;

/**
 * Sends one partition's values in order. The partition is given, so the producer never hashes a key
 * (kafkajs's murmur2 takes seconds for a key of megabytes).
 */
async function sendAll(
  producer: Producer,
  topic: string,
  partition: number,
  values: readonly TopicValue[],
  stamp: { timestamp?: string },
): Promise<void> {
  let batch: Message[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length > 0) await producer.send({ topic, messages: batch });
    batch = [];
    bytes = 0;
  };
  for (const v of values) {
    const m: Message =
      v === null || typeof v === 'string' || Buffer.isBuffer(v)
        ? { partition, value: v, ...stamp }
        : { partition, key: v.key, value: v.value, ...stamp };
    const size = (m.value?.length ?? 0) + (m.key?.length ?? 0);
    if (batch.length >= 500 || (batch.length > 0 && bytes + size > SEND_BYTES)) await flush();
    batch.push(m);
    bytes += size;
  }
  await flush();
}

/**
 * A fresh topic with one partition per entry, holding each partition's values in order;
 * `timestampMs` stamps every record (default: now); `brokers` default to the project's broker.
 */
export async function topicWith(
  partitions: ReadonlyMap<number, readonly TopicValue[]>,
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
  for (const [partition, values] of partitions) await sendAll(producer, topic, partition, values, stamp);
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
export async function appendTo(
  topic: string,
  partitions: ReadonlyMap<number, readonly TopicValue[]>,
  brokers: readonly string[] = BROKERS,
): Promise<void> {
  const producer = kafkaClient(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (const [partition, values] of partitions) await sendAll(producer, topic, partition, values, {});
  } finally {
    await producer.disconnect();
  }
}
