import 'reflect-metadata';
import { KafkaSource } from '../../../src/adapters/kafka/kafka-source.adapter';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { describeSourceContract, type SourceFactory } from '../../contracts/source.contract';
import { BROKERS, topicWith, uniqueName } from '../../support/kafka-topics';

jest.setTimeout(120_000);

const kafkaSource: SourceFactory = async (partitions) => {
  const { topic, remove } = await topicWith(partitions);
  const source = new KafkaSource({ brokers: BROKERS, topic, groupId: uniqueName('hexstream-test-group'), bounded: true }, new MemoryLogger());
  return { source, cleanup: async () => { await source.close(); await remove(); } };
};

describeSourceContract('KafkaSource (bounded)', kafkaSource, { bounded: true });

describe('KafkaSource', () => {
  it('delivers tombstones without a value and non-UTF-8 bytes with a decode error', async () => {
    const { topic, remove } = await topicWith(new Map([[0, ['{"a":1}', null, Buffer.from([0x7b, 0xff, 0x7d])]]]));
    const source = new KafkaSource({ brokers: BROKERS, topic, groupId: uniqueName('g'), bounded: true }, new MemoryLogger());
    try {
      await source.open(new Map());
      const records = [];
      for (let i = 0; i < 200; i++) {
        const b = await source.poll(100, 50);
        records.push(...b.records);
        if (b.exhausted) break;
      }
      expect(records).toEqual([
        { partition: 0, position: 0, value: '{"a":1}' },
        { partition: 0, position: 1, value: undefined },
        { partition: 0, position: 2, value: '{\uFFFD}', decodeError: 'invalid UTF-8 at byte 1 of the record' },
      ]);
    } finally {
      await source.close();
      await remove();
    }
  });

  it('reports the lag behind the high watermark per partition', async () => {
    const { topic, remove } = await topicWith(new Map([[0, Array.from({ length: 10 }, (_v, i) => `r${i}`)]]));
    const source = new KafkaSource({ brokers: BROKERS, topic, groupId: uniqueName('g'), bounded: false }, new MemoryLogger());
    try {
      await source.open(new Map());
      let polled = 0;
      let lag: ReadonlyMap<number, number> | undefined;
      for (let i = 0; i < 200 && polled < 3; i++) {
        const b = await source.poll(3 - polled, 50);
        polled += b.records.length;
        lag = b.lag;
      }
      expect(polled).toBe(3);
      expect(lag).toEqual(new Map([[0, 7]]));
    } finally {
      await source.close();
      await remove();
    }
  });

  it('fails within a bounded time with SOURCE_UNAVAILABLE when no broker answers', async () => {
    const source = new KafkaSource({ brokers: ['127.0.0.1:9'], topic: 't', groupId: 'g', bounded: true, connectTimeoutMs: 5_000 }, new MemoryLogger());
    const started = Date.now();
    const error = await source.open(new Map()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HexstreamError);
    expect((error as HexstreamError).code).toBe('SOURCE_UNAVAILABLE');
    expect((error as HexstreamError).message).toMatch(/127\.0\.0\.1:9/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
