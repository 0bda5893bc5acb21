import { spawnSync } from 'node:child_process';
import { goodOrders, hostileOrders, interleave, wrongDeadLetter } from '../support/hostile-orders';
import { readTopic, deleteTopics } from '../support/kafka-read';
import { topicWith, uniqueName } from '../support/kafka-topics';
import { createTestDatabase } from '../support/mariadb';
import { mysqlOrderTable } from '../support/order-table';
import { mysqlOrdersArgs } from '../support/prod-args';
import { referenceOrders } from '../support/reference-orders';
import { cliEnv, MAIN, summaryNumber } from '../support/run-cli';

jest.setTimeout(900_000);

const SEMANTICS = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };
const MEMORY_BOUND_MB = 400;
/** Each 10 MB kind of the corpus this many times: 24 messages of 10 MB, plus the corpus's own 9 and 10 MB ones. */
const HUGE_COPIES = 6;

describe('hexstream prod on a corpus of hostile records (real Kafka and MariaDB)', () => {
  it('dead-letters every hostile message with its detail on the dead-letter topic, writes the reference table, and stays under 400 MB', async () => {
    const layout = interleave(goodOrders(3000, 7), hostileOrders(HUGE_COPIES));
    const topic = await topicWith(layout.partitions);
    const dlq = `${topic.topic}.dead-letter`;
    const db = await createTestDatabase();
    try {
      const group = uniqueName('hostile');
      const args = mysqlOrdersArgs(db.url, topic.topic, group, ['--bounded', '--dead-letter-topic', dlq]);
      const r = spawnSync(process.execPath, [MAIN, ...args], { env: cliEnv(args), encoding: 'utf8', timeout: 600_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);

      const expected = referenceOrders(layout.reference, SEMANTICS);
      expect(await mysqlOrderTable(db)).toEqual(expected.rows);

      // Dead letters are at-least-once: a repeat of (source partition, offset) is the same letter.
      const letters = new Map<
        string,
        { reason: string; detail: string; raw: string; rawBytes: number | undefined; valueBytes: number }
      >();
      for (const m of await readTopic(dlq)) {
        const h = m.headers;
        letters.set(`${h['source-partition']}:${h['source-offset']}`, {
          reason: h['reason'] ?? '',
          detail: h['detail'] ?? '',
          raw: m.value ?? '',
          rawBytes: h['raw-bytes'] === undefined ? undefined : Number(h['raw-bytes']),
          valueBytes: Buffer.byteLength(m.value ?? ''),
        });
      }
      const keyOf = (d: { partition: number; position: number }): string => `${d.partition}:${d.position}`;
      expect([...letters.keys()].sort()).toEqual(expected.deadLetters.map(keyOf).sort());
      for (const d of expected.deadLetters) expect(letters.get(keyOf(d))?.reason).toBe(d.reason);
      const wrong = layout.placed.map((p) => wrongDeadLetter(p, letters.get(keyOf(p))));
      expect(wrong.filter((w) => w !== undefined)).toEqual([]);
      expect(Math.max(...[...letters.values()].map((l) => l.valueBytes))).toBeLessThanOrEqual(4096);

      expect(summaryNumber(r.stdout, 'invalid')).toBe(
        expected.deadLetters.filter((d) => d.reason === 'invalid').length,
      );
      expect(summaryNumber(r.stdout, 'accepted')).toBe(expected.accepted);
      expect(summaryNumber(r.stdout, 'peak memory')).toBeLessThan(MEMORY_BOUND_MB);
    } finally {
      await db.drop();
      await deleteTopics([dlq]);
      await topic.remove();
    }
  });
});
