import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import { BROKERS, kafkaClient, uniqueName } from '../support/kafka-topics';
import { runCli } from '../support/run-cli';

interface Consumed {
  readonly partition: number;
  readonly key: string | undefined;
  readonly value: string;
  readonly timestampMs: number;
}

/** Reads a topic from the beginning until `expected` messages arrived (the offsets say how many exist). */
async function consumeAll(topic: string, expected: number): Promise<Consumed[]> {
  const consumer = kafkaClient().consumer({ groupId: uniqueName('hexstream-produce-check'), maxWaitTimeInMs: 100 });
  const messages: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumed ${messages.length} of ${expected} messages of ${topic} in 30 s`)),
        30_000,
      );
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          messages.push({
            partition,
            key: message.key?.toString('utf8'),
            value: message.value?.toString('utf8') ?? '',
            timestampMs: Number(message.timestamp),
          });
          if (messages.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
}

/** The shopid a reader of the line finds: an integer field of a JSON object, else none. */
function shopidOf(line: string): string | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const shopid: unknown = (value as Record<string, unknown>)['shopid'];
    return typeof shopid === 'number' && Number.isSafeInteger(shopid) ? String(shopid) : undefined;
  } catch {
    return undefined;
  }
}

function sorted(lines: readonly string[]): string[] {
  return [...lines].sort();
}

describe('hexstream produce --to kafka (end to end, built CLI, real broker)', () => {
  let admin: Admin;
  let dir: string;
  const topics: string[] = [];
  const freshTopic = (): string => {
    const topic = uniqueName('hexstream-produce');
    topics.push(topic);
    return topic;
  };
  const messageCount = async (topic: string): Promise<number> =>
    (await admin.fetchTopicOffsets(topic)).reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
  const partitionCount = async (topic: string): Promise<number> =>
    (await admin.fetchTopicMetadata({ topics: [topic] })).topics.find((t) => t.name === topic)?.partitions.length ?? 0;

  beforeAll(async () => {
    admin = kafkaClient().admin();
    await admin.connect();
    dir = mkdtempSync(join(tmpdir(), 'hexstream-produce-'));
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends exactly the lines --to FILE writes, keyed and partitioned by shopid, to a new 3-partition topic', async () => {
    const topic = freshTopic();
    const options = ['--count', '2000', '--seed', '42', '--fault-share', '0.06', '--event-rate', '50'];
    const r = runCli([
      'produce',
      '--to',
      'kafka',
      '--topic',
      topic,
      '--partitions',
      '3',
      '--brokers',
      BROKERS.join(','),
      ...options,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^sent 2,000 orders records \\(valid [\\d,]+, late [1-9][\\d,]*, duplicate [1-9][\\d,]*, malformed [1-9][\\d,]*\\) to topic ${topic} on ${BROKERS.join(',').replace(/\./g, '\\.')}\\n$`,
      ),
    );

    const file = join(dir, 'orders.jsonl');
    expect(runCli(['produce', '--to', file, ...options]).code).toBe(0);
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1);
    expect(lines).toHaveLength(2000);

    expect(await partitionCount(topic)).toBe(3);
    expect(await messageCount(topic)).toBe(2000);
    const messages = await consumeAll(topic, 2000);
    expect(messages).toHaveLength(2000);
    expect(sorted(messages.map((m) => m.value))).toEqual(sorted(lines));

    const partitionOfShop = new Map<string, Set<number>>();
    for (const m of messages) {
      const shopid = shopidOf(m.value);
      expect({ value: m.value, key: m.key }).toEqual({ value: m.value, key: shopid });
      if (shopid === undefined) continue;
      partitionOfShop.set(shopid, (partitionOfShop.get(shopid) ?? new Set<number>()).add(m.partition));
    }
    expect([...partitionOfShop.values()].filter((ps) => ps.size > 1)).toEqual([]);
    // Both paths ran: keyless (malformed) records, and keys spread over every partition.
    expect(messages.some((m) => m.key === undefined)).toBe(true);
    expect(new Set(messages.map((m) => m.partition))).toEqual(new Set([0, 1, 2]));
  });

  it('leaves an existing topic as it is', async () => {
    const topic = freshTopic();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const r = runCli(['produce', '--to', 'kafka', '--topic', topic, '--partitions', '3', '--count', '50']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`topic ${topic} exists with 1 partition; left as it is\n`);
    expect(await partitionCount(topic)).toBe(1);
    expect(await messageCount(topic)).toBe(50);
  });

  it('paces --rate 500 --count 300 over the wall clock, with event times from now', async () => {
    const topic = freshTopic();
    const before = Date.now();
    const r = runCli([
      'produce',
      '--to',
      'kafka',
      '--topic',
      topic,
      '--rate',
      '500',
      '--count',
      '300',
      '--fault-share',
      '0',
    ]);
    const after = Date.now();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sent 300 orders records \(valid 300, late 0, duplicate 0, malformed 0\) to topic /);
    // Record 299 is due 598 ms after record 0. Lower bounds only: a slow machine may take longer.
    expect(after - before).toBeGreaterThanOrEqual(500);
    expect(await messageCount(topic)).toBe(300);
    const messages = await consumeAll(topic, 300);
    const sendTimes = messages.map((m) => m.timestampMs);
    expect(Math.max(...sendTimes) - Math.min(...sendTimes)).toBeGreaterThanOrEqual(500);
    // The first order (lowest id, never jittered) carries the wall-clock time the run started at.
    const orders = messages.map((m) => JSON.parse(m.value) as { orderid: number; timestamp: number });
    const first = orders.reduce((a, b) => (b.orderid < a.orderid ? b : a));
    expect(first.timestamp * 1000).toBeGreaterThanOrEqual(before);
    expect(first.timestamp * 1000).toBeLessThanOrEqual(after);
  });

  it('fails with one line naming the brokers when they cannot be reached', () => {
    const started = Date.now();
    const r = runCli([
      'produce',
      '--to',
      'kafka',
      '--brokers',
      '127.0.0.1:9',
      '--topic',
      'hexstream-never-created',
      '--count',
      '10',
    ]);
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(r.stderr).toMatch(
      /^hexstream: SINK_UNAVAILABLE: cannot produce to topic hexstream-never-created on Kafka at 127\.0\.0\.1:9: .+\n$/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it.each([
    [['--brokers', 'localhost'], /^hexstream: --brokers: expected host:port/],
    [['--brokers', '127.0.0.1:70000'], /^hexstream: --brokers: expected host:port/],
    [['--topic', 'no spaces'], /^hexstream: --topic: not a valid Kafka topic name/],
    [['--partitions', '0'], /^hexstream: --partitions: must be a whole number ≥ 1/],
    [['--rate', 'fast'], /^hexstream: --rate: must be a number of records per second/],
    [['--rate', '-5'], /^hexstream: --rate: must be a number of records per second/],
  ])('exits 2 with one line for %j', (flags, message) => {
    const r = runCli(['produce', '--to', 'kafka', ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('still writes to stdout with --to -', () => {
    const file = join(dir, 'three.jsonl');
    expect(runCli(['produce', '--to', file, '--count', '3', '--seed', '5']).code).toBe(0);
    const r = runCli(['produce', '--to', '-', '--count', '3', '--seed', '5']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(file, 'utf8'));
    expect(r.stderr).toBe('wrote 3 orders records (valid 3) to stdout\n');
  });

  it('refuses --rate with a file', () => {
    const r = runCli(['produce', '--to', join(dir, 'paced.jsonl'), '--rate', '10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('hexstream: --rate: only with --to kafka\n');
  });
});
