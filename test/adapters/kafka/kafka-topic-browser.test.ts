import { KafkaTopicBrowser } from '../../../src/adapters/kafka/kafka-topic-browser.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { BROKERS, kafkaClient, uniqueName } from '../../support/kafka-topics';

jest.setTimeout(120_000);

const T0 = Date.UTC(2026, 0, 1);
const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'));

describe('KafkaTopicBrowser', () => {
  const browser = new KafkaTopicBrowser({ brokers: BROKERS });
  const removes: Array<() => Promise<void>> = [];

  afterAll(async () => {
    await browser.close();
    for (const remove of removes) await remove();
  });

  /** Partition 0: a0..a9 at T0 + i s, keyed k0..k9, with a header on each; partition 1: b0, b1 (no key). */
  async function sampleTopic(): Promise<string> {
    const kafka = kafkaClient();
    const topic = uniqueName('browse');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({
        partition: 0,
        key: `k${i}`,
        value: `a${i}`,
        timestamp: String(T0 + i * 1000),
        headers: { n: String(i), bin: Buffer.from([0, 255]) },
      })),
    });
    await producer.send({
      topic,
      messages: [
        { partition: 1, value: 'b0' },
        { partition: 1, value: 'b1' },
      ],
    });
    await producer.disconnect();
    removes.push(async () => {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    });
    return topic;
  }

  it('lists a topic with the low and high offsets of each partition', async () => {
    const topic = await sampleTopic();
    const listed = (await browser.topics()).find((t) => t.name === topic);
    expect(listed).toEqual({
      name: topic,
      partitions: [
        { partition: 0, low: 0, high: 10 },
        { partition: 1, low: 0, high: 2 },
      ],
    });
    expect((await browser.topics()).filter((t) => t.name.startsWith('__'))).toEqual([]);
  });

  it('reads at most limit messages from an offset, with key, timestamp and headers as bytes', async () => {
    const topic = await sampleTopic();
    const page = await browser.messages(topic, 0, { offset: 3 }, 4);
    expect(page.map((m) => [m.partition, m.offset, text(m.key), text(m.value), m.timestampMs])).toEqual([
      [0, 3, 'k3', 'a3', T0 + 3000],
      [0, 4, 'k4', 'a4', T0 + 4000],
      [0, 5, 'k5', 'a5', T0 + 5000],
      [0, 6, 'k6', 'a6', T0 + 6000],
    ]);
    expect(page[0]?.headers.map((h) => [h.name, [...h.value]])).toEqual([
      ['n', [...Buffer.from('3')]],
      ['bin', [0, 255]],
    ]);
  });

  it('starts at the first message at or after a time, and stops at the end of the partition', async () => {
    const topic = await sampleTopic();
    const page = await browser.messages(topic, 0, { timestampMs: T0 + 7500 }, 50);
    expect(page.map((m) => text(m.value))).toEqual(['a8', 'a9']);
    expect(await browser.messages(topic, 0, { timestampMs: T0 + 60_000 }, 50)).toEqual([]);
  });

  it('reads a message without a key as a null key, and clamps an offset past the end to nothing', async () => {
    const topic = await sampleTopic();
    const page = await browser.messages(topic, 1, { offset: 0 }, 10);
    expect(page.map((m) => [m.offset, m.key, text(m.value)])).toEqual([
      [0, null, 'b0'],
      [1, null, 'b1'],
    ]);
    expect(await browser.messages(topic, 1, { offset: 99 }, 10)).toEqual([]);
  });

  it('refuses a topic or partition that does not exist, creating nothing', async () => {
    const topic = await sampleTopic();
    const missing = uniqueName('absent');
    await expect(browser.messages(missing, 0, { offset: 0 }, 1)).rejects.toThrow(
      new HexstreamError('CONFIG_INVALID', `no topic ${missing}`),
    );
    await expect(browser.messages(topic, 5, { offset: 0 }, 1)).rejects.toThrow(`topic ${topic} has no partition 5`);
    expect((await browser.topics()).map((t) => t.name)).not.toContain(missing);
  });

  it('leaves no consumer group behind', async () => {
    const topic = await sampleTopic();
    await browser.messages(topic, 0, { offset: 0 }, 2);
    const admin = kafkaClient().admin();
    await admin.connect();
    const groups = (await admin.listGroups()).groups.filter((g) => g.groupId.startsWith('hexstream-browser-'));
    await admin.disconnect();
    expect(groups).toEqual([]);
  });
});
