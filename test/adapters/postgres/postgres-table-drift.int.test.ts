import 'reflect-metadata';
import { PostgresSink } from '../../../src/adapters/postgres/postgres-sink.adapter';
import { aggOrderWindowTable } from '../../../src/domain/jobs/orders.job';
import { storeCommitOf } from '../../../src/domain/pipeline/pipeline-output';
import { createTestPgDatabase, type TestPgDatabase } from '../../support/postgres';
import { errorWith } from '../../support/matchers';
import { orderRow, rejection, trigger } from '../mysql/mysql-test-kit';

/**
 * An existing `agg_order_window` that changed since the last run is refused when the sink opens,
 * naming every difference, and left as it was; a table the job can write as its own is used as it is.
 */
describe('PostgreSQL result table drift', () => {
  let db: TestPgDatabase;

  beforeEach(async () => {
    db = await createTestPgDatabase();
  });
  afterEach(async () => {
    await db.drop();
  });

  const sinkOf = (): PostgresSink => new PostgresSink({ url: db.url, job: 'orders', consumerGroup: 'g1' });

  /** Opens (creating the database and table if absent) and closes a sink of job `orders`. */
  async function open(): Promise<void> {
    const sink = sinkOf();
    try {
      await sink.open(aggOrderWindowTable);
    } finally {
      await sink.close();
    }
  }

  /** The table as the job creates it, then `changes` applied to it. */
  async function changedTable(...changes: string[]): Promise<void> {
    await open();
    await db.query(`ALTER TABLE agg_order_window ${changes.join(', ')}`);
  }

  async function refusal(): Promise<unknown> {
    const sink = sinkOf();
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
    const sink = sinkOf();
    try {
      await sink.open(aggOrderWindowTable);
      await sink.commit(storeCommitOf(trigger(0, [orderRow(1)], new Map([[0, 1]]))));
    } finally {
      await sink.close();
    }
    expect(await db.query('SELECT rowkey FROM agg_order_window')).toEqual([{ rowkey: orderRow(1).values['rowkey'] }]);
  });

  it('takes wider texts and extra columns that are nullable or have a default', async () => {
    await changedTable(
      'ALTER COLUMN region TYPE TEXT',
      'ALTER COLUMN rowkey TYPE VARCHAR(64)',
      'ADD COLUMN note VARCHAR(10) NULL',
      "ADD COLUMN origin VARCHAR(10) NOT NULL DEFAULT 'hexstream'",
      'ADD COLUMN seq INT GENERATED ALWAYS AS IDENTITY',
    );
    await expect(open()).resolves.toBeUndefined();
  });

  it('refuses a column of another type', async () => {
    await changedTable('ALTER COLUMN total_orders TYPE NUMERIC(20,2)');
    expect(await refusal()).toEqual(mismatch('column total_orders is NUMERIC(20,2), the job writes BIGINT'));
  });

  it('refuses a missing column', async () => {
    await changedTable('DROP COLUMN updated_at');
    expect(await refusal()).toEqual(mismatch('column updated_at missing'));
  });

  it('refuses another primary key', async () => {
    await changedTable(
      'DROP CONSTRAINT agg_order_window_pkey',
      'ADD PRIMARY KEY (region, shop_id, item_id, window_start)',
    );
    expect(await refusal()).toEqual(
      mismatch("primary key is (region, shop_id, item_id, window_start), the job's is (window_start, rowkey)"),
    );
  });

  it("names every difference at once, in the job's column order, then extra columns", async () => {
    await changedTable(
      'ALTER COLUMN total_expenditure TYPE BIGINT',
      'DROP COLUMN updated_at',
      'ADD COLUMN note VARCHAR(10) NOT NULL',
    );
    expect(await refusal()).toEqual(
      mismatch(
        'column total_expenditure is BIGINT, the job writes NUMERIC(20,2); column updated_at missing; extra column note (NOT NULL without default)',
      ),
    );
  });

  it.each([
    [
      'a narrower text',
      'ALTER COLUMN region TYPE VARCHAR(8)',
      'column region is VARCHAR(8), the job writes VARCHAR(16)',
    ],
    ['a padded text', 'ALTER COLUMN region TYPE CHAR(16)', 'column region is CHAR(16), the job writes VARCHAR(16)'],
    [
      'a nullable column',
      'ALTER COLUMN shop_id DROP NOT NULL',
      'column shop_id is BIGINT NULL, the job writes BIGINT NOT NULL',
    ],
    [
      'a written-at column without a default',
      'ALTER COLUMN updated_at DROP DEFAULT',
      'column updated_at is TIMESTAMPTZ(3), the job writes TIMESTAMPTZ(3) DEFAULT now()',
    ],
  ])('refuses %s', async (_what, change, difference) => {
    await changedTable(change);
    expect(await refusal()).toEqual(mismatch(difference));
  });

  it('leaves a refused table as it was: a legacy timestamp column is not converted', async () => {
    await changedTable('ALTER COLUMN window_end TYPE TIMESTAMP(3)', 'ALTER COLUMN total_orders TYPE INTEGER');
    expect(await refusal()).toEqual(mismatch('column total_orders is INTEGER, the job writes BIGINT'));
    expect(
      await db.query(
        "SELECT column_name AS c, data_type AS t FROM information_schema.columns WHERE table_name = 'agg_order_window' AND column_name IN ('window_end', 'total_orders') ORDER BY column_name",
      ),
    ).toEqual([
      { c: 'total_orders', t: 'integer' },
      { c: 'window_end', t: 'timestamp without time zone' },
    ]);
  });
});
