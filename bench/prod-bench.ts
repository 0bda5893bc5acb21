import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { decodeOrder, orderRowKey, ordersJob } from '../src/domain/jobs/orders.job';
import { slidingWindows, windowStartsFor } from '../src/domain/windowing/window-spec';
import { startOwnKafka, type OwnKafka } from '../scripts/own-kafka';
import { Child, cpuSecondsOf, field, fmt, MAIN, runNode, WORK } from './common';

/**
 * The prod half of `npm run bench`, on a real Kafka broker and MariaDB/MySQL:
 *
 *   one topic of COUNT orders, 6 partitions keyed by shopid, 10 minutes of event time
 *     (a) bare kafkajs consumer + JSON.parse             → the source ceiling, records/s
 *     (b) bare mysql2 multi-row REPLACE INTO loop        → the sink ceiling, rows/s
 *     (c) prod --bounded, append and update mode         → records/s, rows/record, peak RSS
 *   a fresh topic, produced at 20,000 orders/s with wall-clock event times
 *     (d) prod (unbounded, update) + a 1-s MySQL sampler → event-to-table latency p50/p99
 *
 * (b) is also reported at (c)'s final table size, since a row costs more once the table outgrows the
 * InnoDB buffer pool; (c) shows prod's and the server's CPU seconds (Linux /proc) to tell which side
 * is busy. (d)'s sampled rows are written to .cache/bench/latency-samples.csv.
 *
 * Everything it creates (topics, consumer groups, databases) is named hexstream-bench-<run> /
 * hexstream_bench_<run>_… and removed at the end.
 *
 * Kafka: the broker named by BENCH_BROKERS, else a broker of the bench's own on a free pair of ports
 * with a fresh data dir (scripts/kafka-broker.ts), stopped and removed at the end; a broker on 9092
 * is never used unless named.
 *
 * Environment: BENCH_BROKERS (default: a broker of its own), BENCH_MYSQL (server
 * URL without database, default mysql://root@127.0.0.1:3306), BENCH_SINK_ROWS (rows for (b),
 * default max(COUNT, 500000)), BENCH_LIVE_RATE (20000), BENCH_LIVE_COUNT (200000).
 */
export interface ProdBenchOptions {
  readonly count: number;
  readonly eventSeconds: number;
}

const PARTITIONS = 6;
/** Bootstrap servers: BENCH_BROKERS, or those of the broker the bench starts (set before any use). */
let BROKERS = process.env.BENCH_BROKERS ?? '';
const MYSQL = (process.env.BENCH_MYSQL ?? 'mysql://root@127.0.0.1:3306').replace(/\/+$/, '');
const LIVE_RATE = Number(process.env.BENCH_LIVE_RATE ?? 20_000);
const LIVE_COUNT = Number(process.env.BENCH_LIVE_COUNT ?? 200_000);
const SINK_ROWS_PER_STATEMENT = 1_000;
const SINK_STATEMENTS_PER_TRANSACTION = 10;
const SAMPLE_EVERY_MS = 1_000;
const SAMPLE_LIMIT = 2_000;
const TABLE = ordersJob.table.name;
const EMAIL = 'bench@example.com';
const LABEL = 38;

interface Resources {
  readonly topics: string[];
  readonly groups: string[];
  readonly databases: string[];
  /** The broker started here, to be stopped at the end. */
  broker: OwnKafka | undefined;
}

interface ProdRun {
  readonly records: number;
  readonly rows: number;
  readonly elapsed: number;
  readonly rssMb: number;
  readonly tableRows: number;
}

export async function prodBenchmark(options: ProdBenchOptions): Promise<void> {
  const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const res: Resources = { topics: [], groups: [], databases: [], broker: undefined };
  const sinkRows = Number(process.env.BENCH_SINK_ROWS ?? Math.max(options.count, 500_000));
  mkdirSync(WORK, { recursive: true });

  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> => (cleaning ??= cleanUp(res));
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`bench: ${signal}, cleaning up\n`);
    Child.killAll();
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (BROKERS === '') {
      res.broker = await startOwnKafka();
      BROKERS = res.broker.brokers;
    }
    const admin = kafkaAdmin();
    await admin.connect();
    const sql = await mysqlConnection(MYSQL);
    await findServerPid(sql);
    try {
      await measure(options, run, sinkRows, res, admin, sql);
    } finally {
      await admin.disconnect().catch(() => undefined);
      await sql.end().catch(() => undefined);
    }
  } finally {
    Child.killAll();
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function measure(
  options: ProdBenchOptions,
  run: string,
  sinkRows: number,
  res: Resources,
  admin: Admin,
  sql: Connection,
): Promise<void> {
  const { count, eventSeconds } = options;
  const topic = `hexstream-bench-${run}`;
  const db = (what: string): string => {
    const name = `hexstream_bench_${run}_${what}`;
    res.databases.push(name);
    return name;
  };
  const group = (what: string): string => {
    const name = `${topic}-${what}`;
    res.groups.push(name);
    return name;
  };

  // ---- the topic: COUNT orders, 6 partitions keyed by shopid, 10 minutes of event time
  res.topics.push(topic);
  const produced = await runNode([
    MAIN,
    'produce',
    '--to',
    'kafka',
    '--brokers',
    BROKERS,
    '--topic',
    topic,
    '--partitions',
    String(PARTITIONS),
    '--count',
    String(count),
    '--seed',
    '1',
    '--event-rate',
    String(count / eventSeconds),
  ]);
  const perPartition = await topicSizes(admin, topic);
  const total = perPartition.reduce((a, b) => a + b, 0);
  if (total !== count) throw new Error(`topic ${topic} holds ${total} records, expected ${count}`);
  console.log(
    `hexstream prod bench: ${fmt(count)} orders on Kafka topic ${topic}, ${PARTITIONS} partitions keyed by shopid ` +
      `(${fmt(Math.min(...perPartition))}..${fmt(Math.max(...perPartition))} per partition), ${eventSeconds / 60} minutes of event time ` +
      `(produced in ${produced.seconds.toFixed(1)} s, ${fmt(count / produced.seconds)}/s)`,
  );

  // ---- (a) the source ceiling
  const a = JSON.parse(
    (await runNode([join(__dirname, 'kafka-ceiling.js'), BROKERS, topic, group('ceiling'), String(total)])).stdout,
  ) as { records: number; parsed: number; seconds: number; joinSeconds: number; maxRssKb: number };
  const aRate = a.records / a.seconds;
  console.log(
    `${'(a) kafkajs consumer + JSON.parse'.padEnd(LABEL)}${fmt(aRate).padStart(9)} records/s  ${a.seconds.toFixed(2).padStart(6)} s   peak RSS ${fmt(a.maxRssKb / 1024).padStart(4)} MB   ` +
      `(${a.joinSeconds.toFixed(2)} s of it connecting and joining the group; ${fmt(a.parsed)} parsed)`,
  );

  // ---- (b) the sink ceiling
  const sinkDatabase = db('sink');
  const b = JSON.parse(
    (
      await runNode([
        join(__dirname, 'mysql-ceiling.js'),
        `${MYSQL}/${sinkDatabase}`,
        String(sinkRows),
        String(SINK_ROWS_PER_STATEMENT),
        String(SINK_STATEMENTS_PER_TRANSACTION),
      ])
    ).stdout,
  ) as {
    rows: number;
    statements: number;
    transactions: number;
    seconds: number;
    maxRssKb: number;
    marks: Array<[number, number]>;
  };
  const bRate = b.rows / b.seconds;
  // Rows get dearer as the table outgrows the buffer pool: (c) is compared with (b) at (c)'s table size.
  const bRateAt = (rows: number): number => rows / secondsAt(b.marks, rows);
  const bufferPoolMb = (await serverVariable(sql, 'innodb_buffer_pool_size')) / 2 ** 20;
  const quarter = [0.25, 0.5, 0.75].map((q) => Math.round((b.rows * q) / 1000) * 1000);
  console.log(
    `${`(b) mysql2 REPLACE INTO ${TABLE}`.padEnd(LABEL)}${fmt(bRate).padStart(9)} rows/s     ${b.seconds.toFixed(2).padStart(6)} s   peak RSS ${fmt(b.maxRssKb / 1024).padStart(4)} MB   ` +
      `(${fmt(b.rows)} rows, ${SINK_ROWS_PER_STATEMENT} rows/statement, ${SINK_STATEMENTS_PER_TRANSACTION} statements/transaction)\n` +
      `${''.padEnd(LABEL)}over its first ${quarter.map((n) => fmt(n)).join(' / ')} rows: ${quarter.map((n) => fmt(bRateAt(n))).join(' / ')} rows/s; ` +
      `table ${fmt(await tableMb(sql, sinkDatabase))} MB at the end, InnoDB buffer pool ${fmt(bufferPoolMb)} MB`,
  );

  // ---- (c) prod --bounded, each mode on a fresh database and group
  const c = new Map<string, ProdRun>();
  const ceilings = new Map<string, number>();
  for (const mode of ['append', 'update']) {
    const database = db(mode);
    const deadLetters = `${topic}-${mode}.dead-letter`;
    res.topics.push(deadLetters);
    const serverCpuBefore = serverCpu();
    const r = await runNode([
      MAIN,
      'prod',
      EMAIL,
      '--brokers',
      BROKERS,
      '--topic',
      topic,
      '--group',
      group(mode),
      '--mysql',
      `${MYSQL}/${database}`,
      '--bounded',
      '--output-mode',
      mode,
      '--dead-letter-topic',
      deadLetters,
      '--outbox',
      join(WORK, `outbox-${mode}`),
      '--log-level',
      'warn',
    ]);
    const serverCpuSeconds = (serverCpu() ?? NaN) - (serverCpuBefore ?? NaN);
    const p = prodSummary(r.stdout, await tableRows(sql, database));
    c.set(mode, p);
    const rate = p.records / p.elapsed;
    const rowsPerRecord = p.rows / p.records;
    const rowsRate = p.rows / p.elapsed;
    const bMatched = bRateAt(p.tableRows);
    const bAsRecords = bMatched / rowsPerRecord;
    const [bindingName, binding] = aRate <= bAsRecords ? ['(a)', aRate] : ['(b)', bAsRecords];
    ceilings.set(mode, binding);
    console.log(
      `${`(c) prod --bounded, ${mode}`.padEnd(LABEL)}${fmt(rate).padStart(9)} records/s  ${p.elapsed.toFixed(2).padStart(6)} s   peak RSS ${fmt(p.rssMb).padStart(4)} MB   ` +
        `rows ${fmt(p.rows)} (${rowsPerRecord.toFixed(2)}/record) = ${fmt(rowsRate)} rows/s into ${fmt(p.tableRows)} rows, ${fmt(await tableMb(sql, database))} MB\n` +
        `${''.padEnd(LABEL)}(c)/(a) = ${(rate / aRate).toFixed(2)}   (c) rows/s / (b) = ${(rowsRate / bRate).toFixed(2)}, / (b) over its first ${fmt(p.tableRows)} rows (${fmt(bMatched)} rows/s) = ${(rowsRate / bMatched).toFixed(2)}\n` +
        `${''.padEnd(LABEL)}binding ceiling ${bindingName}: ${fmt(binding)} records/s` +
        `${bindingName === '(b)' ? ` (${fmt(bMatched)} rows/s / ${rowsPerRecord.toFixed(2)} rows/record; (a) is ${fmt(aRate)})` : ` ((b) allows ${fmt(bAsRecords)})`} → (c) = ${(rate / binding).toFixed(2)} of it\n` +
        `${''.padEnd(LABEL)}CPU: prod ${r.cpuSeconds.toFixed(1)} s in ${r.seconds.toFixed(1)} s of wall time (${((100 * r.cpuSeconds) / r.seconds).toFixed(0)} % of one core)` +
        `${Number.isFinite(serverCpuSeconds) ? `, MariaDB server ${serverCpuSeconds.toFixed(1)} s (all its clients)` : ''}`,
    );
  }

  // ---- (d) latency at a fixed produce rate
  const live = await latency(run, res, admin, db('live'), group('live'), group('join'));
  const liveRows = live.prod;
  console.log(
    `(d) latency at ${fmt(LIVE_RATE)} orders/s (${fmt(LIVE_COUNT)} orders, sent at ${fmt(live.produceRate)}/s by Kafka timestamps), prod update mode, trigger 1 s: ` +
      `read ${fmt(liveRows.records)}, rows ${fmt(liveRows.rows)}, peak RSS ${fmt(liveRows.rssMb)} MB, ` +
      `CPU ${(100 * live.prodCpuShare).toFixed(0)} % of one core, ${Number.isFinite(live.secondsPerTrigger) ? `a commit every ${live.secondsPerTrigger.toFixed(2)} s while orders came` : 'commit cadence not measured (fewer than two commits seen while orders came)'}`,
  );
  const line = (label: string, xs: readonly number[], extra: string): void => {
    const s = stats(xs);
    console.log(`    ${label.padEnd(58)} p50 ${secs(s.p50)}   p99 ${secs(s.p99)}   max ${secs(s.max)}   ${extra}`);
  };
  line(
    'event-to-table  updated_at − last_event_at',
    live.eventToTable,
    `(${fmt(live.eventToTable.length)} rows in ${live.polls} polls)`,
  );
  line(
    'send-to-table   updated_at − Kafka timestamp of newest order',
    live.sendToTable,
    `(${fmt(live.sendToTable.length)} rows joined)`,
  );
  line(
    'commit lag      checkpoint updated_at − rows’ updated_at',
    live.commitLag,
    `(${fmt(live.commitLag.length)} polls)`,
  );
  console.log(
    [
      '    method: once a second, in one consistent snapshot, `SELECT rowkey, total_orders, last_event_at, updated_at FROM agg_order_window',
      `    WHERE updated_at > <newest seen> ORDER BY updated_at DESC LIMIT ${SAMPLE_LIMIT}\` and the group's newest hexstream_checkpoint.updated_at;`,
      '    percentiles over every sampled row, from the start of produce until prod had committed all orders. updated_at is the server time',
      '    of the REPLACE; the rows become visible at COMMIT, after the checkpoint write (commit lag: newest checkpoint − newest row, per poll).',
      "    last_event_at is the largest event time in the row: it carries the generator's ±2 s event-time jitter, and in update mode a row",
      '    rewritten for an order with an earlier event time shows the older maximum. send-to-table is jitter-free: after the run the topic',
      '    is read again and each sampled row is matched to the Kafka CreateTime (set when produce sent it) of its total_orders-th order',
      '    in offset order, the newest order that version of the row holds.',
    ].join('\n'),
  );

  // ---- targets
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  const cRatios = [...c].map(([mode, p]) => {
    const ratio = p.records / p.elapsed / (ceilings.get(mode) ?? NaN);
    return `${mode} ${ratio.toFixed(2)} ${verdict(ratio >= 0.8)}`;
  });
  const p99 = stats(live.eventToTable).p99;
  const rss = [...[...c].map(([mode, p]) => [mode, p.rssMb] as const), ['live', liveRows.rssMb] as const];
  console.log(
    `targets: (c) >= 0.8 of the binding ceiling min((a), (b) at (c)'s table size / rows-per-record): ${cRatios.join(', ')};  (d) p99 <= 2 s: ${secs(p99)} ${verdict(p99 <= 2000)};  ` +
      `peak RSS <= 300 MB: ${rss.map(([mode, mb]) => `${mode} ${fmt(mb)} MB ${verdict(mb <= 300)}`).join(', ')}`,
  );
}

// ------------------------------------------------------------------------------------- (d)

interface LatencyResult {
  readonly prod: ProdRun;
  /** CPU seconds of prod per second of its wall time. */
  readonly prodCpuShare: number;
  /** Seconds between commits while orders were produced. */
  readonly secondsPerTrigger: number;
  readonly produceRate: number;
  readonly polls: number;
  readonly eventToTable: number[];
  readonly sendToTable: number[];
  readonly commitLag: number[];
}

interface Sample {
  readonly rowkey: string;
  readonly orders: number;
  readonly eventMs: number;
  readonly updatedMs: number;
}

async function latency(
  run: string,
  res: Resources,
  admin: Admin,
  database: string,
  group: string,
  joinGroup: string,
): Promise<LatencyResult> {
  const topic = `hexstream-bench-live-${run}`;
  const deadLetters = `${topic}.dead-letter`;
  res.topics.push(topic, deadLetters);
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
  });

  const prod = new Child([
    MAIN,
    'prod',
    EMAIL,
    '--brokers',
    BROKERS,
    '--topic',
    topic,
    '--group',
    group,
    '--mysql',
    `${MYSQL}/${database}`,
    '--output-mode',
    'update',
    '--dead-letter-topic',
    deadLetters,
    '--outbox',
    join(WORK, 'outbox-live'),
    '--log-level',
    'info',
  ]);
  await prod.waitForStderr(/pipeline started/, 120_000);

  const sql = await mysqlConnection(`${MYSQL}/${database}`);
  const samples: Sample[] = [];
  const commitLag: number[] = [];
  /** [time, newest commit_seq] per poll while orders are produced: the trigger cadence. */
  const triggers: Array<[number, number]> = [];
  let polls = 0;
  let newest = '1970-01-01 00:00:00.000';
  let producing = true;
  const poll = async (): Promise<void> => {
    await sql.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
    const [rows] = await sql.query<RowDataPacket[]>(
      `SELECT rowkey, total_orders AS n, updated_at AS u, ROUND(UNIX_TIMESTAMP(last_event_at) * 1000) AS ev, ROUND(UNIX_TIMESTAMP(updated_at) * 1000) AS up
       FROM ${TABLE} WHERE updated_at > ? ORDER BY updated_at DESC LIMIT ${SAMPLE_LIMIT}`,
      [newest],
    );
    const [checkpoint] = await sql.query<RowDataPacket[]>(
      'SELECT ROUND(UNIX_TIMESTAMP(MAX(updated_at)) * 1000) AS c, MAX(commit_seq) AS seq FROM hexstream_checkpoint WHERE consumer_group = ?',
      [group],
    );
    await sql.query('COMMIT');
    polls++;
    const seq = Number(checkpoint[0]?.seq);
    if (producing && Number.isFinite(seq)) triggers.push([Date.now(), seq]);
    const first = rows[0];
    if (first === undefined) return;
    newest = String(first.u);
    for (const r of rows)
      samples.push({ rowkey: String(r.rowkey), orders: Number(r.n), eventMs: Number(r.ev), updatedMs: Number(r.up) });
    // The newest rows belong to the newest committed trigger, whose checkpoint row is the newest; while
    // orders keep coming every trigger has rows, so the pair is one trigger's (after that, empty
    // triggers may move the checkpoint alone).
    const committedMs = Number(checkpoint[0]?.c);
    if (producing && Number.isFinite(committedMs) && committedMs >= Number(first.up))
      commitLag.push(committedMs - Number(first.up));
  };
  let sampling = true;
  const sampler = (async (): Promise<void> => {
    for (let next = Date.now(); sampling; next += SAMPLE_EVERY_MS) {
      await sleep(Math.max(0, next - Date.now()));
      if (sampling) await poll();
    }
  })();

  let prodExit: Awaited<Child['done']>;
  let topicTotal: number;
  let liveRows = 0;
  try {
    await runNode([
      MAIN,
      'produce',
      '--to',
      'kafka',
      '--brokers',
      BROKERS,
      '--topic',
      topic,
      '--partitions',
      String(PARTITIONS),
      '--rate',
      String(LIVE_RATE),
      '--count',
      String(LIVE_COUNT),
      '--seed',
      '2',
    ]);
    producing = false;
    topicTotal = (await topicSizes(admin, topic)).reduce((x, y) => x + y, 0);
    // Caught up = the checkpoint's positions (the next offset per partition) add up to the topic's size.
    const deadline = Date.now() + 180_000;
    for (;;) {
      const [rows] = await sql.query<RowDataPacket[]>(
        'SELECT COALESCE(SUM(next_position), 0) AS n FROM hexstream_checkpoint WHERE consumer_group = ?',
        [group],
      );
      if (Number(rows[0]?.n) >= topicTotal) break;
      if (Date.now() > deadline)
        throw new Error(`prod did not commit all ${topicTotal} records of ${topic} within 180 s of the end of produce`);
      await sleep(200);
    }
    sampling = false;
    await sampler;
    await poll();
    liveRows = await tableRows(sql, database);
  } finally {
    sampling = false;
    await sampler.catch(() => undefined);
    await sql.end().catch(() => undefined);
    prod.signal('SIGTERM');
    const timer = setTimeout(() => prod.signal('SIGKILL'), 60_000);
    prodExit = await prod.done;
    clearTimeout(timer);
  }
  if (prodExit.code !== 0)
    throw new Error(
      `${prod.describe()} ended with ${prodExit.code ?? prodExit.signal}: ${prodExit.stderr.slice(-4000)}`,
    );

  const { sentAt, firstMs, lastMs } = await kafkaTimestamps(topic, joinGroup, topicTotal);
  const eventToTable = samples.map((s) => s.updatedMs - s.eventMs);
  const sendToTable: number[] = [];
  const csv = ['rowkey,total_orders,last_event_ms,updated_ms,newest_order_sent_ms'];
  for (const s of samples) {
    // The row as written holds the first `total_orders` orders of its key, in offset order.
    const ts = sentAt.get(s.rowkey)?.[s.orders - 1];
    if (ts !== undefined) sendToTable.push(s.updatedMs - ts);
    csv.push(`${s.rowkey},${s.orders},${s.eventMs},${s.updatedMs},${ts ?? ''}`);
  }
  writeFileSync(join(WORK, 'latency-samples.csv'), `${csv.join('\n')}\n`);
  return {
    prod: prodSummary(prodExit.stdout, liveRows),
    prodCpuShare: prod.cpuSeconds / prodExit.seconds,
    secondsPerTrigger: cadence(triggers),
    produceRate: (topicTotal - 1) / Math.max(0.001, (lastMs - firstMs) / 1000),
    polls,
    eventToTable,
    sendToTable,
    commitLag,
  };
}

/**
 * Reads the topic once more (a new group, after the run): per row key, the Kafka timestamps
 * (CreateTime: when produce sent it) of the orders the job accepts into that row, in offset order.
 * All orders of a row share a shop id, hence a partition, so offset order is the order the engine
 * adds them in, and a row written with total_orders = n holds exactly the first n. Skipped as the
 * engine skips them: malformed records, repeated order ids, and orders whose window had closed
 * (window end at or behind the partition's max event time − the job's watermark).
 */
async function kafkaTimestamps(
  topic: string,
  groupId: string,
  total: number,
): Promise<{ sentAt: Map<string, number[]>; firstMs: number; lastMs: number }> {
  let firstMs = Infinity;
  let lastMs = -Infinity;
  const spec = slidingWindows(ordersJob.defaults.windowMs, ordersJob.defaults.slideMs);
  const sentAt = new Map<string, number[]>();
  const seenIds = new Set<number>();
  const maxEventMs = new Map<number, number>();
  const consumer = new Kafka({
    clientId: 'hexstream-bench-join',
    brokers: BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  }).consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let read = 0;
    await new Promise<void>((done, fail) => {
      consumer.on(consumer.events.CRASH, (event) => {
        if (!event.payload.restart) fail(event.payload.error);
      });
      const timer = setTimeout(() => fail(new Error(`read ${read} of ${total} records of ${topic} in 120 s`)), 120_000);
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              read++;
              const ts = Number(m.timestamp);
              firstMs = Math.min(firstMs, ts);
              lastMs = Math.max(lastMs, ts);
              const decoded = m.value === null ? undefined : decodeOrder(m.value.toString('utf8'));
              if (decoded === undefined || !decoded.ok) continue;
              const o = decoded.event;
              const closedUpTo = (maxEventMs.get(batch.partition) ?? -Infinity) - ordersJob.defaults.watermarkMs;
              maxEventMs.set(batch.partition, Math.max(maxEventMs.get(batch.partition) ?? -Infinity, o.eventMs));
              const starts = windowStartsFor(spec, o.eventMs).filter((start) => start + spec.lengthMs > closedUpTo);
              if (starts.length === 0 || seenIds.has(o.orderid)) continue;
              seenIds.add(o.orderid);
              for (const start of starts) {
                const key = orderRowKey(start, start + spec.lengthMs, o);
                const times = sentAt.get(key);
                if (times === undefined) sentAt.set(key, [ts]);
                else times.push(ts);
              }
            }
            if (read >= total) {
              clearTimeout(timer);
              done();
            }
          },
        })
        .catch(fail);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return { sentAt, firstMs, lastMs };
}

// ------------------------------------------------------------------------------------- helpers

function prodSummary(stdout: string, tableRows: number): ProdRun {
  return {
    records: field(stdout, 'records read'),
    rows: field(stdout, 'rows written'),
    elapsed: field(stdout, 'elapsed'),
    rssMb: field(stdout, 'peak memory'),
    tableRows,
  };
}

/** Seconds per trigger from [time, commit_seq] pairs (first to last). */
function cadence(points: ReadonlyArray<readonly [number, number]>): number {
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined || last[1] <= first[1]) return NaN;
  return (last[0] - first[0]) / 1000 / (last[1] - first[1]);
}

/** CPU seconds of the local MariaDB/MySQL server (found through its pid file), if it can be read. */
let serverPid: number | undefined;
function serverCpu(): number | undefined {
  return serverPid === undefined ? undefined : cpuSecondsOf(serverPid);
}

async function findServerPid(sql: Connection): Promise<void> {
  try {
    const [rows] = await sql.query<RowDataPacket[]>('SELECT @@pid_file AS f');
    const pid = Number(readFileSync(String(rows[0]?.f), 'utf8').trim());
    serverPid = Number.isSafeInteger(pid) && pid > 0 && cpuSecondsOf(pid) !== undefined ? pid : undefined;
  } catch {
    serverPid = undefined;
  }
}

/** Seconds (b) took for its first `rows` rows, interpolated between its per-transaction marks. */
function secondsAt(marks: ReadonlyArray<readonly [number, number]>, rows: number): number {
  let previous: readonly [number, number] = [0, 0];
  for (const mark of marks) {
    if (mark[0] >= rows)
      return previous[1] + ((rows - previous[0]) / (mark[0] - previous[0])) * (mark[1] - previous[1]);
    previous = mark;
  }
  return previous[1] * (rows / Math.max(1, previous[0]));
}

async function serverVariable(sql: Connection, name: 'innodb_buffer_pool_size'): Promise<number> {
  const [rows] = await sql.query<RowDataPacket[]>(`SELECT @@${name} AS v`);
  return Number(rows[0]?.v);
}

/** Data + index size of the result table (InnoDB's estimate, refreshed first). */
async function tableMb(sql: Connection, database: string): Promise<number> {
  await sql.query(`ANALYZE TABLE \`${database}\`.\`${TABLE}\``);
  const [rows] = await sql.query<RowDataPacket[]>(
    'SELECT DATA_LENGTH + INDEX_LENGTH AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [database, TABLE],
  );
  return Number(rows[0]?.b) / 2 ** 20;
}

async function tableRows(sql: Connection, database: string): Promise<number> {
  const [rows] = await sql.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${database}\`.\`${TABLE}\``);
  return Number(rows[0]?.n);
}

/** Records per partition (high − low offset). */
async function topicSizes(admin: Admin, topic: string): Promise<number[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.sort((x, y) => x.partition - y.partition).map((o) => Number(o.high) - Number(o.low));
}

interface Stats {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles; NaN for no samples. */
function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const sorted = [...xs].sort((x, y) => x - y);
  const at = (q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

function secs(ms: number): string {
  // No sample (a run too short to poll the table while orders came): say so rather than NaN.
  if (!Number.isFinite(ms)) return '  n/a  ';
  return `${(ms / 1000).toFixed(2).padStart(5)} s`;
}

function kafkaAdmin(): Admin {
  return new Kafka({ clientId: 'hexstream-bench', brokers: BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
}

async function mysqlConnection(url: string): Promise<Connection> {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const connection = await createConnection({
    host: u.hostname,
    port: u.port === '' ? 3306 : Number(u.port),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    ...(database === '' ? {} : { database }),
    charset: 'utf8mb4',
    dateStrings: true,
    timezone: 'Z',
  });
  await connection.query("SET SESSION time_zone = '+00:00'");
  return connection;
}

async function cleanKafka(res: Resources): Promise<void> {
  const admin = kafkaAdmin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const topics = res.topics.filter((t) => existing.has(t));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
    if (res.groups.length > 0) await admin.deleteGroups(res.groups).catch(() => undefined);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Deletes the topics and consumer groups, drops the databases; stops and removes a broker started here. */
async function cleanUp(res: Resources): Promise<void> {
  const problems: string[] = [];
  // No broker yet (its start failed): nothing was created on Kafka.
  if (BROKERS !== '')
    await cleanKafka(res).catch((e: unknown) =>
      problems.push(`Kafka: ${e instanceof Error ? e.message : String(e)} (topics ${res.topics.join(', ')})`),
    );
  try {
    const sql = await mysqlConnection(MYSQL);
    try {
      for (const db of res.databases) await sql.query(`DROP DATABASE IF EXISTS \`${db}\``);
    } finally {
      await sql.end();
    }
  } catch (e) {
    problems.push(`MySQL: ${e instanceof Error ? e.message : String(e)} (databases ${res.databases.join(', ')})`);
  }
  if (res.broker !== undefined) {
    await res.broker
      .stop()
      .catch((e: unknown) =>
        problems.push(
          `stopping the bench's broker ${res.broker?.brokers ?? ''}: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
  }
  if (problems.length > 0) process.stderr.write(`bench cleanup incomplete:\n  ${problems.join('\n  ')}\n`);
}
