import 'reflect-metadata';
import { MemoryLogger } from '../../../src/adapters/memory/memory-logger.adapter';
import { PlatformaticKafkaSource } from '../../../src/adapters/platformatic-kafka/platformatic-source.adapter';
import { describeSourceContract, type SourceFactory } from '../../contracts/source.contract';
import { BROKERS, topicWith, uniqueName } from '../../support/kafka-topics';

jest.setTimeout(120_000);

const platformaticSource =
  (groupInstanceId?: string): SourceFactory =>
  async (partitions) => {
    const { topic, remove } = await topicWith(partitions);
    const source = new PlatformaticKafkaSource(
      {
        brokers: BROKERS,
        topic,
        groupId: uniqueName('hexstream-test-group'),
        bounded: true,
        ...(groupInstanceId === undefined ? {} : { groupInstanceId }),
      },
      new MemoryLogger(),
    );
    return {
      source,
      cleanup: async () => {
        await source.close();
        await remove();
      },
    };
  };

describeSourceContract('PlatformaticKafkaSource (bounded)', platformaticSource(), { bounded: true });
describeSourceContract('PlatformaticKafkaSource (bounded, static member)', platformaticSource('instance-a'), {
  bounded: true,
});
