import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureKafka,
  killKafka9,
  startOwnKafka,
  type KafkaBrokerOptions,
  type OwnKafka,
} from '../support/kafka-broker';
import { appendTo, topicWith } from '../support/kafka-topics';
import { createTestDatabase, type TestDatabase } from '../support/mariadb';
import {
  deadLetterKeys,
  orderPartitions,
  orderTable,
  slices,
  startProd,
  until,
  referenceDeadLetterKeys,
} from '../support/prod-orders';
import { frequentTriggers } from '../support/prod-args';
import { referenceOrders } from '../support/reference-orders';

jest.setTimeout(300_000);

const SEMANTICS = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };

describe('hexstream prod through a broker crash (kill -9 of a broker of its own, then a restart)', () => {
  const data = orderPartitions(12_000, 67);
  const expected = referenceOrders(data, SEMANTICS);
  const expectedDead = referenceDeadLetterKeys(expected.deadLetters);
  const parts = slices(data, 3) as [Map<number, string[]>, Map<number, string[]>, Map<number, string[]>];
  // A broker of this test's own, which it kills, on a free port.
  let own: OwnKafka | undefined;
  let broker: KafkaBrokerOptions = {};
  let OWN_BROKERS: string[] = [];
  let db: TestDatabase;

  beforeAll(async () => {
    own = await startOwnKafka();
    broker = own.options;
    OWN_BROKERS = [own.brokers];
  });
  afterAll(async () => {
    await own?.stop();
  });
  // A database per case: the second case must not see the first one's rows as its own first commit.
  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  it.each(['kafkajs', 'platformatic'])(
    'reconnects on its own, shows the outage in the progress line, and ends with the reference table (--kafka-client %s)',
    async (client) => {
      const topic = await topicWith(parts[0], { brokers: OWN_BROKERS });
      const dlq = `${topic.topic}.dl`;
      const args = [
        'prod',
        'ops@example.com',
        '--brokers',
        OWN_BROKERS.join(','),
        '--topic',
        topic.topic,
        '--group',
        `g-${topic.topic}`,
        '--mysql',
        db.url,
        '--dead-letter-topic',
        dlq,
        '--kafka-client',
        client,
      ];
      const prod = startProd([
        ...args,
        ...frequentTriggers(),
        '--max-outage',
        '3m',
        '--outbox',
        join(tmpdir(), `${topic.topic}-outbox`),
      ]);
      const { child, exited, logs } = prod;
      const rows = async (): Promise<number> =>
        Number((await db.query('SELECT COUNT(*) AS n FROM agg_order_window').catch(() => [{ n: 0 }]))[0]?.n);
      try {
        await until(async () => (await rows()) > 0, 'the first rows are committed');
        await killKafka9(broker);
        // Down until the pipeline notices: the consumer (kafkajs restarts it once its retries are
        // spent) or the dead-letter producer (the pipeline waits for it), whichever comes first.
        const noticed = (): number =>
          logs('source unavailable; it reconnects on its own').length + logs('sink unavailable; waiting for it').length;
        await until(async () => noticed() > 0, 'the pipeline reports the broker unavailable', 120_000);
        await ensureKafka(broker);
        await appendTo(topic.topic, parts[1], OWN_BROKERS);
        await appendTo(topic.topic, parts[2], OWN_BROKERS);

        await until(
          async () => (await orderTable((sql) => db.query(sql))).size === expected.rows.size,
          'the table is complete',
          180_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        expect(await orderTable((sql) => db.query(sql))).toEqual(expected.rows);
        child.kill('SIGTERM');
        expect(await exited).toBe(0);

        // Every outage that began ended, and each is in the progress lines.
        expect(logs('source available again')).toHaveLength(
          logs('source unavailable; it reconnects on its own').length,
        );
        const during = logs('progress').filter((p) => typeof p['outage'] === 'string');
        expect(during.length).toBeGreaterThan(0);
        expect(
          during.filter(
            (p) =>
              !/^(source unavailable for [\d.]+ s|sink unavailable for [\d.]+ s, attempt \d+, next in [\d.]+ s)$/.test(
                String(p['outage']),
              ) || !String(p['outageError']).includes(OWN_BROKERS[0] ?? '?'),
          ),
        ).toEqual([]);
        expect(await deadLetterKeys(dlq, OWN_BROKERS)).toEqual(expectedDead);
      } catch (e) {
        throw new Error(
          `${String(e)}\n--- prod stderr (last lines) ---\n${prod
            .stderr()
            .split('\n')
            .filter((l) => !l.includes('"msg":"progress"'))
            .slice(-30)
            .join('\n')}`,
          { cause: e },
        );
      } finally {
        child.kill('SIGKILL');
        await topic.remove();
      }
    },
  );
});
