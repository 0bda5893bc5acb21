import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { deleteTopics, readTopic, topicPartitions } from '../support/kafka-read';
import { topicCount } from '../support/feed-topics';
import { topicWith, uniqueName } from '../support/kafka-topics';
import { createTestDatabase, type TestDatabase } from '../support/mariadb';
import {
  deadLetterKeys,
  orderPartitions,
  orderTable,
  referenceDeadLetterKeys,
  startProd,
  until,
} from '../support/prod-orders';
import { mysqlOrdersArgs, prodMember, quietWithOutbox, toKafka } from '../support/prod-args';
import { referenceOrders } from '../support/reference-orders';
import { scrapeMetrics } from '../support/metrics-scrape';
import { cliEnv, MAIN, runCli, summaryNumber } from '../support/run-cli';
import {
  closedRows,
  deadLetterRefs,
  produceArgs,
  referenceDeadLetterRefs,
  rowsByKey,
  stockAveragesReference,
} from '../support/stock-averages-kafka';

jest.setTimeout(300_000);

/** Stream threads (`prod --threads N`): N members of one consumer group in one process. */

const tableOf = (db: TestDatabase): ReturnType<typeof orderTable> => orderTable((sql) => db.query(sql));

const ordersArgs = (db: TestDatabase, topic: string, group: string, extra: string[] = []): string[] =>
  mysqlOrdersArgs(db.url, topic, group, ['--dead-letter-topic', `${topic}.dl-${group}`, ...extra]);

describe('hexstream prod --threads (real Kafka and MariaDB)', () => {
  const data = orderPartitions(16_000, 43, 4);
  const expected = referenceOrders(data, { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 });
  const expectedDead = referenceDeadLetterKeys(expected.deadLetters);
  const records = [...data.values()].reduce((n, lines) => n + lines.length, 0);
  let created: { topic: string; remove(): Promise<void> } | undefined;
  const topic = (): string => {
    if (created === undefined) throw new Error('the topic is created in beforeAll');
    return created.topic;
  };
  beforeAll(async () => {
    created = await topicWith(data);
  });
  afterAll(async () => {
    await created?.remove();
  });

  it('--threads 2 on 4 partitions: the reference table, every dead letter, and a summary that adds up exactly', async () => {
    const db = await createTestDatabase();
    const group = uniqueName('threads');
    try {
      const r = runCli(ordersArgs(db, topic(), group, ['--bounded', '--threads', '2']));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await tableOf(db)).toEqual(expected.rows);
      expect(await deadLetterKeys(`${topic()}.dl-${group}`)).toEqual(expectedDead);
      const reasons = (reason: string): number => expected.deadLetters.filter((d) => d.reason === reason).length;
      const summary = {
        read: summaryNumber(r.stdout, 'records read'),
        accepted: summaryNumber(r.stdout, 'accepted'),
        invalid: summaryNumber(r.stdout, 'invalid'),
        late: summaryNumber(r.stdout, 'late'),
        duplicates: summaryNumber(r.stdout, 'duplicates'),
        dead: summaryNumber(r.stdout, 'dead letters'),
      };
      expect(summary).toEqual({
        read: records,
        accepted: expected.accepted,
        invalid: reasons('invalid'),
        late: reasons('late'),
        duplicates: reasons('duplicate'),
        dead: expected.deadLetters.length,
      });
      expect(r.stdout).toMatch(/^elapsed /m);
    } finally {
      await db.drop();
    }
  });

  it('--threads auto: one per core, at most one per partition, said in the log; the reference table', async () => {
    const db = await createTestDatabase();
    const group = uniqueName('threads-auto');
    try {
      const r = runCli([...ordersArgs(db, topic(), group, ['--bounded', '--threads', 'auto']), '--log-level', 'info']);
      expect(r.code).toBe(0);
      const starting = r.stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l['msg'] === 'stream threads starting');
      const expectedThreads = Math.min(availableParallelism(), 4);
      // One thread is a run without threads: nothing to say.
      expect(starting.map((l) => l['threads'])).toEqual(expectedThreads > 1 ? [expectedThreads] : []);
      expect(await tableOf(db)).toEqual(expected.rows);
    } finally {
      await db.drop();
    }
  });

  it('kill -9 of a --threads 2 process mid-stream, then a restart: exactly the reference table', async () => {
    const db = await createTestDatabase();
    const group = uniqueName('threads-crash');
    try {
      for (const delayMs of [900 + Math.random() * 900, 1200 + Math.random() * 900]) {
        const running = startProd([...ordersArgs(db, topic(), group, ['--threads', '2']), '--log-level', 'info']);
        await until(async () => running.logs('pipeline started').length >= 1, 'a thread started its pipeline');
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        running.child.kill('SIGKILL');
        await running.exited;
      }
      const last = runCli(ordersArgs(db, topic(), group, ['--bounded', '--threads', '2']));
      expect(last.stderr).toBe('');
      expect(last.code).toBe(0);
      expect(await tableOf(db)).toEqual(expected.rows);
      expect(await deadLetterKeys(`${topic()}.dl-${group}`)).toEqual(expectedDead);
    } finally {
      await db.drop();
    }
  });

  it('SIGTERM stops every thread gracefully with exit 0; a restart completes the table', async () => {
    const db = await createTestDatabase();
    const group = uniqueName('threads-term');
    try {
      const child = spawn(process.execPath, [MAIN, ...ordersArgs(db, topic(), group, ['--threads', '2'])], {
        env: cliEnv(['prod']),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      // The endpoint shows one run whose partitions are every thread's, and its records read all of them.
      await until(async () => /^endpoint +http/m.test(stdout), 'the endpoint is up');
      const url = /^endpoint +(http\S+)/m.exec(stdout)?.[1] ?? '';
      await until(async () => {
        const metrics = await scrapeMetrics(url);
        const partitions = [0, 1, 2, 3].filter((p) =>
          metrics.has(`hexstream_watermark_timestamp_seconds{job="orders",partition="${p}"}`),
        );
        const read = [...metrics]
          .filter(([name]) => name.startsWith('hexstream_records_total{'))
          .reduce((n, [, v]) => n + v, 0);
        return partitions.length === 4 && read === records;
      }, 'the endpoint shows all 4 partitions and every record read');
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      expect(stdout).toMatch(/^records read/m);
      const last = runCli(ordersArgs(db, topic(), group, ['--bounded', '--threads', '2']));
      expect(last.code).toBe(0);
      expect(await tableOf(db)).toEqual(expected.rows);
    } finally {
      await db.drop();
    }
  });

  it('a thread that fails fails the run: its error line and exit code, never a success', async () => {
    const db = await createTestDatabase();
    const group = uniqueName('threads-fail');
    try {
      const r = runCli([...ordersArgs(db, topic(), group, ['--bounded', '--threads', '2']), '--log-level', 'silent'], {
        env: { HEXSTREAM_FAILPOINTS: 'mysql.before-checkpoint=error@2' },
      });
      expect(r.code).toBe(1);
      expect(r.stdout).not.toMatch(/^records read/m);
      expect(r.stderr).toMatch(
        /^hexstream: SINK_WRITE_FAILED: cannot commit trigger \d+ to agg_order_window on MySQL at mysql:\/\/root@127\.0\.0\.1:3306\/\w+: failpoint mysql\.before-checkpoint \(hit 2\)\n$/,
      );
    } finally {
      await db.drop();
    }
  });
});

describe('hexstream prod --threads --to-kafka (real Kafka)', () => {
  it('stock-averages on 2 threads over 4 partitions, killed once: each closed window exactly once, equal to the reference', async () => {
    const input = uniqueName('trades');
    const output = uniqueName('stocks_averages');
    const checkpoints = uniqueName('checkpoints');
    const group = uniqueName('threads-kafka');
    try {
      const produced = runCli(
        produceArgs('stock-averages', input, { partitions: 4, count: 16_000, seed: 12 }, ['--event-rate', '50']),
      );
      expect(produced.code).toBe(0);
      const data = topicPartitions(await readTopic(input));
      expect(data.size).toBe(4);
      const expected = stockAveragesReference(data);
      const args = [
        ...prodMember({ job: 'stock-averages', topic: input, group }),
        ...toKafka(output, checkpoints),
        '--instance-id',
        'e2e',
        '--threads',
        '2',
        '--trigger-records',
        '100',
        ...quietWithOutbox(group),
      ];
      const child = spawn(process.execPath, [MAIN, ...args], { stdio: 'ignore', env: cliEnv(args) });
      const exit = new Promise((resolve) => child.once('exit', resolve));
      await until(async () => (await topicCount(checkpoints)) >= 40, 'the threads committed some triggers', 90_000);
      child.kill('SIGKILL');
      await exit;
      const last = runCli([...args, '--bounded']);
      expect(last.stderr).toBe('');
      expect(last.code).toBe(0);
      expect(last.stdout).toContain(
        `id hexstream.stock-averages.${group}.e2e … hexstream.stock-averages.${group}.e2e.t1)`,
      );

      const closed = closedRows(expected);
      expect(closed.size).toBeGreaterThan(500);
      const messages = await readTopic(output);
      const keys = messages.map((m) => m.headers['row-key']);
      expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
      expect(rowsByKey(messages)).toEqual(closed);
      expect(await deadLetterRefs(`${input}.dead-letter`)).toEqual(referenceDeadLetterRefs(expected.dead));
    } finally {
      await deleteTopics([input, output, `${input}.dead-letter`, checkpoints]);
    }
  });
});

describe('hexstream prod --threads --job <file> (a job file loaded in each thread)', () => {
  it('session-spend.job.ts on 2 threads writes the same table as on 1', async () => {
    const file = join(__dirname, '..', '..', 'examples', 'session-spend', 'session-spend.job.ts');
    const lines = readFileSync(
      join(__dirname, '..', '..', 'examples', 'session-spend', 'session-spend.sample.jsonl'),
      'utf8',
    )
      .split('\n')
      .filter((l) => l !== '');
    // Keyed by user as a producer would: a user's events in one partition.
    const byUser = new Map<number, string[]>(Array.from({ length: 4 }, (_, p) => [p, []]));
    for (const line of lines) byUser.get(Number(/"user":"u-(\d+)"/.exec(line)?.[1] ?? 0) % 4)?.push(line);
    const input = await topicWith(byUser);
    const dbs = [await createTestDatabase(), await createTestDatabase()];
    try {
      const tables = [];
      for (const [i, threads] of ['1', '2'].entries()) {
        const db = dbs[i] as TestDatabase;
        const group = uniqueName('threads-file');
        const r = runCli([
          ...prodMember({ job: file, topic: input.topic, group }),
          '--mysql',
          db.url,
          '--bounded',
          '--at-end',
          'flush',
          '--threads',
          threads,
          ...quietWithOutbox(group),
        ]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(summaryNumber(r.stdout, 'records read')).toBe(lines.length);
        tables.push(await db.query('SELECT * FROM session_spend ORDER BY user_id, session_start'));
      }
      expect((tables[0] as unknown[]).length).toBeGreaterThan(3);
      const withoutTimes = (rows: unknown): unknown =>
        (rows as Array<Record<string, unknown>>).map(({ updated_at: _u, ...row }) => row);
      expect(withoutTimes(tables[1])).toEqual(withoutTimes(tables[0]));
    } finally {
      await Promise.all(dbs.map((db) => db.drop()));
      await input.remove();
    }
  });
});

describe('hexstream prod --threads: what is refused before anything runs', () => {
  it('more than one thread for a job whose rows combine every key of a window: exit 2, one line', () => {
    const r = runCli(['prod', 'ops@example.com', '--job', 'top-averages', '--threads', '2', '--http', 'off']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'hexstream: --threads: job top-averages combines every key of a window into its rows, so one thread must read all partitions: run it with --threads 1 (or auto, which gives it one)\n',
    );
  });

  it('the same from HEXSTREAM_THREADS, named so; and a count that is no number', () => {
    const env = runCli(['prod', 'ops@example.com', '--job', 'top-price', '--http', 'off'], {
      env: { HEXSTREAM_THREADS: '3' },
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^hexstream: HEXSTREAM_THREADS: job top-price combines every key of a window/);
    const zero = runCli(['prod', 'ops@example.com', '--threads', '0', '--http', 'off']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe('hexstream: --threads: expected a number of threads from 1 to 64, or auto; got "0"\n');
  });
});
