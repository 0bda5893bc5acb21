import { anyString } from '../support/matchers';
import { uniqueName } from '../support/kafka-topics';
import { createTestDatabase } from '../support/mariadb';
import { createTestPgDatabase } from '../support/postgres';
import { prodMember, quietWithOutbox } from '../support/prod-args';
import {
  committedPositions,
  deadLetterKeys,
  exitStatusOf,
  groupOffsets,
  ordersInTopic,
  orderTable,
  postgresOrderTable,
  prefixes,
  startProd,
  total,
} from '../support/prod-orders';
import { referenceOrders, type ReferenceRow } from '../support/reference-orders';
import { runCli } from '../support/run-cli';

jest.setTimeout(300_000);

const SEMANTICS = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };
/**
 * Triggers of exactly this many records: `--trigger-records` with a time trigger that never comes
 * (`--trigger-interval 1h`) while the topic has more to read, so commit k holds positions summing
 * to k × TRIGGER_RECORDS.
 */
const TRIGGER_RECORDS = 500;
const KILLED_COMMIT = 3;

/** Where the rows go: MariaDB or PostgreSQL, as the reference's rows and the committed positions. */
interface Store {
  readonly args: readonly string[];
  table(): Promise<Map<string, ReferenceRow>>;
  positions(group: string): Promise<Map<number, number>>;
  drop(): Promise<void>;
}

async function mariadb(): Promise<Store> {
  const db = await createTestDatabase();
  return {
    args: ['--mysql', db.url],
    table: () => orderTable((sql) => db.query(sql)),
    positions: (group) => committedPositions(db, group),
    drop: () => db.drop(),
  };
}

async function postgres(): Promise<Store> {
  const db = await createTestPgDatabase();
  return {
    args: ['--postgres', db.url],
    table: () => postgresOrderTable(db),
    positions: (group) => committedPositions(db, group),
    drop: () => db.drop(),
  };
}

interface Crash {
  readonly store: Store;
  readonly group: string;
  readonly deadLetterTopic: string;
  /** `--kafka-client` (default kafkajs). */
  readonly client?: 'kafkajs' | 'platformatic';
}

function prodArgs(topic: string, crash: Crash, extra: readonly string[]): string[] {
  const { store, group, deadLetterTopic } = crash;
  return [
    ...prodMember({ topic, group }),
    ...store.args,
    '--dead-letter-topic',
    deadLetterTopic,
    '--trigger-records',
    String(TRIGGER_RECORDS),
    ...quietWithOutbox(group),
    ...(crash.client === 'platformatic' ? ['--kafka-client', 'platformatic'] : []),
    ...extra,
  ];
}

/** Runs prod with HEXSTREAM_FAILPOINTS=`spec` until failpoint `name` kills it; returns the log lines saying it fired. */
async function runUntilKilled(
  topic: string,
  crash: Crash,
  name: string,
  spec: string,
): Promise<Array<Record<string, unknown>>> {
  const prod = startProd(prodArgs(topic, crash, ['--trigger-interval', '1h']), { HEXSTREAM_FAILPOINTS: spec });
  const status = await exitStatusOf(prod.child, `${spec} kills prod`);
  expect({ ...status, stderr: prod.stderr() }).toEqual({ code: null, signal: 'SIGKILL', stderr: anyString() });
  return prod.logs(`failpoint ${name} fired: kill`);
}

const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;

describe('prod killed by a failpoint in the middle of a commit (real Kafka, MariaDB and PostgreSQL)', () => {
  const orders = ordersInTopic(6_000, 43);
  const { data, expected, expectedDead } = orders;

  /** A bounded restart exits 0 and ends with the reference table and every dead letter. */
  async function restartCompletes(crash: Crash): Promise<void> {
    const restart = runCli(prodArgs(orders.topic, crash, ['--bounded']));
    expect(restart.stderr).toBe('');
    expect(restart.code).toBe(0);
    expect(await crash.store.table()).toEqual(expected.rows);
    expect(await deadLetterKeys(crash.deadLetterTopic)).toEqual(expectedDead);
  }

  /**
   * Kills prod at `failpoint` on the third commit, checks what the database and Kafka hold then
   * (`atKill`), restarts it bounded and checks the table equals the reference, dead letters too.
   */
  async function crashAndRecover(
    open: () => Promise<Store>,
    failpoint: string,
    atKill: (db: Map<number, number>, kafka: Map<number, number>) => void,
    client: 'kafkajs' | 'platformatic' = 'kafkajs',
  ): Promise<void> {
    const crash: Crash = {
      store: await open(),
      group: uniqueName('fp'),
      deadLetterTopic: `${orders.topic}.${uniqueName('dl')}`,
      client,
    };
    try {
      const fired = await runUntilKilled(orders.topic, crash, failpoint, `${failpoint}=kill@${KILLED_COMMIT}`);
      expect(fired.map((l) => [l.failpoint, l.action, l.hit])).toEqual([[failpoint, 'kill', KILLED_COMMIT]]);

      const committed = await crash.store.positions(crash.group);
      atKill(committed, await groupOffsets(crash.group, orders.topic));
      // Exactly what the committed positions cover is in the table: nothing of the killed transaction.
      expect(await crash.store.table()).toEqual(referenceOrders(prefixes(data, committed), SEMANTICS).rows);

      await restartCompletes(crash);
    } finally {
      await crash.store.drop();
    }
  }

  /** Killed inside the transaction: the database and Kafka's group offsets both still hold the previous commit. */
  const previousCommitOnly = (db: Map<number, number>, kafka: Map<number, number>): void => {
    expect(total(db)).toBe((KILLED_COMMIT - 1) * TRIGGER_RECORDS);
    expect(kafka).toEqual(db);
  };

  it('mysql.before-checkpoint: dies between the rows and the positions; none of its rows are visible, the restart completes the table', async () => {
    await crashAndRecover(mariadb, 'mysql.before-checkpoint', previousCommitOnly);
  });

  it('mysql.before-commit: dies just before COMMIT; the transaction is rolled back, the restart completes the table', async () => {
    await crashAndRecover(mariadb, 'mysql.before-commit', previousCommitOnly);
  });

  it.each(KAFKA_CLIENTS)(
    'kafka.before-offset-commit: dies after COMMIT; rows and positions are in, Kafka’s group offsets are a commit behind, and the restart resumes from the database (--kafka-client %s)',
    async (client) => {
      await crashAndRecover(
        mariadb,
        'kafka.before-offset-commit',
        (db, kafka) => {
          expect(total(db)).toBe(KILLED_COMMIT * TRIGGER_RECORDS);
          expect(total(kafka)).toBe((KILLED_COMMIT - 1) * TRIGGER_RECORDS);
          for (const [p, offset] of kafka) expect(offset).toBeLessThanOrEqual(db.get(p) ?? 0);
        },
        client,
      );
    },
  );

  it('mysql.before-commit with --kafka-client platformatic: dies just before COMMIT; the restart, the same static member, completes the table', async () => {
    await crashAndRecover(mariadb, 'mysql.before-commit', previousCommitOnly, 'platformatic');
  });

  it('postgres.before-checkpoint: dies between the rows and the positions in PostgreSQL; the restart completes the table', async () => {
    await crashAndRecover(postgres, 'postgres.before-checkpoint', previousCommitOnly);
  });

  it('mysql.before-checkpoint=error: the commit fails, the run exits 1 naming it, and a restart completes the table', async () => {
    const crash: Crash = {
      store: await mariadb(),
      group: uniqueName('fp-error'),
      deadLetterTopic: `${orders.topic}.${uniqueName('dl')}`,
    };
    try {
      const failed = runCli(
        prodArgs(orders.topic, crash, ['--bounded', '--trigger-interval', '1h', '--log-level', 'silent']),
        { env: { HEXSTREAM_FAILPOINTS: 'mysql.before-checkpoint=error@2' } },
      );
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(
        /^hexstream: SINK_WRITE_FAILED: cannot commit trigger 1 to agg_order_window on MySQL at mysql:\/\/root@127\.0\.0\.1:3306\/\w+: failpoint mysql\.before-checkpoint \(hit 2\)\n$/,
      );
      expect(total(await crash.store.positions(crash.group))).toBe(TRIGGER_RECORDS);

      await restartCompletes(crash);
    } finally {
      await crash.store.drop();
    }
  });
});
