import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { ensureKafka, kafkaStatus, killKafka9, stopKafka, type KafkaBrokerOptions } from '../support/kafka-broker';

// A throwaway broker of its own, so the project's broker on 9092 is neither needed nor touched.
const PORT = 19092;
const TIMEOUT_MS = 240_000;
const TOPIC = 'kafka-script-test';
const MESSAGES = 100;

let dataDir = '';
let opts: KafkaBrokerOptions = {};

/** Pids of broker JVMs whose command line names this test's data dir. */
function brokerPids(): number[] {
  const pattern = `kafka\\.Kafka ${join(dataDir, 'server.properties').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
  try {
    return execFileSync('pgrep', ['-f', '--', pattern], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(Number);
  } catch (e) {
    // pgrep exits 1 when nothing matches. (No `instanceof Error`: child_process errors come from
    // outside jest's sandbox realm.)
    if (typeof e === 'object' && e !== null && 'status' in e && e.status === 1) return [];
    throw e;
  }
}

function client(brokers: string): Kafka {
  return new Kafka({ clientId: 'kafka-script-test', brokers: [brokers], logLevel: logLevel.NOTHING });
}

async function produceAndConsume(brokers: string): Promise<Map<string, string>> {
  const kafka = client(brokers);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }], waitForLeaders: true });
    const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    expect(meta.topics[0]?.partitions).toHaveLength(3);
  } finally {
    await admin.disconnect();
  }

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const messages = Array.from({ length: MESSAGES }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
    await producer.send({ topic: TOPIC, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }

  const received = new Map<string, string>();
  const partitions = new Set<number>();
  let duplicates = 0;
  const consumer = kafka.consumer({ groupId: `kafka-script-test-${process.pid}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`consumed ${received.size} of ${MESSAGES} messages in 60 s`)), 60_000);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const key = message.key?.toString() ?? '';
            if (received.has(key)) duplicates += 1;
            received.set(key, message.value?.toString() ?? '');
            partitions.add(partition);
            if (received.size === MESSAGES) {
              clearTimeout(timer);
              done();
            }
          },
        })
        .catch(fail);
    });
  } finally {
    await consumer.disconnect();
  }
  expect(duplicates).toBe(0);
  expect(partitions.size).toBe(3);
  return received;
}

beforeAll(() => {
  dataDir = join(realpathSync(mkdtempSync(join(tmpdir(), 'hexstream-kafka-'))), 'data');
  opts = { port: PORT, dataDir };
});

afterAll(async () => {
  try {
    await stopKafka(opts);
  } finally {
    if (dataDir !== '') rmSync(join(dataDir, '..'), { recursive: true, force: true });
  }
}, TIMEOUT_MS);

describe('scripts/kafka.sh', () => {
  it('starts a broker that takes a 3-partition topic and gives back exactly the 100 messages written', async () => {
    const { brokers } = await ensureKafka(opts);
    expect(brokers).toBe(`127.0.0.1:${PORT}`);

    const received = await produceAndConsume(brokers);
    expect(received).toEqual(new Map(Array.from({ length: MESSAGES }, (_, i) => [`k${i}`, `v${i}`])));

    const status = await kafkaStatus(opts);
    expect(status.running).toBe(true);
    expect(status.line).toMatch(/^running /);
  }, TIMEOUT_MS);

  it('start is idempotent: a second start leaves the one running broker alone', async () => {
    await ensureKafka(opts);
    const before = brokerPids();
    expect(before).toHaveLength(1);
    await ensureKafka(opts);
    expect(brokerPids()).toEqual(before);
  }, TIMEOUT_MS);

  it('kill9 ends the broker at once and a new start finds the data written before', async () => {
    await killKafka9(opts);
    expect(brokerPids()).toEqual([]);
    expect((await kafkaStatus(opts)).running).toBe(false);

    const { brokers } = await ensureKafka(opts);
    const admin = client(brokers).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(TOPIC);
      expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(MESSAGES);
    } finally {
      await admin.disconnect();
    }
  }, TIMEOUT_MS);

  it('stop ends the broker and leaves no java process on its data dir', async () => {
    await stopKafka(opts);
    const status = await kafkaStatus(opts);
    expect(status.running).toBe(false);
    expect(status.line).toMatch(/^stopped /);
    expect(brokerPids()).toEqual([]);

    await stopKafka(opts); // stopping a stopped broker is a no-op
  }, TIMEOUT_MS);
});
