import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase } from '../support/mariadb';
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
  'table agg_order_window does not match job orders: column total_orders is DECIMAL(20,2), the job writes BIGINT; column updated_at missing; extra column note (NOT NULL without default)';

describe('hexstream batch into a MariaDB whose result table changed since the last run', () => {
  it('exits 2 with one line naming every difference, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-drift-'));
    const db = await createTestDatabase();
    try {
      await db.query(CHANGED_TABLE);
      const input = join(dir, 'orders.jsonl');
      copyFileSync(resolve(__dirname, '..', '..', 'samples', 'orders.jsonl'), input);
      const deadLetters = join(dir, 'dead.jsonl');
      const outbox = join(dir, 'outbox');
      const run = runCli([
        'batch',
        'ops@example.com',
        '--job',
        'orders',
        '--input',
        input,
        '--mysql',
        db.url,
        '--dead-letter',
        deadLetters,
        '--outbox',
        outbox,
      ]);
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
});
