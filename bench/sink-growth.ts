import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { MySqlSink } from '../src/adapters/mysql/mysql-sink.adapter';
import { quoteIdentifier } from '../src/adapters/mysql/mysql-pool';
import type { ResultRow } from '../src/domain/records';
import type { TableSchema } from '../src/domain/table-schema';
import { aggOrderWindowTable } from '../src/domain/jobs/orders.job';
import { fmt } from './common';
import { MYSQL } from './prod-bench-config';

/**
 * The sink's speed as its table grows: MySqlSink commits of agg_order_window rows (each trigger the
 * rows of a new one-minute window, as a streaming run writes them) into a table of 0, 1M and 5M rows,
 * for the table keyed by `rowkey` alone (the MD5: each new row lands at a random place of InnoDB's
 * clustered index) and by `(window_start, rowkey)` (new windows append). The server is the machine's,
 * as configured (its buffer pool decides how far the first layout falls). Rows to reach a size are
 * put in with one INSERT … SELECT from MariaDB's sequence engine, in the table's key order (fast
 * for both layouts), with windows before the measured ones.
 *
 *   node .cache/bench-build/bench/sink-growth.js      (BENCH_MYSQL: the server, default root@127.0.0.1:3306)
 */
const START_MS = Date.UTC(2025, 0, 1);
const WINDOW_MS = 60_000;
/** Rows of one window: the groups a minute of the bench's orders touches, about. */
const GROUPS = 6_000;
/** A measurement is the best of this many parts. */
const PARTS = 3;
const REGIONS = ['TW', 'ID', 'TH', 'SG', 'VN', 'MY', 'PH'];

export interface GrowthPoint {
  /** Rows in the table when the measurement began. */
  readonly tableRows: number;
  readonly rowsPerSecond: number;
  /** Pages the server read from disk per 1,000 rows written (server-wide: other clients count too). */
  readonly diskReadsPer1000: number;
}

export interface GrowthResult {
  readonly layout: 'rowkey' | 'window_start, rowkey';
  readonly points: readonly GrowthPoint[];
  /** Rate at the largest table over the rate at the empty one. */
  readonly ratio: number;
}

export interface GrowthOptions {
  /** Server URL without a database. */
  readonly url?: string;
  /** Table sizes to measure at, ascending. */
  readonly sizes?: readonly number[];
  /** Rows written per measurement (a multiple of 3 windows of 6,000 rows). */
  readonly rowsPerPoint?: number;
  readonly log?: (line: string) => void;
}

/** Both layouts, one after the other, each in a database of its own (dropped after). */
export async function sinkGrowth(options: GrowthOptions = {}): Promise<GrowthResult[]> {
  const results: GrowthResult[] = [];
  for (const primaryKey of [['rowkey'], ['window_start', 'rowkey']]) {
    results.push(await oneLayout({ ...aggOrderWindowTable, primaryKey }, options));
  }
  return results;
}

async function oneLayout(table: TableSchema, options: GrowthOptions): Promise<GrowthResult> {
  const server = (options.url ?? MYSQL).replace(/\/+$/, '');
  const sizes = options.sizes ?? [0, 1_000_000, 5_000_000];
  const perPoint = options.rowsPerPoint ?? 30 * GROUPS;
  const log = options.log ?? ((line: string) => console.log(line));
  const layout = table.primaryKey.join(', ') as GrowthResult['layout'];
  const database = `hexstream_growth_${table.primaryKey.length}_${process.pid}`;
  const sink = new MySqlSink({ url: `${server}/${database}`, job: 'bench-growth', consumerGroup: 'bench' });
  await sink.open(table);
  const sql = await connect(server, database);
  const state = { window: 0, rows: 0, sequence: 0 };
  const points: GrowthPoint[] = [];
  try {
    // One window first: the process and the server warm up before anything is timed.
    await writeWindows(sink, state, 3 * GROUPS);
    for (const size of sizes) {
      if (size > state.rows) {
        const started = Date.now();
        await fill(sql, table, state, size - state.rows);
        log(
          `  sink growth (${layout}): table filled to ${fmt(state.rows)} rows in ${((Date.now() - started) / 1000).toFixed(0)} s`,
        );
      }
      await settle(sql, log);
      const tableRows = state.rows;
      const readsBefore = await diskReads(sql);
      // The best of three parts: the machine is shared, and a part slowed by another process says nothing of the table.
      let rowsPerSecond = 0;
      for (let part = 0; part < PARTS; part++) {
        rowsPerSecond = Math.max(rowsPerSecond, perPoint / PARTS / (await writeWindows(sink, state, perPoint / PARTS)));
      }
      const diskReadsPer1000 = ((await diskReads(sql)) - readsBefore) / (perPoint / 1000);
      points.push({ tableRows, rowsPerSecond, diskReadsPer1000 });
      log(
        `  sink growth (${layout}): ${fmt(rowsPerSecond)} rows/s into a table of ${fmt(tableRows)} rows, ${diskReadsPer1000.toFixed(1)} page reads per 1,000 rows`,
      );
    }
  } finally {
    await sink.close();
    await sql.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database, 'database')}`);
    await sql.end();
  }
  const first = points[0]?.rowsPerSecond ?? 0;
  const last = points[points.length - 1]?.rowsPerSecond ?? 0;
  return { layout, points, ratio: first === 0 ? 0 : last / first };
}

async function connect(server: string, database: string): Promise<Connection> {
  const url = new URL(server);
  const connection = await createConnection({
    host: url.hostname,
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
    timezone: 'Z',
  });
  await connection.query("SET SESSION time_zone = '+00:00'");
  return connection;
}

interface State {
  window: number;
  rows: number;
  sequence: number;
}

/** Commits `rows` rows, a window's worth a trigger, through the sink; returns the seconds it took. */
async function writeWindows(sink: MySqlSink, state: State, rows: number): Promise<number> {
  let nanos = 0n;
  for (let done = 0; done < rows; done += GROUPS) {
    const batch = windowRows(state.window, Math.min(GROUPS, rows - done));
    const started = process.hrtime.bigint();
    await sink.commit({
      sequence: state.sequence,
      rows: batch,
      positions: new Map([[0, state.sequence + 1]]),
      closedUpToMs: START_MS + state.window * WINDOW_MS,
      engineState: new Map([[0, '{}']]),
    });
    nanos += process.hrtime.bigint() - started;
    state.sequence++;
    state.window++;
    state.rows += batch.length;
  }
  return Number(nanos) / 1e9;
}

/** The rows of window `w`, group by group, as the orders job makes them. */
function windowRows(w: number, count: number): ResultRow[] {
  const startMs = START_MS + w * WINDOW_MS;
  const rows: ResultRow[] = [];
  for (let g = 0; g < count; g++) {
    const region = REGIONS[g % REGIONS.length] ?? 'TW';
    const shop = 100_000 + (g % 1_200);
    const item = 100_000 + g;
    const rowkey = createHash('md5')
      .update(`${startMs}|${startMs + WINDOW_MS}|${region}|${shop}|${item}`)
      .digest('hex');
    const values = {
      rowkey,
      window_start: startMs,
      window_end: startMs + WINDOW_MS,
      region,
      shop_id: shop,
      item_id: item,
      total_expenditure: 1_999 * (1 + (g % 7)),
      total_items_sold: 1 + (g % 7),
      total_orders: 1,
      first_event_at: startMs + (g % WINDOW_MS),
      last_event_at: startMs + (g % WINDOW_MS),
    };
    rows.push({ key: `${startMs}|${rowkey}`, finalAtMs: startMs + WINDOW_MS, values });
  }
  return rows;
}

/** Adds `rows` rows of the windows after the last written, in the table's key order. */
async function fill(sql: Connection, table: TableSchema, state: State, rows: number): Promise<void> {
  const windows = Math.ceil(rows / GROUPS);
  const start = `TIMESTAMPADD(MINUTE, ${state.window} + seq DIV ${GROUPS}, '2025-01-01 00:00:00.000')`;
  const rowkey = `MD5(CONCAT('fill|', ${state.window}, '|', seq))`;
  const order = table.primaryKey.length === 1 ? 'rowkey' : 'window_start, rowkey';
  await sql.query(
    `INSERT INTO ${quoteIdentifier(table.name, 'table')}
       (rowkey, window_start, window_end, region, shop_id, item_id, total_expenditure, total_items_sold,
        total_orders, first_event_at, last_event_at)
     SELECT * FROM (SELECT ${rowkey} AS rowkey, ${start} AS window_start, TIMESTAMPADD(MINUTE, 1, ${start}) AS window_end,
        ELT(1 + seq % 7, 'TW', 'ID', 'TH', 'SG', 'VN', 'MY', 'PH') AS region, 100000 + seq % 1200 AS shop_id,
        100000 + seq % ${GROUPS} AS item_id, 19.99 AS total_expenditure, 1 AS total_items_sold, 1 AS total_orders,
        ${start} AS first_event_at, ${start} AS last_event_at
       FROM seq_0_to_${rows - 1}) AS filled ORDER BY ${order}`,
  );
  state.window += windows;
  state.rows += rows;
}

/** Pages InnoDB has read from disk since the server started: what a write that misses the buffer pool waits on. */
async function diskReads(sql: Connection): Promise<number> {
  const [rows] = await sql.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_reads'");
  return Number(rows[0]?.['Value'] ?? 0);
}

/** Dirty pages the buffer pool may hold for the server to count as settled: a tenth of them. */
const SETTLED_DIRTY_SHARE = 0.1;
/** Or their count stopped falling for this long (other writers on a shared server keep some dirty). */
const SETTLED_STEADY_MS = 10_000;
const SETTLE_LIMIT_MS = 180_000;

/**
 * Waits until the server has written out the pages a fill made dirty (a fill of millions of rows
 * leaves the pool dirty and the redo log full, and their flushing would be timed with the sink's
 * writes): a tenth of the pool or less dirty, or no fewer for 10 s, or 3 minutes.
 */
async function settle(sql: Connection, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  let lowest = Infinity;
  let lowestAt = started;
  for (;;) {
    const [rows] = await sql.query<RowDataPacket[]>(
      "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_pages_dirty', 'Innodb_buffer_pool_pages_total')",
    );
    const value = (name: string): number => Number(rows.find((r) => r['Variable_name'] === name)?.['Value'] ?? 0);
    const dirty = value('Innodb_buffer_pool_pages_dirty');
    const total = value('Innodb_buffer_pool_pages_total');
    const now = Date.now();
    if (dirty < lowest) {
      lowest = dirty;
      lowestAt = now;
    }
    if (
      dirty <= SETTLED_DIRTY_SHARE * total ||
      now - lowestAt >= SETTLED_STEADY_MS ||
      now - started > SETTLE_LIMIT_MS
    ) {
      log(
        `  sink growth: waited ${((now - started) / 1000).toFixed(0)} s for dirty pages to be written (${fmt(dirty)} of ${fmt(total)} left)`,
      );
      return;
    }
    await sleep(1_000);
  }
}

function report(results: readonly GrowthResult[]): void {
  console.log('sink rows/s as the table grows (MySqlSink, agg_order_window, a new window per trigger):');
  for (const r of results) {
    const points = r.points
      .map((p) => `${fmt(p.rowsPerSecond)} at ${fmt(p.tableRows)} (${p.diskReadsPer1000.toFixed(1)} reads/1k rows)`)
      .join(', ');
    console.log(`  key (${r.layout}): ${points}; largest/empty ${r.ratio.toFixed(2)}`);
  }
  console.log('  target: largest/empty >= 0.8 for the key (window_start, rowkey)');
}

if (require.main === module) {
  sinkGrowth()
    .then(report)
    .catch((e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
}

export { report as reportSinkGrowth };
