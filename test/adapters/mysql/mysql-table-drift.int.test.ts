import 'reflect-metadata';
import { MySqlSink } from '../../../src/adapters/mysql/mysql-sink.adapter';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import { storeCommitOf } from '../../../src/domain/pipeline/pipeline-output';
import { createTestDatabase, type TestDatabase } from '../../support/mariadb';
import { errorWith } from '../../support/matchers';
import { orderRow, readRenderedTable, rejection, trigger } from './mysql-test-kit';

/**
 * An existing `agg_order_window` that changed since the last run is refused when the sink opens,
 * naming every difference; a table the job can write as its own is used as it is.
 */
describe('MySQL result table drift', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  /** Opens (creating the table if absent) and closes a sink of job `orders` on the test database. */
  async function open(): Promise<void> {
    const sink = new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'g1' });
    try {
      await sink.open(aggOrderWindowTable);
    } finally {
      await sink.close();
    }
  }

  /** The table as the job creates it, then `changes` applied to it. */
  async function changedTable(...changes: string[]): Promise<void> {
    await open();
    for (const change of changes) await db.query(`ALTER TABLE agg_order_window ${change}`);
  }

  async function refusal(): Promise<unknown> {
    const sink = new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'g1' });
    try {
      return await rejection(sink.open(aggOrderWindowTable));
    } finally {
      await sink.close();
    }
  }

  const mismatch = (differences: string): Error =>
    errorWith({
      code: 'TABLE_SCHEMA_MISMATCH',
      message: `table agg_order_window does not match job orders: ${differences}`,
    });

  it('opens the table it created on an earlier run, and writes to it', async () => {
    await open();
    const sink = new MySqlSink({ url: db.url, job: 'orders', consumerGroup: 'g1' });
    try {
      await sink.open(aggOrderWindowTable);
      await sink.commit(storeCommitOf(trigger(0, [orderRow(1)], new Map([[0, 1]]))));
    } finally {
      await sink.close();
    }
    expect([...(await readRenderedTable(db, aggOrderWindowTable)).keys()]).toEqual([orderRow(1).key]);
  });

  it('takes wider texts and extra columns that are nullable or have a default', async () => {
    await changedTable(
      'MODIFY region VARCHAR(200) NOT NULL',
      'MODIFY rowkey VARCHAR(64) NOT NULL',
      'ADD COLUMN note VARCHAR(10) NULL',
      "ADD COLUMN origin VARCHAR(10) NOT NULL DEFAULT 'hexstream'",
      'ADD COLUMN seq INT NOT NULL AUTO_INCREMENT UNIQUE',
    );
    await expect(open()).resolves.toBeUndefined();
  });

  it('refuses a column of another type', async () => {
    await changedTable('MODIFY total_orders DECIMAL(20,2) NOT NULL');
    expect(await refusal()).toEqual(mismatch('column total_orders is DECIMAL(20,2), the job writes BIGINT'));
  });

  it('refuses a missing column', async () => {
    await changedTable('DROP COLUMN updated_at');
    expect(await refusal()).toEqual(mismatch('column updated_at missing'));
  });

  it('refuses another primary key', async () => {
    await changedTable('DROP PRIMARY KEY', 'ADD PRIMARY KEY (region, shop_id, item_id, window_start)');
    expect(await refusal()).toEqual(
      mismatch("primary key is (region, shop_id, item_id, window_start), the job's is (window_start, rowkey)"),
    );
  });

  it("names every difference at once, in the job's column order, then extra columns", async () => {
    await changedTable(
      'MODIFY total_expenditure BIGINT NOT NULL',
      'DROP COLUMN updated_at',
      'ADD COLUMN note VARCHAR(10) NOT NULL',
    );
    expect(await refusal()).toEqual(
      mismatch(
        'column total_expenditure is BIGINT, the job writes DECIMAL(20,2); column updated_at missing; extra column note (NOT NULL without default)',
      ),
    );
  });

  it.each([
    ['a narrower text', 'MODIFY region VARCHAR(8) NOT NULL', 'column region is VARCHAR(8), the job writes VARCHAR(16)'],
    [
      'a case-insensitive collation',
      'MODIFY region VARCHAR(16) COLLATE utf8mb4_general_ci NOT NULL',
      'column region is VARCHAR(16) COLLATE utf8mb4_general_ci, the job writes VARCHAR(16)',
    ],
    [
      'a padded text of another length',
      'MODIFY rowkey CHAR(40) NOT NULL',
      'column rowkey is CHAR(40), the job writes CHAR(32)',
    ],
    [
      'a nullable column',
      'MODIFY shop_id BIGINT NULL',
      'column shop_id is BIGINT NULL, the job writes BIGINT NOT NULL',
    ],
    [
      'an unsigned integer',
      'MODIFY shop_id BIGINT UNSIGNED NOT NULL',
      'column shop_id is BIGINT UNSIGNED, the job writes BIGINT',
    ],
    [
      'a written-at column the server does not stamp',
      "MODIFY updated_at TIMESTAMP(3) NOT NULL DEFAULT '2001-01-01 00:00:00.000'",
      'column updated_at is TIMESTAMP(3), the job writes TIMESTAMP(3) DEFAULT CURRENT_TIMESTAMP(3)',
    ],
  ])('refuses %s', async (_what, change, difference) => {
    await changedTable(change);
    expect(await refusal()).toEqual(mismatch(difference));
  });

  it('writes nothing into a refused table', async () => {
    await changedTable('MODIFY total_orders INT NOT NULL');
    await db.query(
      "INSERT INTO agg_order_window (rowkey, window_start, window_end, region, shop_id, item_id, total_expenditure, total_items_sold, total_orders, first_event_at, last_event_at) VALUES ('k', NOW(3), NOW(3), 'eu', 1, 2, 3.50, 4, 5, NOW(3), NOW(3))",
    );
    expect(await refusal()).toEqual(mismatch('column total_orders is INT, the job writes BIGINT'));
    expect(await db.query('SELECT rowkey, total_orders FROM agg_order_window')).toEqual([
      { rowkey: 'k', total_orders: 5 },
    ]);
    expect(await db.query('SELECT COUNT(*) AS n FROM hexstream_checkpoint')).toEqual([{ n: '0' }]);
  });
});
