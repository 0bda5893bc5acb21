import 'reflect-metadata';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDeadLetters } from '../../src/adapters/file/file-dead-letters.adapter';
import { KafkaDeadLetterTopic } from '../../src/adapters/kafka/kafka-dead-letter-topic.adapter';
import { PlatformaticDeadLetterTopic } from '../../src/adapters/platformatic-kafka/platformatic-dead-letter-topic.adapter';
import { MySqlSink } from '../../src/adapters/mysql/mysql-sink.adapter';
import { PostgresSink } from '../../src/adapters/postgres/postgres-sink.adapter';
import { aggOrderWindowTable } from '../../src/domain/jobs/orders.job';
import type { DeadLetterPort } from '../../src/ports/dead-letter.port';
import type { ResultStorePort } from '../../src/ports/result-store.port';
import { readRenderedTable } from '../adapters/mysql/mysql-test-kit';
import { readRendered } from '../adapters/postgres/postgres-test-kit';
import { describeOutputContract, parseJsonObject, type OutputUnderTest } from '../contracts/output.contract';
import { deadLettersOnTopic } from '../support/kafka-dead-letters';
import { deleteTopics } from '../support/kafka-read';
import { BROKERS, uniqueName } from '../support/kafka-topics';
import { createTestDatabase } from '../support/mariadb';
import { createTestPgDatabase } from '../support/postgres';

jest.setTimeout(120_000);

/**
 * The outputs `prod` and `batch` compose (see prod-io.module.ts, batch-io.module.ts), through the
 * use case's commit step: a SQL result store beside a dead-letter port that is not part of its
 * transaction. The store's failure is injected inside its transaction, after the letters went out:
 * a crash between the two.
 */
interface Store {
  readonly store: ResultStorePort;
  readTable(): Promise<Map<string, Record<string, unknown>>>;
  failNextCommit(error: Error): void;
  cleanup(): Promise<void>;
}

interface Letters {
  readonly port: DeadLetterPort;
  read(): Promise<Array<Record<string, unknown>>>;
  cleanup(): Promise<void>;
}

/** A hook that throws the armed error once. */
function failOnce(): { arm(error: Error): void; hook(): void } {
  let failure: Error | undefined;
  return {
    arm: (error) => {
      failure = error;
    },
    hook: () => {
      const error = failure;
      failure = undefined;
      if (error !== undefined) throw error;
    },
  };
}

async function mysqlStore(): Promise<Store> {
  const db = await createTestDatabase();
  const fault = failOnce();
  const store = new MySqlSink({
    url: db.url,
    job: 'orders',
    consumerGroup: 'combined',
    faultInjection: { beforeCommit: fault.hook },
  });
  return {
    store,
    readTable: () => readRenderedTable(db, aggOrderWindowTable),
    failNextCommit: fault.arm,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
}

async function postgresStore(): Promise<Store> {
  const db = await createTestPgDatabase();
  const fault = failOnce();
  const store = new PostgresSink({
    url: db.url,
    job: 'orders',
    consumerGroup: 'combined',
    faultInjection: { beforeCommit: fault.hook },
  });
  return {
    store,
    readTable: () => readRendered(db, aggOrderWindowTable),
    failNextCommit: fault.arm,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
}

/** The dead-letter topic on either Kafka client (`--kafka-client`). */
async function kafkaLetters(client: 'kafkajs' | 'platformatic' = 'kafkajs'): Promise<Letters> {
  const topic = uniqueName('combined-dl');
  const port =
    client === 'kafkajs'
      ? new KafkaDeadLetterTopic({ brokers: BROKERS, topic })
      : new PlatformaticDeadLetterTopic({ brokers: BROKERS, topic });
  return {
    port,
    read: () => deadLettersOnTopic(topic),
    cleanup: async () => {
      await port.close();
      await deleteTopics([topic]);
    },
  };
}

async function fileLetters(): Promise<Letters> {
  const dir = await mkdtemp(join(tmpdir(), 'hexstream-combined-'));
  const path = join(dir, 'dead.jsonl');
  return {
    port: new FileDeadLetters(path),
    // Each run starts the file afresh, keeping the earlier one beside it under a dated name.
    read: async () => {
      const kept = (await readdir(dir))
        .map((name) => ({ name, m: /^dead\.(\d{8}T\d{9}Z)(?:-(\d+))?\.jsonl$/.exec(name) }))
        .filter((f) => f.m !== null)
        .sort((a, b) => (a.m?.[1] ?? '').localeCompare(b.m?.[1] ?? '') || Number(a.m?.[2] ?? 1) - Number(b.m?.[2] ?? 1))
        .map((f) => join(dir, f.name));
      const texts = await Promise.all([...kept, path].map((file) => readFile(file, 'utf8').catch(() => '')));
      return texts
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map(parseJsonObject);
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

function combined(store: () => Promise<Store>, letters: () => Promise<Letters>): () => Promise<OutputUnderTest> {
  return async () => {
    const s = await store();
    const l = await letters();
    return {
      output: { store: s.store, deadLetters: l.port },
      readTable: () => s.readTable(),
      readDeadLetters: () => l.read(),
      failNextCommit: (error) => s.failNextCommit(error),
      cleanup: async () => {
        await s.cleanup();
        await l.cleanup();
      },
    };
  };
}

const AT_LEAST_ONCE = { resumes: true, atomic: true, letters: 'at-least-once' } as const;

describeOutputContract(
  'prod: MySQL + Kafka dead-letter topic',
  combined(mysqlStore, () => kafkaLetters()),
  AT_LEAST_ONCE,
);
describeOutputContract(
  'prod: PostgreSQL + Kafka dead-letter topic',
  combined(postgresStore, () => kafkaLetters()),
  AT_LEAST_ONCE,
);
const platformaticLetters = (): Promise<Letters> => kafkaLetters('platformatic');
describeOutputContract(
  'prod --kafka-client platformatic: MySQL + Kafka dead-letter topic',
  combined(mysqlStore, platformaticLetters),
  AT_LEAST_ONCE,
);
describeOutputContract(
  'prod --kafka-client platformatic: PostgreSQL + Kafka dead-letter topic',
  combined(postgresStore, platformaticLetters),
  AT_LEAST_ONCE,
);
describeOutputContract('batch: MySQL + dead-letter file', combined(mysqlStore, fileLetters), AT_LEAST_ONCE);
describeOutputContract('batch: PostgreSQL + dead-letter file', combined(postgresStore, fileLetters), AT_LEAST_ONCE);
