import type { Message } from 'kafkajs';
import { KafkaDeadLetterSink } from '../../../src/adapters/kafka/kafka-dead-letter.sink';
import { batchesUnder, messageBytes } from '../../../src/adapters/kafka/message-batches';
import { MemorySink } from '../../../src/adapters/memory/memory-sink.adapter';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import type { DeadLetter } from '../../../src/domain/records';
import { BROKERS, kafkaClient, uniqueName } from '../../support/kafka-topics';
import { readTopic } from '../../support/kafka-read';

jest.setTimeout(120_000);

describe('batchesUnder', () => {
  it('cuts messages, in order, into runs of at most the limit, a larger message alone', () => {
    const sizes = [100, 300, 50, 2_000, 10, 10, 700, 400];
    const messages: Message[] = sizes.map((n, i) => ({ key: String(i), value: 'x'.repeat(n) }));
    const runs = [...batchesUnder(messages, 1_000)];
    expect(runs.flat()).toEqual(messages);
    for (const run of runs) if (run.length > 1) expect(run.reduce((n, m) => n + messageBytes(m), 0)).toBeLessThanOrEqual(1_000);
    expect(runs.map((r) => r.map((m) => String(m.key)))).toEqual([['0', '1', '2'], ['3'], ['4', '5', '6'], ['7']]);
  });
});

describe('KafkaDeadLetterSink', () => {
  it('sends a trigger of dead letters larger than a request the broker takes, all of them in order, then commits the rest', async () => {
    const topic = uniqueName('hexstream-test-dlq');
    const inner = new MemorySink();
    const sink = new KafkaDeadLetterSink(inner, { brokers: BROKERS, topic });
    // 40,000 dead letters of 300 bytes: 12 MB, more than the broker's message.max.bytes (10 MB here, 1 MB by default).
    const deadLetters: DeadLetter[] = Array.from({ length: 40_000 }, (_v, i) => ({ reason: 'invalid', detail: 'not valid JSON', raw: `bad ${i} `.padEnd(300, '.'), partition: 0, position: i }));
    try {
      await sink.open(ordersJob.table);
      await sink.commit({ sequence: 0, rows: [], deadLetters, positions: new Map([[0, 40_000]]), watermarks: new Map([[0, -Infinity]]), closedUpToMs: -Infinity, checkpoint: { partitions: new Map() } });
      const read = await readTopic(topic);
      expect(read.map((m) => [m.value, m.headers['source-offset']])).toEqual(deadLetters.map((d) => [d.raw, String(d.position)]));
      expect(inner.commits.map((c) => [c.sequence, c.deadLetters.length, c.positions])).toEqual([[0, 0, new Map([[0, 40_000]])]]);
    } finally {
      await sink.close();
      const admin = kafkaClient().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
