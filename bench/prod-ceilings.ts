import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import type { Connection } from 'mysql2/promise';
import { fmt, runNode } from './common';
import { secondsAt } from './bench-stats';
import { serverVariable, tableMb, topicSizes } from './bench-services';
import {
  benchBrokers,
  LABEL,
  MYSQL,
  PARTITIONS,
  produceToTopic,
  SINK_ROWS_PER_STATEMENT,
  SINK_STATEMENTS_PER_TRANSACTION,
  TABLE,
  type BenchNames,
  type Resources,
} from './prod-bench-config';

/** The ceilings a prod run is compared with: (a) the source's, (b) the sink's. */
export interface Ceilings {
  /** (a) records/s. */
  readonly source: number;
  /** (b) rows/s over all its rows. */
  readonly sink: number;
  /** (b) rows/s over its first `rows` rows: rows get dearer as the table outgrows the buffer pool. */
  sinkAt(rows: number): number;
}

/** The topic of the bounded runs: COUNT orders, 6 partitions keyed by shopid; returns its size. */
export async function produceTopic(
  names: BenchNames,
  res: Resources,
  admin: Admin,
  count: number,
  eventSeconds: number,
): Promise<number> {
  const topic = names.topic;
  res.topics.push(topic);
  const produced = await runNode(
    produceToTopic(topic, ['--count', String(count), '--seed', '1', '--event-rate', String(count / eventSeconds)]),
  );
  const perPartition = await topicSizes(admin, topic);
  const total = perPartition.reduce((a, b) => a + b, 0);
  if (total !== count) throw new Error(`topic ${topic} holds ${total} records, expected ${count}`);
  console.log(
    `hexstream prod bench: ${fmt(count)} orders on Kafka topic ${topic}, ${PARTITIONS} partitions keyed by shopid ` +
      `(${fmt(Math.min(...perPartition))}..${fmt(Math.max(...perPartition))} per partition), ${eventSeconds / 60} minutes of event time ` +
      `(produced in ${produced.seconds.toFixed(1)} s, ${fmt(count / produced.seconds)}/s)`,
  );
  return total;
}

/** (a) and (b), each printed as measured. */
export async function measureCeilings(
  names: BenchNames,
  total: number,
  sinkRows: number,
  sql: Connection,
): Promise<Ceilings> {
  const source = await sourceCeiling(names, total);
  return sinkCeiling(names, sinkRows, sql, source);
}

/** (a): a bare kafkajs consumer + JSON.parse over the topic. */
async function sourceCeiling(names: BenchNames, total: number): Promise<number> {
  const a = JSON.parse(
    (
      await runNode([
        join(__dirname, 'kafka-ceiling.js'),
        benchBrokers(),
        names.topic,
        names.group('ceiling'),
        String(total),
      ])
    ).stdout,
  ) as { records: number; parsed: number; seconds: number; joinSeconds: number; maxRssKb: number };
  const aRate = a.records / a.seconds;
  console.log(
    `${'(a) kafkajs consumer + JSON.parse'.padEnd(LABEL)}${fmt(aRate).padStart(9)} records/s  ${a.seconds.toFixed(2).padStart(6)} s   peak RSS ${fmt(a.maxRssKb / 1024).padStart(4)} MB   ` +
      `(${a.joinSeconds.toFixed(2)} s of it connecting and joining the group; ${fmt(a.parsed)} parsed)`,
  );
  return aRate;
}

/** (b): a bare mysql2 multi-row REPLACE INTO loop into a fresh database. */
async function sinkCeiling(names: BenchNames, sinkRows: number, sql: Connection, source: number): Promise<Ceilings> {
  const sinkDatabase = names.database('sink');
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
  ) as { rows: number; seconds: number; maxRssKb: number; marks: Array<[number, number]> };
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
  return { source, sink: bRate, sinkAt: bRateAt };
}
