import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resultTableDdl } from '../../src/adapters/mysql/mysql-table';
import { aggOrderWindowTable } from '../../src/domain/jobs/orders.job';
import { createTestDatabase } from '../support/mariadb';
import { mysqlOrderTable } from '../support/order-table';
import { referenceOrders } from '../support/reference-orders';
import { stringMatching } from '../support/matchers';
import { ENDPOINT_LINE, runCli } from '../support/run-cli';

jest.setTimeout(120_000);

/**
 * `agg_order_window` as an older job wrote it: `total_orders` a decimal, no `updated_at`, and a
 * column `note` added by hand that every insert would have to set.
 */
const CHANGED_TABLE = `CREATE TABLE agg_order_window (
  rowkey CHAR(32) NOT NULL, window_start DATETIME(3) NOT NULL, window_end DATETIME(3) NOT NULL,
  region VARCHAR(16) NOT NULL, shop_id BIGINT NOT NULL, item_id BIGINT NOT NULL,
  total_expenditure DECIMAL(20,2) NOT NULL, total_items_sold BIGINT NOT NULL, total_orders DECIMAL(20,2) NOT NULL,
  first_event_at DATETIME(3) NOT NULL, last_event_at DATETIME(3) NOT NULL, note VARCHAR(64) NOT NULL,
  PRIMARY KEY (rowkey)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;

const MISMATCH =
  "table agg_order_window does not match job orders: column total_orders is DECIMAL(20,2), the job writes BIGINT; column updated_at missing; extra column note (NOT NULL without default); primary key is (rowkey), the job's is (window_start, rowkey)";

const SEMANTICS = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };
const SAMPLE = resolve(__dirname, '..', '..', 'samples', 'orders.jsonl');

/** `batch` of job orders from the file `input` into the MariaDB database `url`. */
const batchArgs = (input: string, url: string, deadLetters: string, outbox: string): string[] => [
  'batch',
  'ops@example.com',
  '--job',
  'orders',
  '--input',
  input,
  '--mysql',
  url,
  '--dead-letter',
  deadLetters,
  '--outbox',
  outbox,
];

describe('hexstream batch into a MariaDB whose result table changed since the last run', () => {
  it('exits 2 with one line naming every difference, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-drift-'));
    const db = await createTestDatabase();
    try {
      await db.query(CHANGED_TABLE);
      const input = join(dir, 'orders.jsonl');
      copyFileSync(SAMPLE, input);
      const deadLetters = join(dir, 'dead.jsonl');
      const outbox = join(dir, 'outbox');
      const run = runCli(batchArgs(input, db.url, deadLetters, outbox));
      expect(run.stderr).toBe(`hexstream: ${MISMATCH}\n`);
      expect(run.code).toBe(2);
      // Only the endpoint's address, printed before the run found the table.
      expect(run.stdout).toMatch(new RegExp(`${ENDPOINT_LINE.source}$`));
      expect(await db.query('SELECT COUNT(*) AS n FROM agg_order_window')).toEqual([{ n: '0' }]);
      expect(await db.query('SELECT COUNT(*) AS n FROM hexstream_checkpoint')).toEqual([{ n: '0' }]);
      expect(existsSync(deadLetters)).toBe(false);
      // The run failed, so the operator gets the alert e-mail, which says the same.
      const mails = readdirSync(outbox);
      expect(mails).toEqual([stringMatching(/-alert-[0-9a-f]+\.eml$/)]);
      expect(readFileSync(join(outbox, mails[0] ?? ''), 'utf8')).toContain(
        `The batch run of job orders failed:\r\n\r\n${MISMATCH}`,
      );
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('re-keys a table keyed by rowkey, as earlier versions made it, keeps its rows and writes the reference table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-rekey-'));
    const db = await createTestDatabase();
    try {
      await db.query(resultTableDdl({ ...aggOrderWindowTable, primaryKey: ['rowkey'] }));
      // A row an earlier run wrote, of a window this input does not touch.
      await db.query(
        `INSERT INTO agg_order_window (rowkey, window_start, window_end, region, shop_id, item_id, total_expenditure,
           total_items_sold, total_orders, first_event_at, last_event_at)
         VALUES ('${'f'.repeat(32)}', '2020-01-01 00:00:00', '2020-01-01 00:01:00', 'TW', 1, 2, 3.50, 4, 5,
           '2020-01-01 00:00:01', '2020-01-01 00:00:59')`,
      );
      const before = await mysqlOrderTable(db);
      const lines = readFileSync(SAMPLE, 'utf8').split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      const expected = referenceOrders(new Map([[0, lines]]), SEMANTICS);
      const run = runCli(batchArgs(SAMPLE, db.url, join(dir, 'dead.jsonl'), join(dir, 'outbox')));
      expect(run.code).toBe(0);
      // A warning: shown at batch's default log level.
      const logged = run.stderr.split('\n').filter((l) => l !== '');
      expect(logged.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
        'migrating table agg_order_window: primary key (rowkey) becomes (window_start, rowkey), which rebuilds the table; writes wait until it is done',
      ]);
      const key = await db.query(
        "SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'agg_order_window' AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
      );
      expect(key.map((r) => r['name'])).toEqual(['window_start', 'rowkey']);
      expect(await mysqlOrderTable(db)).toEqual(new Map([...before, ...expected.rows]));
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
