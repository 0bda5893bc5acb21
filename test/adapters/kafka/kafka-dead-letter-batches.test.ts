import { KafkaDeadLetterTopic } from '../../../src/adapters/kafka/kafka-dead-letter-topic.adapter';
import { KafkaSource } from '../../../src/adapters/kafka/kafka-source.adapter';
import { batchesUnder, messageBytes } from '../../../src/adapters/kafka/message-batches';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import type { DeadLetter, SourceRecord } from '../../../src/domain/records';
import { deleteTopics, readTopic } from '../../support/kafka-read';
import { BROKERS, topicWith, uniqueName } from '../../support/kafka-topics';

describe('dead letters in requests a broker accepts', () => {
  it('cuts messages into runs under the limit, in order, a larger message alone', () => {
    const m = (n: number): { value: string } => ({ value: 'x'.repeat(n) });
    const messages = [m(400), m(400), m(400), m(2000), m(10)];
    // Each message costs its value plus 80 bytes of framing.
    expect(messages.map(messageBytes)).toEqual([480, 480, 480, 2080, 90]);
    expect(batchesUnder(messages, 1000)).toEqual([[m(400), m(400)], [m(400)], [m(2000)], [m(10)]]);
  });

  it('puts 3,000 dead letters of 4 KiB (12 MB, more than the broker takes in one batch) on the topic, in order', async () => {
    const topic = uniqueName('hexstream-dlq');
    const sink = new KafkaDeadLetterTopic({ brokers: BROKERS, topic });
    const raw = 'r'.repeat(4096);
    const deadLetters: DeadLetter[] = Array.from({ length: 3000 }, (_v, i) => ({
      reason: 'invalid',
      detail: `record ${i}; raw holds its first 4096 of 10000000 bytes`,
      raw,
      rawBytes: 10_000_000,
      partition: 2,
      position: i,
    }));
    expect(deadLetters.length * 4096).toBeGreaterThan(10_485_760);
    try {
      await sink.open();
      await sink.publish(deadLetters);
      const messages = await readTopic(topic);
      expect(messages.map((x) => x.headers['source-offset'])).toEqual(deadLetters.map((d) => String(d.position)));
      expect(messages[2999]).toMatchObject({
        value: raw,
        headers: {
          reason: 'invalid',
          detail: 'record 2999; raw holds its first 4096 of 10000000 bytes',
          'raw-bytes': '10000000',
          'source-partition': '2',
        },
      });
    } finally {
      await sink.close();
      await deleteTopics([topic]);
    }
  });
});

describe('KafkaSource queue', () => {
  it('holds at most maxBufferedChars of values (plus the record that crossed it) while nobody polls', async () => {
    const value = 'v'.repeat(100_000);
    const { topic, remove } = await topicWith(new Map([[0, Array.from({ length: 40 }, () => value)]]));
    const source = new KafkaSource(
      { brokers: BROKERS, topic, groupId: uniqueName('g'), bounded: true, maxBufferedChars: 300_000 },
      new MemoryLogger(),
    );
    try {
      await source.open(new Map());
      // Time for the fetcher to fill the queue up to its budget (it then waits for a poll).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const records: SourceRecord[] = [];
      const sizes: number[] = [];
      for (let i = 0; i < 400; i++) {
        const b = await source.poll(1_000, 50);
        sizes.push(b.records.length);
        records.push(...b.records);
        if (b.exhausted) break;
      }
      expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
      expect(records.map((r) => r.position)).toEqual(Array.from({ length: 40 }, (_v, i) => i));
    } finally {
      await source.close();
      await remove();
    }
  });
});
