import type { KafkaSinkOptions } from '../../src/adapters/kafka/kafka-sink-options';
import type { StoreWithDeadLetters } from '../../src/domain/pipeline/pipeline-output';
import {
  describeOutputContract,
  describeResultStoreContract,
  parseJsonObject,
  type OutputUnderTest,
} from '../contracts/output.contract';
import { deadLettersOnTopic } from './kafka-dead-letters';
import { createTopics, deleteTopics, readTopic } from './kafka-read';
import { BROKERS, uniqueName } from './kafka-topics';

/** A `--to-kafka` store as the tests make it: with a hook called just before each COMMIT. */
export type TopicStore = StoreWithDeadLetters & { close(): Promise<void> };
export type MakeTopicStore<S extends TopicStore> = (options: KafkaSinkOptions) => S;

/** Topic and group names of one test, unique (`prefix-…`), all deleted afterwards (`all`). */
export function sinkTopicNames(prefix: string): Omit<KafkaSinkOptions, 'job' | 'instanceId'> & {
  readonly all: string[];
} {
  const base = uniqueName(prefix);
  const n = {
    brokers: BROKERS,
    consumerGroup: `${base}-group`,
    sourceTopic: `${base}-in`,
    outputTopic: `${base}-out`,
    deadLetterTopic: `${base}-dl`,
    checkpointTopic: `${base}-cp`,
  };
  return { ...n, all: [n.sourceTopic, n.outputTopic, n.deadLetterTopic, n.checkpointTopic] };
}

/** The output topic as a table: the last value per row key (header `row-key`). */
export async function outputTopicTable(topic: string): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const m of await readTopic(topic)) {
    const key = m.headers['row-key'];
    if (key === undefined || m.value === undefined)
      throw new Error(`message at ${m.partition}:${m.offset} has no row-key header or no value`);
    out.set(key, parseJsonObject(m.value));
  }
  return out;
}

/** A store on fresh topics whose next transaction can be made to fail just before COMMIT. */
async function storeUnderTest<S extends TopicStore>(
  prefix: string,
  make: MakeTopicStore<S>,
): Promise<OutputUnderTest & { sink: S }> {
  const n = sinkTopicNames(prefix);
  // Offsets are sent for the source topic: it must exist, with every partition the contract uses.
  await createTopics([{ topic: n.sourceTopic, partitions: 4 }]);
  let failure: Error | undefined;
  const beforeCommit = (): void => {
    const error = failure;
    failure = undefined;
    if (error !== undefined) throw error;
  };
  const sink = make({ ...n, job: 'orders', instanceId: 'contract', faultInjection: { beforeCommit } });
  return {
    sink,
    output: { store: sink, deadLetters: sink.deadLetterPort },
    readTable: () => outputTopicTable(n.outputTopic),
    readDeadLetters: () => deadLettersOnTopic(n.deadLetterTopic),
    failNextCommit: (error: Error) => {
      failure = error;
    },
    cleanup: async () => {
      await sink.close();
      await deleteTopics(n.all);
    },
  };
}

/** The result-store and output contracts for one client's `--to-kafka` store: it resumes, commits atomically, letters exactly once. */
export function describeTopicStoreContracts<S extends TopicStore>(
  name: string,
  prefix: string,
  make: MakeTopicStore<S>,
): void {
  describeResultStoreContract(
    name,
    async () => {
      const t = await storeUnderTest(prefix, make);
      return { ...t, store: t.sink };
    },
    { resumes: true, atomic: true },
  );
  // The letters are staged into the rows' transaction, exactly once.
  describeOutputContract(`${name} with its staged dead letters`, () => storeUnderTest(prefix, make), {
    resumes: true,
    atomic: true,
    letters: 'exactly-once',
  });
}
