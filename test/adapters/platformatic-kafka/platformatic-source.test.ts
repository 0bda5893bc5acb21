import { spawn } from 'node:child_process';
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

describe('PlatformaticKafkaSource: static membership', () => {
  it('a member killed (-9) and restarted with the same instance id gets its partitions back without a rebalance: same generation, same assignment', async () => {
    const { topic, remove } = await topicWith(
      new Map([
        [0, ['a']],
        [1, ['b']],
        [2, ['c']],
      ]),
    );
    const groupId = uniqueName('static');
    // The first incarnation: a process that joins as instance `x`, says so, and is killed with -9 (no LeaveGroup).
    const script = `const { Consumer } = require('@platformatic/kafka');
      const c = new Consumer({ clientId: 'zombie', bootstrapBrokers: ${JSON.stringify(BROKERS)}, groupId: ${JSON.stringify(groupId)},
        groupInstanceId: 'x', sessionTimeout: 10000, rebalanceTimeout: 20000, heartbeatInterval: 1000 });
      c.topics.track(${JSON.stringify(topic)});
      c.joinGroup({}).then(() => console.log(JSON.stringify({ generation: c.generationId, member: c.memberId,
        partitions: c.assignments.flatMap((a) => a.partitions).sort() })));`;
    const first = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    const joined = await new Promise<{ generation: number; member: string; partitions: number[] }>((resolve) =>
      first.stdout.on('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as never)),
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const logger = new MemoryLogger();
    const restarted = new PlatformaticKafkaSource(
      { brokers: BROKERS, topic, groupId, bounded: false, groupInstanceId: 'x' },
      logger,
    );
    try {
      const partitions = await restarted.open(new Map());
      const member = restarted.groupMember();
      // The coordinator took the restart for the same member: no new generation (no rebalance), a new member id.
      expect({ partitions, generation: member?.generationId }).toEqual({
        partitions: joined.partitions,
        generation: joined.generation,
      });
      expect(member?.memberId).not.toBe(joined.member);
      const values: string[] = [];
      for (let i = 0; i < 100 && values.length < 3; i++)
        values.push(...(await restarted.poll(10, 50)).records.map((r) => String(r.value)));
      expect(values.sort()).toEqual(['a', 'b', 'c']);
    } finally {
      await restarted.close();
      await remove();
    }
  });
});
