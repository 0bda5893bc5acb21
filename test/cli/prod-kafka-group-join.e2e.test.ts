import { parseJsonObject } from '../contracts/output.contract';
import { deleteTopics, readTopic, topicPartitions } from '../support/kafka-read';
import { topicCount } from '../support/feed-topics';
import { uniqueName } from '../support/kafka-topics';
import { createTestDatabase } from '../support/mariadb';
import { prodMember, toKafka } from '../support/prod-args';
import { orderTable, startProd, until, type Running } from '../support/prod-orders';
import { referenceOrders } from '../support/reference-orders';
import { runCli } from '../support/run-cli';
import {
  closedRows,
  deadLetterRefs,
  produceArgs,
  referenceDeadLetterRefs,
  rowsByKey,
  stockAveragesReference,
} from '../support/stock-averages-kafka';
import { spawnCli } from '../support/spawn-cli';

jest.setTimeout(300_000);

const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;

/** The partitions a process was last given, from its log ('kafka partitions assigned' / 'reassigned'). */
function lastAssignment(p: Running): string | undefined {
  const entries = [...p.logs('kafka partitions assigned'), ...p.logs('kafka partitions reassigned')].sort(
    (a, b) => Number(a['time']) - Number(b['time']),
  );
  const last = entries[entries.length - 1];
  return last === undefined ? undefined : String(last['partitions']);
}

/**
 * A producer sends about 20 s of records at 1,000/s (event time follows the clock); a first
 * instance runs, a second joins meanwhile (the first hands over part of the partitions), both run
 * a moment. Returns both, once the group has split the partitions between them.
 */
async function joinWhileProducing(
  job: string,
  input: string,
  args: (instance: string) => string[],
): Promise<{ first: Running; second: Running; producing: ReturnType<typeof spawnCli> }> {
  const producing = spawnCli(produceArgs(job, input, { partitions: 3, count: 20_000, seed: 5 }, ['--rate', '1000']), {
    timeoutMs: 180_000,
  });
  await until(async () => (await topicCount(input)) > 0, 'the producer sent its first records');
  const first = startProd([...args('first'), '--log-level', 'info']);
  await until(
    async () => lastAssignment(first) === '0,1,2' && first.logs('pipeline started').length > 0,
    'the first instance holds every partition',
  );
  const second = startProd([...args('second'), '--log-level', 'info']);
  await until(
    async () => lastAssignment(second) !== undefined && lastAssignment(first) !== '0,1,2',
    'the group split the partitions',
  );
  await new Promise((resolve) => setTimeout(resolve, 1_000 + Math.random() * 2_000));
  return { first, second, producing };
}

/** Log lines at warn or above (pino levels 40+), with their error. */
function warnings(p: Running): string[] {
  return p
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => parseJsonObject(l))
    .filter((l) => Number(l['level']) >= 40)
    .map(
      (l) =>
        `${String(l['msg'])}${l['error'] === undefined ? '' : `: ${typeof l['error'] === 'string' ? l['error'] : JSON.stringify(l['error'])}`}`,
    );
}

describe('hexstream prod: an instance joins a running group', () => {
  it.each(KAFKA_CLIENTS)(
    '--to-kafka, one instance then killed: a read_committed reader sees each closed (symbol, window) once, equal to the reference, and each dead letter once (--kafka-client %s)',
    async (client) => {
      const input = uniqueName('trades');
      const output = uniqueName('stocks_averages');
      const deadLetters = `${input}.dead-letter`;
      const checkpoints = uniqueName('checkpoints');
      const group = uniqueName('stocks-join');
      const victim = Math.random() < 0.5 ? 'first' : 'second';
      const args = (instance: string): string[] => [
        ...prodMember({ job: 'stock-averages', topic: input, group }),
        ...toKafka(output, checkpoints),
        '--instance-id',
        instance,
        '--kafka-client',
        client,
        '--trigger-records',
        '200',
        '--idle-timeout',
        '10m',
        '--outbox',
        `/tmp/${group}-outbox`,
      ];
      try {
        const { first, second, producing } = await joinWhileProducing('stock-averages', input, args);
        const split = [lastAssignment(first), lastAssignment(second)];
        // One is killed mid-run, while the producer sends; the survivor gets every partition.
        const [killed, survivor] = victim === 'first' ? [first, second] : [second, first];
        killed.child.kill('SIGKILL');
        await killed.exited;
        expect((await producing).code).toBe(0);
        await until(async () => lastAssignment(survivor) === '0,1,2', 'the survivor holds every partition', 90_000);
        survivor.child.kill('SIGTERM');
        expect(await survivor.exited).toBe(0);

        // The killed instance's id again, bounded: fences what it left open and reads to the end.
        const last = runCli([...args(victim), '--bounded', '--log-level', 'error']);
        expect(last.stderr).toBe('');
        expect(last.code).toBe(0);

        const data = topicPartitions(await readTopic(input));
        const expected = stockAveragesReference(data);
        // A bounded run ends with each partition's watermark where its input left it: the windows
        // every partition's watermark has passed are closed and written, the later ones stay open.
        const closed = closedRows(expected);
        expect(closed.size).toBeGreaterThan(100);
        const messages = await readTopic(output);
        const keys = messages.map((m) => m.headers['row-key']);
        const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
        expect({ split, victim, twice }).toEqual({ split, victim, twice: [] });
        expect(rowsByKey(messages)).toEqual(closed);
        expect(await deadLetterRefs(deadLetters)).toEqual(referenceDeadLetterRefs(expected.dead));
      } finally {
        await deleteTopics([input, output, deadLetters, checkpoints]);
      }
    },
  );

  it.each(KAFKA_CLIENTS)(
    '--mysql: the joining instance starts from the hand-over commit, so neither is fenced, and the table is the reference (--kafka-client %s)',
    async (client) => {
      const input = uniqueName('orders');
      const group = uniqueName('orders-join');
      const db = await createTestDatabase();
      const args = (instance: string): string[] => [
        'prod',
        'ops@example.com',
        '--topic',
        input,
        '--group',
        group,
        '--mysql',
        db.url,
        '--trigger-records',
        '200',
        '--idle-timeout',
        '10m',
        '--outbox',
        `/tmp/${group}-${instance}-outbox`,
        // Concurrent members of one group: each its own id (a static member with the platformatic client).
        ...(client === 'platformatic' ? ['--kafka-client', client, '--instance-id', instance] : []),
      ];
      try {
        const { first, second, producing } = await joinWhileProducing('orders', input, args);
        expect((await producing).code).toBe(0);
        for (const p of [first, second]) p.child.kill('SIGTERM');
        expect([await first.exited, await second.exited]).toEqual([0, 0]);
        // Before, the joining instance rebuilt from the checkpoint read before it joined, and its
        // first commit was fenced: "fenced by another instance; rebuilding from the committed checkpoint".
        expect({ first: warnings(first), second: warnings(second) }).toEqual({ first: [], second: [] });

        const last = runCli([...args('last'), '--bounded', '--log-level', 'error']);
        expect(last.stderr).toBe('');
        expect(last.code).toBe(0);
        const expected = referenceOrders(topicPartitions(await readTopic(input)), {
          windowMs: 60_000,
          slideMs: 60_000,
          watermarkMs: 10_000,
        });
        expect(await orderTable((sql) => db.query(sql))).toEqual(expected.rows);
      } finally {
        await db.drop();
        await deleteTopics([input, `${input}.dead-letter`]);
      }
    },
  );
});
