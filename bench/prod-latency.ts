import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { Child, MAIN, runNode, WORK, type Exited } from './common';
import { cadence } from './bench-stats';
import { mysqlConnection, tableRows, topicSizes } from './bench-services';
import { kafkaTimestamps } from './kafka-timestamps';
import {
  kafkaClientArgs,
  benchBrokers,
  EMAIL,
  LIVE_COUNT,
  LIVE_RATE,
  MYSQL,
  PARTITIONS,
  produceToTopic,
  prodSummary,
  type ProdRun,
  type Resources,
} from './prod-bench-config';
import { TableSampler, type Sample } from './table-sampler';

export interface LatencyResult {
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

/** (d): prod (unbounded, update) on a fresh topic produced at LIVE_RATE, its table sampled once a second. */
export async function latency(
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
  const prod = await startLiveProd(topic, deadLetters, database, group);
  const sql = await mysqlConnection(`${MYSQL}/${database}`);
  const sampler = new TableSampler(sql, group);
  sampler.start();
  let prodExit: Exited;
  let topicTotal: number;
  let liveRows: number;
  try {
    await produceLive(topic);
    sampler.producing = false;
    topicTotal = (await topicSizes(admin, topic)).reduce((x, y) => x + y, 0);
    await waitCaughtUp(sql, group, topic, topicTotal);
    await sampler.stop();
    await sampler.poll();
    liveRows = await tableRows(sql, database);
  } finally {
    await sampler.stop().catch(() => undefined);
    await sql.end().catch(() => undefined);
    prodExit = await stopProd(prod);
  }
  if (prodExit.code !== 0)
    throw new Error(
      `${prod.describe()} ended with ${prodExit.code ?? prodExit.signal}: ${prodExit.stderr.slice(-4000)}`,
    );
  const { sentAt, firstMs, lastMs } = await kafkaTimestamps(topic, joinGroup, topicTotal);
  return {
    prod: prodSummary(prodExit.stdout, liveRows),
    prodCpuShare: prod.cpuSeconds / prodExit.seconds,
    secondsPerTrigger: cadence(sampler.triggers),
    produceRate: (topicTotal - 1) / Math.max(0.001, (lastMs - firstMs) / 1000),
    polls: sampler.polls,
    eventToTable: sampler.samples.map((s) => s.updatedMs - s.eventMs),
    sendToTable: sendToTable(sampler.samples, sentAt),
    commitLag: sampler.commitLag,
  };
}

async function startLiveProd(topic: string, deadLetters: string, database: string, group: string): Promise<Child> {
  const prod = new Child([
    MAIN,
    'prod',
    EMAIL,
    '--brokers',
    benchBrokers(),
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
    ...kafkaClientArgs(),
  ]);
  await prod.waitForStderr(/pipeline started/, 120_000);
  return prod;
}

async function produceLive(topic: string): Promise<void> {
  await runNode(produceToTopic(topic, ['--rate', String(LIVE_RATE), '--count', String(LIVE_COUNT), '--seed', '2']));
}

/** Caught up = the checkpoint's positions (the next offset per partition) add up to the topic's size. */
async function waitCaughtUp(sql: Connection, group: string, topic: string, topicTotal: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const [rows] = await sql.query<RowDataPacket[]>(
      'SELECT COALESCE(SUM(next_position), 0) AS n FROM hexstream_checkpoint WHERE consumer_group = ?',
      [group],
    );
    if (Number(rows[0]?.n) >= topicTotal) return;
    if (Date.now() > deadline)
      throw new Error(`prod did not commit all ${topicTotal} records of ${topic} within 180 s of the end of produce`);
    await sleep(200);
  }
}

async function stopProd(prod: Child): Promise<Exited> {
  prod.signal('SIGTERM');
  const timer = setTimeout(() => prod.signal('SIGKILL'), 60_000);
  const exited = await prod.done;
  clearTimeout(timer);
  return exited;
}

/** Each sampled row's latency from the send of its newest order; also writes the samples as CSV. */
function sendToTable(samples: readonly Sample[], sentAt: ReadonlyMap<string, readonly number[]>): number[] {
  const out: number[] = [];
  const csv = ['rowkey,total_orders,last_event_ms,updated_ms,newest_order_sent_ms'];
  for (const s of samples) {
    // The row as written holds the first `total_orders` orders of its key, in offset order.
    const ts = sentAt.get(s.rowkey)?.[s.orders - 1];
    if (ts !== undefined) out.push(s.updatedMs - ts);
    csv.push(`${s.rowkey},${s.orders},${s.eventMs},${s.updatedMs},${ts ?? ''}`);
  }
  writeFileSync(join(WORK, 'latency-samples.csv'), `${csv.join('\n')}\n`);
  return out;
}
