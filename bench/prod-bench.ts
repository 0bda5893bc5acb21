import { mkdirSync } from 'node:fs';
import type { Admin } from 'kafkajs';
import type { Connection } from 'mysql2/promise';
import { Child, fmt, WORK } from './common';
import { secs, stats } from './bench-stats';
import { cleanUp, connectedAdmin, findServerPid, mysqlConnection } from './bench-services';
import { boundedRuns, cellName, type BoundedRun } from './prod-bounded-runs';
import { measureCeilings, produceTopic } from './prod-ceilings';
import { latency, type LatencyResult } from './prod-latency';
import { recovery, reportRecovery, type RecoveryResult } from './recovery';
import {
  useKafkaClient,
  benchNames,
  LIVE_COUNT,
  LIVE_RATE,
  MYSQL,
  SAMPLE_LIMIT,
  type Resources,
} from './prod-bench-config';

/**
 * The prod half of `npm run bench`, on a real Kafka broker and MariaDB/MySQL:
 *
 *   one topic of COUNT orders, 6 partitions keyed by shopid, 10 minutes of event time
 *     (a) bare kafkajs consumer + JSON.parse             → the source ceiling, records/s
 *     (b) bare mysql2 multi-row REPLACE INTO loop        → the sink ceiling, rows/s
 *     (c) prod --bounded, append and update mode, into MariaDB and into Kafka (--to-kafka), with each
 *         Kafka client (--kafka-client kafkajs, platformatic) → records/s, rows/record, peak RSS
 *   a fresh topic, produced at 20,000 orders/s with wall-clock event times
 *     (d) prod (unbounded, update) + a 1-s MySQL sampler → event-to-table latency p50/p99
 *   a fresh topic fed at 2,000 orders/s, per Kafka client (recovery.ts; BENCH_RECOVERY=0 skips it)
 *     (e) kill -9 + immediate restart               → time to partitions assigned and to caught up
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
 * default max(COUNT, 500000)), BENCH_LIVE_RATE (20000), BENCH_LIVE_COUNT (200000), BENCH_SINKS and
 * BENCH_KAFKA_CLIENTS (the cells of (c), see prod-bounded-runs.ts).
 */
export interface ProdBenchOptions {
  readonly count: number;
  readonly eventSeconds: number;
  /** The Kafka client of the prod runs (default kafkajs). */
  readonly kafkaClient?: 'kafkajs' | 'platformatic';
}

export async function prodBenchmark(options: ProdBenchOptions): Promise<void> {
  const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const res: Resources = { topics: [], groups: [], databases: [], broker: undefined };
  const sinkRows = Number(process.env.BENCH_SINK_ROWS ?? Math.max(options.count, 500_000));
  useKafkaClient(options.kafkaClient ?? 'kafkajs');
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
    const admin = await connectedAdmin(res);
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
  const names = benchNames(run, res);
  const total = await produceTopic(names, res, admin, options.count, options.eventSeconds);
  const ceilings = await measureCeilings(names, total, sinkRows, sql);
  const c = await boundedRuns(names, res, sql, ceilings);
  const live = await latency(run, res, admin, names.database('live'), names.group('live'), names.group('join'));
  reportLatency(live);
  const recovered = process.env.BENCH_RECOVERY === '0' ? [] : await recovery(res, admin, run);
  reportRecovery(recovered);
  reportTargets(c, live, recovered);
}

/** (d): latency at a fixed produce rate, and how it was measured. */
function reportLatency(live: LatencyResult): void {
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
}

/** The targets, met or missed. */
function reportTargets(c: readonly BoundedRun[], live: LatencyResult, recovered: readonly RecoveryResult[]): void {
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  const p99 = stats(live.eventToTable).p99;
  const updates = c.filter((r) => r.spec.mode === 'update');
  const speed = updates.map((r) => {
    const rate = r.run.records / r.run.elapsed;
    const target = r.spec.sink === 'kafka' ? 45_000 : 35_000;
    return `${cellName(r.spec)} ${fmt(rate)}/s (>= ${fmt(target)}) ${verdict(rate >= target)}`;
  });
  const rss = [...c.map((r) => [cellName(r.spec), r.run.rssMb] as const), ['live', live.prod.rssMb] as const];
  console.log(`targets: prod update mode, 1M orders: ${speed.join(', ')}`);
  console.log(
    `         (d) event-to-table p99 <= 1 s: ${secs(p99)} ${verdict(p99 <= 1000)};  ` +
      `peak RSS <= 300 MB: ${rss.map(([name, mb]) => `${name} ${fmt(mb)} MB ${verdict(mb <= 300)}`).join(', ')}`,
  );
  for (const r of recovered)
    console.log(
      `         recovery, ${r.client}: partitions back <= 2 s ${verdict(r.assignedMs <= 2000)}, caught up <= 5 s ${verdict(r.caughtUpMs <= 5000)}`,
    );
  reportClients(c);
}

/** Which Kafka client did better in each cell both ran (records/s, then peak RSS). */
function reportClients(c: readonly BoundedRun[]): void {
  const clients = [...new Set(c.map((r) => r.spec.client))];
  if (clients.length < 2) return;
  const cells = new Map<string, BoundedRun[]>();
  for (const r of c) {
    const key = `${r.spec.mode}-${r.spec.sink}-threads-${r.spec.threads}`;
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  const wins = new Map<string, number>(clients.map((name) => [name, 0]));
  const lines: string[] = [];
  for (const [key, runs] of cells) {
    if (runs.length < 2) continue;
    const fastest = [...runs].sort((x, y) => y.run.records / y.run.elapsed - x.run.records / x.run.elapsed)[0];
    const leanest = [...runs].sort((x, y) => x.run.rssMb - y.run.rssMb)[0];
    if (fastest === undefined || leanest === undefined) continue;
    wins.set(fastest.spec.client, (wins.get(fastest.spec.client) ?? 0) + 1);
    wins.set(leanest.spec.client, (wins.get(leanest.spec.client) ?? 0) + 1);
    lines.push(`${key}: faster ${fastest.spec.client}, leaner ${leanest.spec.client}`);
  }
  const measures = 2 * lines.length;
  const best = [...wins].find(([, n]) => n === measures);
  console.log(
    `         Kafka clients: ${lines.join('; ')} → ${best === undefined ? 'neither is better on every measure of (c)' : `${best[0]} is better on every measure of (c)`}`,
  );
}
