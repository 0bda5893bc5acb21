import { createHash } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import { quoteIdentifier } from '../src/adapters/mysql/mysql-pool';
import { resultTableDdl } from '../src/adapters/mysql/mysql-table';
import { datetimeText } from '../src/adapters/sql/instant-text';
import { decimalText, type SqlValue } from '../src/adapters/sql/sql-values';
import { writtenColumns } from '../src/adapters/sql/upsert-statements';
import { createRng } from '../src/domain/jobs/orders.generator';
import { aggOrderWindowTable } from '../src/domain/jobs/orders.job';

/**
 * The sink's ceiling: a bare mysql2 loop of multi-row `REPLACE INTO agg_order_window` statements
 * (the table the orders job writes, created from the same schema), in transactions, into a fresh
 * database; the connection is set up as the sink sets up its own (UTC, strict mode, READ COMMITTED).
 * Row keys are MD5 hex like the job's, in ten windows written round robin, and each transaction's
 * rows are sorted by the table's key (window_start, rowkey), as the sink sorts them; how the rate
 * holds as the table grows is `sink-growth.ts`'s measure.
 *
 *   usage: mysql-ceiling MYSQL_URL(with database) ROWS ROWS_PER_STATEMENT STATEMENTS_PER_TRANSACTION
 *   prints {rows, statements, transactions, seconds, maxRssKb, marks}; seconds count BEGIN..COMMIT only,
 *   marks are [rows, seconds] after each transaction.
 */
const REGIONS = ['TW', 'TW', 'TW', 'TW', 'TW', 'TW', 'ID', 'ID', 'ID', 'ID', 'ID', 'TH', 'TH', 'SG', 'VN', 'MY', 'PH'];
const START_MS = Date.UTC(2025, 0, 1);
const WINDOW_MS = 60_000;

interface Args {
  readonly url: URL;
  readonly rows: number;
  readonly perStatement: number;
  readonly perTransaction: number;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const connection = await openDatabase(args.url);
  const table = aggOrderWindowTable;
  const columns = writtenColumns(table);
  const prefix = `REPLACE INTO ${quoteIdentifier(table.name, 'table')} (${columns.map((c) => quoteIdentifier(c.name, 'column')).join(',')}) VALUES `;
  const tuple = `(${columns.map(() => '?').join(',')})`;
  const result = await writeRows(connection, args, prefix, tuple, rowMaker());
  await connection.end();
  const { marks, ...totals } = result;
  process.stdout.write(`${JSON.stringify({ ...totals, maxRssKb: process.resourceUsage().maxRSS, marks })}\n`);
}

function parseArgs(argv: readonly string[]): Args {
  const [urlText, rowsText, perStatementText, perTransactionText] = argv;
  const rows = Number(rowsText);
  const perStatement = Number(perStatementText);
  const perTransaction = Number(perTransactionText);
  if (urlText === undefined || ![rows, perStatement, perTransaction].every((n) => Number.isSafeInteger(n) && n > 0)) {
    throw new Error('usage: mysql-ceiling MYSQL_URL ROWS ROWS_PER_STATEMENT STATEMENTS_PER_TRANSACTION');
  }
  return { url: new URL(urlText), rows, perStatement, perTransaction };
}

/** A connection to a fresh database holding the table, set up as the sink sets up its own. */
async function openDatabase(url: URL): Promise<Connection> {
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const connection = await createConnection({
    host: url.hostname,
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    timezone: 'Z',
  });
  await connection.query(
    `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database, 'database')} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  );
  await connection.query(`USE ${quoteIdentifier(database, 'database')}`);
  await connection.query(
    "SET SESSION time_zone = '+00:00', SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
  );
  await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
  await connection.query(resultTableDdl(aggOrderWindowTable));
  return connection;
}

/** Row `i` of the table, drawn from one seeded sequence (rows must be asked for in order). */
function rowMaker(): (i: number) => SqlValue[] {
  const rng = createRng(7);
  const int = (n: number): number => Math.floor(rng() * n);
  return (i) => {
    const startMs = START_MS + (i % 10) * WINDOW_MS;
    const firstMs = startMs + int(WINDOW_MS);
    const count = 1 + int(100);
    return [
      createHash('md5').update(`bench|${i}`).digest('hex'),
      datetimeText(startMs) ?? '',
      datetimeText(startMs + WINDOW_MS) ?? '',
      REGIONS[int(REGIONS.length)] ?? 'TW',
      100_000 + int(1_200),
      100_000 + int(30_000),
      decimalText(BigInt((1 + int(10_000)) * count), 2),
      count,
      1,
      datetimeText(firstMs) ?? '',
      datetimeText(firstMs + int(WINDOW_MS - (firstMs - startMs))) ?? '',
    ];
  };
}

interface WriteResult {
  readonly rows: number;
  readonly statements: number;
  readonly transactions: number;
  readonly seconds: number;
  /** [rows written, seconds so far] after every transaction: the rate at any table size. */
  readonly marks: Array<[number, number]>;
}

async function writeRows(
  connection: Connection,
  args: Args,
  prefix: string,
  tuple: string,
  row: (i: number) => SqlValue[],
): Promise<WriteResult> {
  const { rows, perStatement, perTransaction } = args;
  let written = 0;
  let statements = 0;
  let transactions = 0;
  let nanos = 0n;
  const marks: Array<[number, number]> = [];
  while (written < rows) {
    const n = Math.min(rows - written, perStatement * perTransaction);
    // In the table's key order, (window_start, rowkey), as the sink sorts a trigger's rows.
    const batch = Array.from({ length: n }, (_, k) => row(written + k)).sort((a, b) =>
      String(a[1]) !== String(b[1]) ? (String(a[1]) < String(b[1]) ? -1 : 1) : String(a[0]) < String(b[0]) ? -1 : 1,
    );
    const t0 = process.hrtime.bigint();
    await connection.beginTransaction();
    for (let k = 0; k < n; k += perStatement) {
      const part = batch.slice(k, k + perStatement);
      await connection.query(prefix + new Array<string>(part.length).fill(tuple).join(','), part.flat());
      statements++;
    }
    await connection.commit();
    nanos += process.hrtime.bigint() - t0;
    transactions++;
    written += n;
    marks.push([written, Number(nanos) / 1e9]);
  }
  return { rows: written, statements, transactions, seconds: Number(nanos) / 1e9, marks };
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
