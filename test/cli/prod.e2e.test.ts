import { spawn } from 'node:child_process';
import { createTestDatabase, type TestDatabase } from '../support/mariadb';
import { appendTo, topicWith, uniqueName } from '../support/kafka-topics';
import {
  deadLetterKeys,
  exitOf,
  orderPartitions,
  ordersInTopic,
  orderTable,
  readBy,
  until,
} from '../support/prod-orders';
import { mysqlOrdersArgs } from '../support/prod-args';
import { referenceOrders } from '../support/reference-orders';
import { cliEnv, MAIN, runCli } from '../support/run-cli';

jest.setTimeout(300_000);

const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;

const SEMANTICS = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };

const tableOf = (db: TestDatabase): ReturnType<typeof orderTable> => orderTable((sql) => db.query(sql));

const prodArgs = (db: TestDatabase, topic: string, group: string, extra: string[] = []): string[] =>
  mysqlOrdersArgs(db.url, topic, group, extra);

describe('hexstream prod (real Kafka and MariaDB)', () => {
  const orders = ordersInTopic(12_000, 41);
  const { data, expected, expectedDead } = orders;

  it('writes the reference table and every dead letter, reading the topic to its end', async () => {
    const db = await createTestDatabase();
    try {
      const r = runCli(
        prodArgs(db, orders.topic, uniqueName('g'), ['--bounded', '--dead-letter-topic', `${orders.topic}.dl1`]),
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await tableOf(db)).toEqual(expected.rows);
      expect(await deadLetterKeys(`${orders.topic}.dl1`)).toEqual(expectedDead);
      // A second bounded run finds nothing new and changes nothing.
      const again = runCli(
        prodArgs(db, orders.topic, uniqueName('g2'), ['--bounded', '--dead-letter-topic', `${orders.topic}.dl1b`]),
      );
      expect(again.code).toBe(0);
      expect(await tableOf(db)).toEqual(expected.rows);
    } finally {
      await db.drop();
    }
  });

  // Both Kafka clients; with platformatic each restart rejoins as the same static member (same --instance-id).
  it.each(KAFKA_CLIENTS)(
    'ends with exactly the reference table after kill -9 at three random moments (--kafka-client %s)',
    async (client) => {
      const db = await createTestDatabase();
      const group = uniqueName('crash');
      const withClient = ['--kafka-client', client];
      const dlq = `${orders.topic}.dl2-${client}`;
      try {
        for (const delayMs of [700 + Math.random() * 800, 900 + Math.random() * 900, 1100 + Math.random() * 900]) {
          const child = spawn(
            process.execPath,
            [MAIN, ...prodArgs(db, orders.topic, group, ['--dead-letter-topic', dlq, ...withClient])],
            { env: cliEnv(['prod']), stdio: 'ignore' },
          );
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          child.kill('SIGKILL');
          await new Promise((resolve) => child.once('exit', resolve));
        }
        const last = runCli(
          prodArgs(db, orders.topic, group, ['--bounded', '--dead-letter-topic', dlq, ...withClient]),
        );
        expect(last.stderr).toBe('');
        expect(last.code).toBe(0);
        expect(await tableOf(db)).toEqual(expected.rows);
        expect(await deadLetterKeys(dlq)).toEqual(expectedDead);
      } finally {
        await db.drop();
      }
    },
  );

  it('stops gracefully on SIGTERM with exit 0, and a restart completes the table', async () => {
    const db = await createTestDatabase();
    const group = uniqueName('term');
    try {
      const child = spawn(process.execPath, [MAIN, ...prodArgs(db, orders.topic, group)], {
        env: cliEnv(['prod']),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      expect(stdout).toMatch(/^records read/m);
      const last = runCli(prodArgs(db, orders.topic, group, ['--bounded']));
      expect(last.code).toBe(0);
      expect(await tableOf(db)).toEqual(expected.rows);
    } finally {
      await db.drop();
    }
  });

  it('reprocesses nothing after a graceful stop: the restart reads only the records that came after it', async () => {
    const half = (from: 'head' | 'tail'): Map<number, string[]> =>
      new Map(
        [...data].map(([p, lines]) => [
          p,
          from === 'head' ? lines.slice(0, lines.length >> 1) : lines.slice(lines.length >> 1),
        ]),
      );
    const size = (m: Map<number, string[]>): number => [...m.values()].reduce((n, l) => n + l.length, 0);
    const head = half('head');
    const tail = half('tail');
    const growing = await topicWith(head);
    const db = await createTestDatabase();
    const group = uniqueName('graceful');
    try {
      const child = spawn(process.execPath, [MAIN, ...prodArgs(db, growing.topic, group)], {
        env: cliEnv(['prod']),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = exitOf(child);
      let stdout = '';
      child.stdout?.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      const committed = async (): Promise<number> => {
        const rows = await db
          .query('SELECT COALESCE(SUM(next_position), 0) AS n FROM hexstream_checkpoint WHERE consumer_group = ?', [
            group,
          ])
          .catch(() => [{ n: 0 }]);
        return Number(rows[0]?.n);
      };
      await until(async () => (await committed()) === size(head), 'the first half is committed');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(readBy(stdout)).toBe(size(head));
      const [snap] = await db.query('SELECT COUNT(*) AS n FROM hexstream_snapshot WHERE consumer_group = ?', [group]);
      expect(Number(snap?.n)).toBeGreaterThan(0);

      await appendTo(growing.topic, tail);
      const last = runCli(prodArgs(db, growing.topic, group, ['--bounded']));
      expect(last.stderr).toBe('');
      expect(last.code).toBe(0);
      // Not one record of the first half is read again, not even the open windows'.
      expect(readBy(last.stdout)).toBe(size(tail));
      expect(last.stdout).not.toMatch(/re-read to rebuild/);
      expect(await tableOf(db)).toEqual(expected.rows);
    } finally {
      await db.drop();
      await growing.remove();
    }
  });

  it.each(KAFKA_CLIENTS)(
    'shares the partitions between two instances of one group and still ends with the reference table (--kafka-client %s)',
    async (client) => {
      const data6 = orderPartitions(30_000, 77, 6);
      const expected6 = referenceOrders(data6, SEMANTICS);
      const topic6 = await topicWith(data6);
      const db = await createTestDatabase();
      const group = uniqueName('scale');
      try {
        // Concurrent instances of one group: each its own --instance-id (a static member with the platformatic client).
        const withClient = (id: string): string[] =>
          client === 'platformatic' ? ['--kafka-client', client, '--instance-id', id] : [];
        const start = (
          id: string,
        ): { child: ReturnType<typeof spawn>; out: () => string; exited: Promise<number | null> } => {
          const child = spawn(
            process.execPath,
            [MAIN, ...prodArgs(db, topic6.topic, group, ['--trigger-records', '300', ...withClient(id)])],
            { env: cliEnv(['prod']), stdio: ['ignore', 'pipe', 'inherit'] },
          );
          const exited = exitOf(child);
          let stdout = '';
          child.stdout?.on('data', (d: Buffer) => {
            stdout += d.toString();
          });
          return { child, out: () => stdout, exited };
        };
        const a = start('a');
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const b = start('b');
        await new Promise((resolve) => setTimeout(resolve, 6000));
        a.child.kill('SIGTERM');
        b.child.kill('SIGTERM');
        expect(await a.exited).toBe(0);
        expect(await b.exited).toBe(0);
        // Both did part of the work: the first reads; the second, joining later, may find every
        // record read already and only re-read the open windows of the partitions it took over
        // (counted apart: each record is counted once, by the instance that read it first).
        const rereadBy = (out: string): number =>
          Number((/and ([\d,]+) re-read to rebuild/.exec(out)?.[1] ?? '0').replace(/,/g, ''));
        expect(readBy(a.out())).toBeGreaterThan(0);
        expect(readBy(b.out()) + rereadBy(b.out())).toBeGreaterThan(0);
        const last = runCli(prodArgs(db, topic6.topic, group, ['--bounded', ...withClient('a')]));
        expect(last.stderr).toBe('');
        expect(last.code).toBe(0);
        expect(await tableOf(db)).toEqual(expected6.rows);
      } finally {
        await db.drop();
        await topic6.remove();
      }
    },
  );
});
