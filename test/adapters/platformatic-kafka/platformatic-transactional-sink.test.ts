import 'reflect-metadata';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import type {
  ConsumerGroupMember,
  ConsumerGroupMetadata,
} from '../../../src/adapters/platformatic-kafka/consumer-group-metadata';
import { PlatformaticDeadLetterTopic } from '../../../src/adapters/platformatic-kafka/platformatic-dead-letter-topic.adapter';
import { PlatformaticKafkaSource } from '../../../src/adapters/platformatic-kafka/platformatic-source.adapter';
import { PlatformaticTransactionalSink } from '../../../src/adapters/platformatic-kafka/platformatic-transactional-sink.adapter';
import { HexstreamError } from '../../../src/domain/hexstream-error';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import type { ResultRow } from '../../../src/domain/records';
import type { StoreCommit } from '../../../src/ports/result-store.port';
import { describeDeadLetterContract } from '../../contracts/dead-letter.contract';
import { describeTopicStoreContracts, outputTopicTable, sinkTopicNames } from '../../support/topic-store-kit';
import { deadLettersOnTopic } from '../../support/kafka-dead-letters';
import { createTopics, deleteTopics } from '../../support/kafka-read';
import { BROKERS, kafkaClient, uniqueName } from '../../support/kafka-topics';

jest.setTimeout(120_000);

const names = (): ReturnType<typeof sinkTopicNames> => sinkTopicNames('psink');
const tableOf = outputTopicTable;

describeTopicStoreContracts(
  'PlatformaticTransactionalSink',
  'psink',
  (options) => new PlatformaticTransactionalSink(options),
);

describeDeadLetterContract('PlatformaticDeadLetterTopic', async () => {
  const topic = uniqueName('pdl-contract');
  const port = new PlatformaticDeadLetterTopic({ brokers: BROKERS, topic });
  return {
    port,
    read: () => deadLettersOnTopic(topic),
    cleanup: async () => {
      await port.close();
      await deleteTopics([topic]);
    },
  };
});

const ROW: ResultRow = {
  key: 'k1',
  finalAtMs: 1,
  values: { window_start: 0, window_end: 60_000, product_id: 'p', order_count: 1, total_quantity: 2, revenue: 3 },
};

function commitOf(sequence: number, rows: readonly ResultRow[], position: number): StoreCommit {
  return {
    sequence,
    rows,
    positions: new Map([[0, position]]),
    closedUpToMs: -Infinity,
    engineState: new Map([[0, 's']]),
  };
}

async function groupOffsets(group: string, topic: string): Promise<Map<number, number>> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map((t?.partitions ?? []).filter((p) => p.offset !== '-1').map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

describe('PlatformaticTransactionalSink (KIP-447)', () => {
  it("refuses a zombie's transactional offsets: the static member replaced by its restart cannot commit, the new one can", async () => {
    const n = names();
    await createTopics([{ topic: n.sourceTopic, partitions: 2 }]);
    const options = { brokers: BROKERS, topic: n.sourceTopic, groupId: n.consumerGroup, bounded: false };
    const first = new PlatformaticKafkaSource({ ...options, groupInstanceId: 'a' }, new MemoryLogger());
    const second = new PlatformaticKafkaSource({ ...options, groupInstanceId: 'a' }, new MemoryLogger());
    let member: ConsumerGroupMember | undefined;
    const group: ConsumerGroupMetadata = { groupMember: () => member };
    const sink = new PlatformaticTransactionalSink({ ...n, job: 'orders', instanceId: 'zombie-test' }, group);
    try {
      await first.open(new Map());
      const zombie = first.groupMember();
      await sink.open(aggOrderWindowTable);
      member = zombie;
      await sink.commit(commitOf(1, [ROW], 5));
      expect(await groupOffsets(n.consumerGroup, n.sourceTopic)).toEqual(new Map([[0, 5]]));

      // The same instance id joins again (a restart while the old process still runs): the old member is replaced.
      await second.open(new Map());
      const current = second.groupMember();
      expect(current?.memberId).not.toBe(zombie?.memberId);

      const refused = await sink.commit(commitOf(2, [{ ...ROW, key: 'k2' }], 9)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(HexstreamError);
      expect((refused as HexstreamError).code).toBe('SINK_FENCED');
      // Nothing of the refused trigger is visible, and the group's offsets did not move.
      expect([...(await tableOf(n.outputTopic)).keys()]).toEqual(['k1']);
      expect(await groupOffsets(n.consumerGroup, n.sourceTopic)).toEqual(new Map([[0, 5]]));

      member = current;
      await sink.commit(commitOf(3, [{ ...ROW, key: 'k3' }], 9));
      expect([...(await tableOf(n.outputTopic)).keys()].sort()).toEqual(['k1', 'k3']);
      expect(await groupOffsets(n.consumerGroup, n.sourceTopic)).toEqual(new Map([[0, 9]]));
    } finally {
      await Promise.all([sink.close(), first.close(), second.close()]);
      await deleteTopics(n.all);
    }
  });
});
