import 'reflect-metadata';
import type { KafkaMessage } from 'kafkajs';
import { CheckpointTopicCodec } from '../../../src/adapters/kafka/checkpoint-topic';
import { KafkaTransactionalSink } from '../../../src/adapters/kafka/kafka-transactional-sink.adapter';
import { decodeCommitted } from '../../../src/domain/engine/engine-state.codec';
import { stocksAveragesTable } from '../../../src/domain/jobs/stock-averages.job';
import { createTopics, deleteTopics } from '../../support/kafka-read';
import { BROKERS, kafkaClient, uniqueName } from '../../support/kafka-topics';
import { LEGACY_RESUMED, LEGACY_W0 } from '../../support/legacy-checkpoint';

jest.setTimeout(120_000);

const W0 = LEGACY_W0;

/**
 * Checkpoint entries exactly as the build before the opaque engine state wrote them: per source
 * partition, the SQL checkpoint row's fields as JSON (an instant in epoch ms, null for −∞, the
 * largest BIGINT as text for +∞), and a graceful stop's snapshot as a head and its chunks.
 */
function oldEntries(
  job: string,
  group: string,
): Array<{ key: string; value: string; headers?: Record<string, string> }> {
  const prefix = `${job}|${group}|`;
  return [
    {
      key: `${prefix}partition|0`,
      value: JSON.stringify({
        next_position: 812,
        watermark_ms: W0,
        replay_from: 500,
        replay_max_event_ms: W0 - 1_500,
        closed_up_to_ms: W0 - 60_000,
      }),
    },
    {
      key: `${prefix}partition|1`,
      value: JSON.stringify({
        next_position: 40,
        watermark_ms: '9223372036854775807',
        replay_from: 40,
        replay_max_event_ms: null,
        closed_up_to_ms: '9223372036854775807',
      }),
    },
    {
      key: `${prefix}partition|2`,
      value: JSON.stringify({
        next_position: 0,
        watermark_ms: null,
        replay_from: 0,
        replay_max_event_ms: null,
        closed_up_to_ms: null,
      }),
    },
    {
      key: `${prefix}snapshot|0,1,2|0`,
      value: 'state of a graceful stop',
      headers: { 'snapshot-id': 'feedc0de00000001' },
    },
    {
      key: `${prefix}snapshot|0,1,2`,
      value: JSON.stringify({ partitions: [0, 1, 2], chunks: 1, id: 'feedc0de00000001' }),
    },
  ];
}

const EXPECTED = LEGACY_RESUMED;

describe('checkpoint topic written before the opaque engine state', () => {
  it('reads old entries into version-0 states that decode to exactly their positions and engine state', () => {
    const reader = new CheckpointTopicCodec({ job: 'orders', consumerGroup: 'g' }).reader();
    oldEntries('orders', 'g').forEach((e, i) =>
      reader.add({
        key: Buffer.from(e.key),
        value: Buffer.from(e.value),
        headers: Object.fromEntries(Object.entries(e.headers ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
        offset: String(i),
      } as unknown as KafkaMessage),
    );
    expect(decodeCommitted(reader.result().checkpoint)).toEqual(EXPECTED);
  });

  it('resumes a sink from an old topic, then writes the new format over it', async () => {
    const base = uniqueName('kcp-old');
    const n = {
      brokers: BROKERS,
      job: 'stock-averages',
      consumerGroup: `${base}-group`,
      sourceTopic: `${base}-in`,
      outputTopic: `${base}-out`,
      deadLetterTopic: `${base}-dl`,
      checkpointTopic: `${base}-cp`,
      instanceId: 'upgraded',
    };
    const all = [n.sourceTopic, n.outputTopic, n.deadLetterTopic, n.checkpointTopic];
    await createTopics([
      { topic: n.sourceTopic, partitions: 3 },
      { topic: n.checkpointTopic, partitions: 1 },
    ]);
    const producer = kafkaClient().producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const sink = new KafkaTransactionalSink(n);
    try {
      await producer.send({
        topic: n.checkpointTopic,
        acks: -1,
        messages: oldEntries(n.job, n.consumerGroup).map((m) => ({ ...m, partition: 0 })),
      });
      expect(decodeCommitted(await sink.open(stocksAveragesTable))).toEqual(EXPECTED);
      const engineState = new Map([
        [0, '{"v":1,"watermark_ms":5,"replay":{"from":813,"max_event_ms":4,"closed_up_to_ms":"-inf"}}'],
      ]);
      await sink.commit({
        sequence: 0,
        rows: [],
        positions: new Map([[0, 813]]),
        closedUpToMs: -Infinity,
        engineState,
      });
      await sink.close();
      const reopened = await sink.open(stocksAveragesTable);
      expect(reopened?.positions).toEqual(
        new Map([
          [0, 813],
          [1, 40],
          [2, 0],
        ]),
      );
      expect(reopened?.engineState.get(0)).toBe(engineState.get(0));
      expect(decodeCommitted(reopened)?.engine?.partitions.get(1)).toEqual(EXPECTED.engine.partitions.get(1));
    } finally {
      await producer.disconnect();
      await sink.close();
      await deleteTopics(all);
    }
  });
});
