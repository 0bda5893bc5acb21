import { createTestDatabase, type TestDatabase } from '../support/mariadb';
import { uniqueName } from '../support/kafka-topics';
import { ordersInTopic, orderTable } from '../support/prod-orders';
import type { ReferenceRow } from '../support/reference-orders';
import { runCli } from '../support/run-cli';

jest.setTimeout(300_000);

const WATERMARK_MS = 10_000;

const tableOf = (db: TestDatabase): ReturnType<typeof orderTable> => orderTable((sql) => db.query(sql));

/** A summary line as the CLI prints it: the label in 15 columns, the count right-aligned in 12, then the rest. */
function summaryLine(label: string, n: number, rest: string): string {
  return `${label.padEnd(15)}${n.toLocaleString('en-US').padStart(12)}${rest}`;
}

describe('the end of prod --bounded (real Kafka and MariaDB), append mode', () => {
  const orders = ordersInTopic(6_000, 47);
  const { expected } = orders;
  // Windows close once every partition's watermark (its max event time − 10 s) passed their end.
  const closedUpTo = Math.min(...[...expected.maxEventMs.values()].map((t) => t - WATERMARK_MS));
  const closed = new Map<string, ReferenceRow>(
    [...expected.rows].filter(([, r]) => Date.parse(r.window_end) <= closedUpTo),
  );
  const open = [...expected.rows.values()].filter((r) => Date.parse(r.window_end) > closedUpTo);
  const openWindows = new Set(open.map((r) => r.window_start)).size;

  const args = (db: TestDatabase, extra: readonly string[]): string[] => [
    'prod',
    'ops@example.com',
    '--topic',
    orders.topic,
    '--group',
    uniqueName('end'),
    '--mysql',
    db.url,
    '--dead-letter-topic',
    `${orders.topic}.${uniqueName('dl')}`,
    '--output-mode',
    'append',
    '--bounded',
    '--log-level',
    'error',
    '--outbox',
    `/tmp/${uniqueName('outbox')}`,
    ...extra,
  ];

  it('keeps the windows still open for the next run by default, and says how many rows stay open', async () => {
    expect(open.length).toBeGreaterThan(0);
    const db = await createTestDatabase();
    try {
      const r = runCli(args(db, []));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await tableOf(db)).toEqual(closed);
      expect(r.stdout).toContain(
        summaryLine(
          '  still open',
          open.length,
          `  rows in ${openWindows} window${openWindows === 1 ? '' : 's'}, kept for the next run (--at-end keep)`,
        ),
      );
    } finally {
      await db.drop();
    }
  });

  it('with --at-end flush, writes every row that test writes, and says so', async () => {
    const db = await createTestDatabase();
    try {
      const r = runCli(args(db, ['--at-end', 'flush']));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(await tableOf(db)).toEqual(expected.rows);
      expect(r.stdout).toContain(summaryLine('rows written', expected.rows.size, '  → '));
      expect(r.stdout).toContain(
        summaryLine(
          '  still open',
          0,
          '  (every open window was written (--at-end flush); a later run takes records for them as late)',
        ),
      );
    } finally {
      await db.drop();
    }
  });
});
