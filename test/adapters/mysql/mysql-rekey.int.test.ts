import 'reflect-metadata';
import { MySqlSink } from '../../../src/adapters/mysql/mysql-sink.adapter';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import { storeCommitOf } from '../../../src/domain/pipeline/pipeline-output';
import type { TableSchema } from '../../../src/domain/table-schema';
import type { LoggerPort } from '../../../src/ports/logger.port';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb';
import { errorWith } from '../../support/matchers';
import { orderRow, readRenderedTable, rejection, trigger } from './mysql-test-kit';

/** agg_order_window as versions before the key (window_start, rowkey) created it. */
const OLD_TABLE: TableSchema = { ...aggOrderWindowTable, primaryKey: ['rowkey'] };

const MIGRATED =
  'migrating table agg_order_window: primary key (rowkey) becomes (window_start, rowkey), which rebuilds the table; writes wait until it is done';

/**
 * A result table keyed by a subset of the job's key (agg_order_window keyed by `rowkey`, as earlier
 * versions made it) is re-keyed when the sink opens it, once, keeping its rows; any other key is
 * still refused.
 */
describe('MySQL result table re-keying', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  /** A logger keeping its warnings. */
  function recorder(): { logger: LoggerPort; lines: string[] } {
    const lines: string[] = [];
    const ignore = (): void => undefined;
    return { lines, logger: { debug: ignore, info: ignore, warn: (m) => lines.push(m), error: ignore } };
  }

  /** Writes `rows` through a sink of `table` in one trigger, positions moved to `position`. */
  async function write(table: TableSchema, rows: ReturnType<typeof orderRow>[], position: number): Promise<void> {
    const sink = new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'g1' });
    try {
      await sink.open(table);
      await sink.commit(storeCommitOf(trigger(0, rows, new Map([[0, position]]))));
    } finally {
      await sink.close();
    }
  }

  const primaryKey = async (): Promise<string[]> =>
    (
      await db.query(
        "SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'agg_order_window' AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
      )
    ).map((r) => String(r['name']));

  it('re-keys a table keyed by rowkey, keeps its rows, and the run goes on from its checkpoint', async () => {
    await write(OLD_TABLE, [orderRow(0), orderRow(1), orderRow(2, { cents: 5 })], 3);
    const before = await readRenderedTable(db, aggOrderWindowTable);
    const { logger, lines } = recorder();
    const sink = new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'g1' }, logger);
    try {
      const checkpoint = await sink.open(aggOrderWindowTable);
      expect([lines, await primaryKey(), checkpoint?.positions]).toEqual([
        [MIGRATED],
        ['window_start', 'rowkey'],
        new Map([[0, 3]]),
      ]);
      expect(await readRenderedTable(db, aggOrderWindowTable)).toEqual(before);
      // An update of a row written before, and a new row: upserted on the new key.
      await sink.commit(storeCommitOf(trigger(1, [orderRow(2, { cents: 7 }), orderRow(3)], new Map([[0, 5]]))));
    } finally {
      await sink.close();
    }
    // The table a run writing all of it into the new layout makes.
    const fresh = await createTestDatabase();
    try {
      const reference = new MySqlSink({ url: fresh.url, job: 'orders', consumerGroup: 'g1' });
      try {
        await reference.open(aggOrderWindowTable);
        await reference.commit(
          storeCommitOf(trigger(0, [orderRow(0), orderRow(1), orderRow(2, { cents: 7 }), orderRow(3)], new Map())),
        );
      } finally {
        await reference.close();
      }
      const withoutStamp = (t: Map<string, Record<string, unknown>>): unknown[] =>
        [...t].map(([key, { updated_at: _stamp, ...row }]) => [key, row]).sort();
      expect(withoutStamp(await readRenderedTable(db, aggOrderWindowTable))).toEqual(
        withoutStamp(await readRenderedTable(fresh, aggOrderWindowTable)),
      );
    } finally {
      await fresh.drop();
    }
  });

  it('re-keys once when instances open the old table together', async () => {
    await write(OLD_TABLE, [orderRow(0), orderRow(1)], 2);
    const { logger, lines } = recorder();
    const sinks = [0, 1, 2].map(() => new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'g1' }, logger));
    try {
      await Promise.all(sinks.map((s) => s.open(aggOrderWindowTable)));
    } finally {
      await Promise.all(sinks.map((s) => s.close()));
    }
    expect([lines, await primaryKey(), (await readRenderedTable(db, aggOrderWindowTable)).size]).toEqual([
      [MIGRATED],
      ['window_start', 'rowkey'],
      2,
    ]);
  });

  it('refuses a table keyed by rowkey that differs in anything else too, and leaves its key', async () => {
    await write(OLD_TABLE, [orderRow(0)], 1);
    await db.query('ALTER TABLE agg_order_window MODIFY total_orders INT NOT NULL');
    const sink = new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'g1' });
    try {
      expect(await rejection(sink.open(aggOrderWindowTable))).toEqual(
        errorWith({
          code: 'TABLE_SCHEMA_MISMATCH',
          message:
            "table agg_order_window does not match job orders: column total_orders is INT, the job writes BIGINT; primary key is (rowkey), the job's is (window_start, rowkey)",
        }),
      );
    } finally {
      await sink.close();
    }
    expect(await primaryKey()).toEqual(['rowkey']);
  });

  it('refuses a key with a column the job key lacks', async () => {
    await write(OLD_TABLE, [orderRow(0)], 1);
    await db.query('ALTER TABLE agg_order_window DROP PRIMARY KEY, ADD PRIMARY KEY (rowkey, region)');
    const sink = new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'g1' });
    try {
      expect(await rejection(sink.open(aggOrderWindowTable))).toEqual(
        errorWith({
          code: 'TABLE_SCHEMA_MISMATCH',
          message:
            "table agg_order_window does not match job orders: primary key is (rowkey, region), the job's is (window_start, rowkey)",
        }),
      );
    } finally {
      await sink.close();
    }
  });
});
