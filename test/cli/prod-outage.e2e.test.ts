import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendTo, BROKERS, topicWith } from '../support/kafka-topics';
import { startOwnMariaDb, type OwnMariaDb } from '../support/own-mariadb';
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
import { runCli } from '../support/run-cli';

jest.setTimeout(300_000);

const SEMANTICS = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };
const OUTAGE_MS = 20_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('hexstream prod through a database outage (a MariaDB server of its own, killed and restarted)', () => {
  const data = orderPartitions(12_000, 53);
  const expected = referenceOrders(data, SEMANTICS);
  const expectedDead = referenceDeadLetterKeys(expected.deadLetters);
  const parts = slices(data, 4);
  let db: OwnMariaDb;
  let outbox: string;

  beforeAll(async () => {
    db = await startOwnMariaDb();
    outbox = mkdtempSync(join(tmpdir(), 'hexstream-outage-outbox-'));
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(outbox, { recursive: true, force: true });
  });

  const args = (topic: string, database: string, extra: readonly string[] = []): string[] => [
    'prod',
    'ops@example.com',
    '--topic',
    topic,
    '--group',
    `g-${database}`,
    '--mysql',
    db.url(database),
    '--dead-letter-topic',
    `${topic}.dl`,
    ...frequentTriggers(),
    '--outbox',
    join(outbox, database),
    ...extra,
  ];
  const rowsIn = async (database: string): Promise<number> => {
    const [r] = await db.query(database, 'SELECT COUNT(*) AS n FROM agg_order_window').catch(() => [{ n: 0 }]);
    return Number(r?.n);
  };

  it(`waits out a ${OUTAGE_MS / 1000} s outage with bounded backoff, shown in the progress line, and ends with the reference table`, async () => {
    const [first, second, third, fourth] = parts as [
      Map<number, string[]>,
      Map<number, string[]>,
      Map<number, string[]>,
      Map<number, string[]>,
    ];
    const topic = await topicWith(first);
    const database = `outage_${process.pid}_${Date.now() % 100_000}`;
    const prod = startProd(args(topic.topic, database, ['--max-outage', '2m']));
    try {
      await until(async () => (await rowsIn(database)) > 0, 'the first rows are committed');
      await db.stop('SIGKILL');
      const downAt = Date.now();
      // Records keep coming while the database is away.
      await appendTo(topic.topic, second);
      await sleep(OUTAGE_MS / 2);
      await appendTo(topic.topic, third);
      await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));
      await db.start();
      await appendTo(topic.topic, fourth);

      await until(
        async () => (await orderTable((sql) => db.query(database, sql))).size === expected.rows.size,
        'the table is complete',
        120_000,
      );
      await sleep(1_000);
      expect(await orderTable((sql) => db.query(database, sql))).toEqual(expected.rows);
      prod.child.kill('SIGTERM');
      expect(await prod.exited).toBe(0);

      // Bounded backoff: it waited, each wait at most 10 s and never shorter than the one before, and said so.
      const waits = prod.logs('sink unavailable; waiting for it');
      expect(waits.length).toBeGreaterThanOrEqual(3);
      const backoffs = waits.map((w) => Number(w['retryInMs']));
      expect(backoffs.slice(0, 4)).toEqual([500, 1_000, 2_000, 4_000].slice(0, Math.min(4, backoffs.length)));
      expect(backoffs.every((ms, i) => ms <= 10_000 && (i === 0 || ms >= (backoffs[i - 1] as number)))).toBe(true);
      const outageLines = prod.logs('progress').filter((p) => typeof p['outage'] === 'string');
      // A line at each attempt, and others between them: one comes every --progress-interval (5 s).
      expect(outageLines.length).toBeGreaterThanOrEqual(waits.length);
      expect(
        outageLines.every((p) =>
          /^sink unavailable for [\d.]+ s, attempt \d+, next in [\d.]+ s$/.test(String(p['outage'])),
        ),
      ).toBe(true);
      const back = prod.logs('sink available again; rebuilt from the last commit');
      expect(back).toHaveLength(1);
      expect(Number(back[0]?.['downMs'])).toBeGreaterThanOrEqual(OUTAGE_MS - 2_000);
      expect(await deadLetterKeys(`${topic.topic}.dl`)).toEqual(expectedDead);
    } finally {
      prod.child.kill('SIGKILL');
      await db.start().catch(() => undefined);
      await topic.remove();
    }
  });

  it('exits 1 with one line and mails an alert when the outage outlasts --max-outage; a restart later loses nothing', async () => {
    const topic = await topicWith(parts[0] as Map<number, string[]>);
    const database = `maxout_${process.pid}_${Date.now() % 100_000}`;
    const prod = startProd(args(topic.topic, database, ['--max-outage', '5s', '--log-level', 'error']));
    try {
      await until(async () => (await rowsIn(database)) > 0, 'the first rows are committed');
      await db.stop('SIGKILL');
      await appendTo(topic.topic, parts[1] as Map<number, string[]>);
      expect(await prod.exited).toBe(1);
      const lines = prod.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^hexstream: SINK_UNAVAILABLE: unavailable for 5(\.\d)? s, longer than --max-outage 5 s; a restart resumes from the last commit: .*MySQL at mysql:\/\/root@127\.0\.0\.1:\d+\/maxout_/,
      );
      const mails = readdirSync(join(outbox, database)).map((f) => readFileSync(join(outbox, database, f), 'utf8'));
      expect(mails.filter((m) => /^Subject: hexstream prod orders FAILED: unavailable for 5/m.test(m))).toHaveLength(1);

      await db.start();
      await appendTo(topic.topic, parts[2] as Map<number, string[]>);
      await appendTo(topic.topic, parts[3] as Map<number, string[]>);
      const last = runCli(args(topic.topic, database, ['--bounded', '--log-level', 'error']));
      expect(last.stderr).toBe('');
      expect(last.code).toBe(0);
      expect(await orderTable((sql) => db.query(database, sql))).toEqual(expected.rows);
      expect(await deadLetterKeys(`${topic.topic}.dl`, BROKERS)).toEqual(expectedDead);
    } finally {
      prod.child.kill('SIGKILL');
      await db.start().catch(() => undefined);
      await topic.remove();
    }
  });
});
