import 'reflect-metadata';
import { FileDeadLetters } from '../../src/adapters/file/file-dead-letters.adapter';
import { JsonLinesFileSink } from '../../src/adapters/file/jsonl-file-sink.adapter';
import { KafkaDeadLetterTopic } from '../../src/adapters/kafka/kafka-dead-letter-topic.adapter';
import { KafkaTransactionalSink } from '../../src/adapters/kafka/kafka-transactional-sink.adapter';
import { MySqlSink } from '../../src/adapters/mysql/mysql-sink.adapter';
import { PostgresSink } from '../../src/adapters/postgres/postgres-sink.adapter';
import { createContainer } from '../../src/composition/create-container';
import { resolveBatchConfig, resolveProdConfig, resolveTestConfig } from '../../src/composition/resolve-config';
import type { RunConfig } from '../../src/composition/run-config';
import { DeadLetterPort } from '../../src/ports/dead-letter.port';
import { ResultStorePort } from '../../src/ports/result-store.port';

/**
 * The two outputs each mode binds: the combinations `output-combinations.int.test.ts` and the adapters'
 * tests run the output contract on. Resolved without opening anything.
 */
async function outputs(config: RunConfig): Promise<{ store: ResultStorePort; deadLetters: DeadLetterPort }> {
  const container = await createContainer(config.mode, config);
  return { store: container.get(ResultStorePort), deadLetters: container.get(DeadLetterPort) };
}

const email = 'ops@example.com';

describe('the outputs each mode binds', () => {
  it('prod: MySQL rows with a Kafka dead-letter topic (at least once)', async () => {
    const o = await outputs(resolveProdConfig({ email }));
    expect([o.store instanceof MySqlSink, o.deadLetters instanceof KafkaDeadLetterTopic]).toEqual([true, true]);
  });

  it('prod --postgres: PostgreSQL rows with a Kafka dead-letter topic (at least once)', async () => {
    const o = await outputs(resolveProdConfig({ email, postgres: 'postgres://postgres@127.0.0.1:5432/hexstream' }));
    expect([o.store instanceof PostgresSink, o.deadLetters instanceof KafkaDeadLetterTopic]).toEqual([true, true]);
  });

  it('prod --to-kafka: the Kafka transactional store, whose own port stages the letters into its transactions', async () => {
    const o = await outputs(resolveProdConfig({ email, toKafka: true }));
    expect(o.store).toBeInstanceOf(KafkaTransactionalSink);
    expect(o.deadLetters).toBe((o.store as KafkaTransactionalSink).deadLetterPort);
  });

  it('batch: MySQL or PostgreSQL rows with a dead-letter file (at least once)', async () => {
    const mysql = await outputs(resolveBatchConfig({ email, input: 'in' }));
    expect([mysql.store instanceof MySqlSink, mysql.deadLetters instanceof FileDeadLetters]).toEqual([true, true]);
    const pg = await outputs(
      resolveBatchConfig({ email, input: 'in', postgres: 'postgres://postgres@127.0.0.1:5432/hexstream' }),
    );
    expect([pg.store instanceof PostgresSink, pg.deadLetters instanceof FileDeadLetters]).toEqual([true, true]);
  });

  it('test: the JSON Lines files, the letters through the store’s own port', async () => {
    const o = await outputs(resolveTestConfig({ email }, 'samples'));
    expect(o.store).toBeInstanceOf(JsonLinesFileSink);
    expect(o.deadLetters).toBe((o.store as JsonLinesFileSink).deadLetterPort);
  });
});
