import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { Child, MAIN, WORK } from './common';
import { cleanUp, connectedAdmin, mysqlConnection, topicSizes } from './bench-services';
import { benchBrokers, EMAIL, MYSQL, PARTITIONS, produceToTopic, type Resources } from './prod-bench-config';

export type KafkaClientName = 'kafkajs' | 'platformatic';

export interface RecoveryResult {
  readonly client: KafkaClientName;
  /** From the kill -9 (the restart starts at once) to the restarted process's "kafka partitions assigned". */
  readonly assignedMs: number;
  /** From the kill -9 until the committed positions cover every record the topic held at the restart. */
  readonly caughtUpMs: number;
  /** Records the topic held at the restart and the restarted run had to commit. */
  readonly backlog: number;
}

/** Orders per second fed to the topic, as the goal's recovery target states it. */
const RATE = 2_000;
/** Seconds of feed: enough for a steady first run, the kill, the restart and catching up. */
const FEED_SECONDS = 40;
/** How long the first instance runs steadily before it is killed. */
const STEADY_MS = 8_000;
const INSTANCE_ID = 'recovery';

/**
 * Recovery after kill -9, per Kafka client: `prod` reads a topic fed at 2,000 orders/s, is killed
 * (-9) after running steadily, and is restarted at once with the same `--instance-id`:
 *
 *   feed 2,000/s ─────────────────────────────────────────────────────────────▶
 *   prod ── steady 8 s ──✕ kill -9 ─ restart ─ "partitions assigned" ─ … ─ committed ≥ topic at restart
 *                        t0                    assignedMs              caughtUpMs
 *
 * With kafkajs the restarted process is a new member: the group waits for the dead one's session
 * (10 s) before it assigns. With platformatic it rejoins as the same static member.
 */
export async function recovery(res: Resources, admin: Admin, run: string): Promise<RecoveryResult[]> {
  const results: RecoveryResult[] = [];
  for (const client of ['kafkajs', 'platformatic'] as const) results.push(await recoverOnce(res, admin, run, client));
  return results;
}

/** One line per client, as the bench prints its results. */
export function reportRecovery(results: readonly RecoveryResult[]): void {
  for (const r of results)
    process.stdout.write(
      `recovery after kill -9 (${r.client.padEnd(12)}): partitions back ${(r.assignedMs / 1000).toFixed(2)} s, ` +
        `caught up ${(r.caughtUpMs / 1000).toFixed(2)} s (backlog ${r.backlog.toLocaleString('en-US')} orders at ${RATE.toLocaleString('en-US')}/s)\n`,
    );
}

/** Runs `recovery` on its own (BENCH_BROKERS, or a broker of its own), prints it, and cleans up. */
export async function recoveryBenchmark(): Promise<RecoveryResult[]> {
  const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const res: Resources = { topics: [], groups: [], databases: [], broker: undefined };
  try {
    const admin = await connectedAdmin(res);
    try {
      const results = await recovery(res, admin, run);
      reportRecovery(results);
      return results;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  } finally {
    Child.killAll();
    await cleanUp(res);
  }
}

async function recoverOnce(
  res: Resources,
  admin: Admin,
  run: string,
  client: KafkaClientName,
): Promise<RecoveryResult> {
  const topic = `hexstream-bench-recovery-${run}-${client}`;
  const group = `hexstream-bench-recovery-${run}-${client}`;
  const database = `hexstream_bench_${run}_recovery_${client}`;
  res.topics.push(topic, `${topic}.dead-letter`);
  res.groups.push(group);
  res.databases.push(database);
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  const feed = new Child(
    produceToTopic(topic, ['--rate', String(RATE), '--count', String(RATE * FEED_SECONDS), '--seed', '3']),
  );
  const args = prodArgs(topic, group, database, client);
  const first = new Child(args);
  let second: Child | undefined;
  try {
    await first.waitForStderr(/pipeline started/, 120_000);
    await sleep(STEADY_MS);
    const killedAt = performance.now();
    first.signal('SIGKILL');
    await first.done;
    second = new Child(args);
    const backlog = (await topicSizes(admin, topic)).reduce((a, b) => a + b, 0);
    await second.waitForStderr(/kafka partitions assigned/, 120_000);
    const assignedMs = performance.now() - killedAt;
    const sql = await mysqlConnection(`${MYSQL}/${database}`);
    try {
      await committedReach(sql, group, backlog);
    } finally {
      await sql.end().catch(() => undefined);
    }
    return { client, assignedMs, caughtUpMs: performance.now() - killedAt, backlog };
  } finally {
    second?.signal('SIGTERM');
    feed.signal('SIGTERM');
    await Promise.all([second?.done ?? Promise.resolve(), feed.done].map((d) => d.catch(() => undefined)));
  }
}

function prodArgs(topic: string, group: string, database: string, client: KafkaClientName): string[] {
  return [
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
    '--kafka-client',
    client,
    // kafkajs has no static membership: the id is the platformatic consumer's group.instance.id.
    ...(client === 'platformatic' ? ['--instance-id', INSTANCE_ID] : []),
    '--outbox',
    join(WORK, 'outbox-recovery'),
    '--http',
    'off',
    '--log-level',
    'info',
  ];
}

/** Polls the checkpoint table every 50 ms until its positions add up to `records`. */
async function committedReach(sql: Connection, group: string, records: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const [rows] = await sql
      .query<RowDataPacket[]>(
        'SELECT COALESCE(SUM(next_position), 0) AS n FROM hexstream_checkpoint WHERE consumer_group = ?',
        [group],
      )
      .catch(() => [[{ n: 0 }] as RowDataPacket[]]);
    if (Number(rows[0]?.['n']) >= records) return;
    if (Date.now() > deadline) throw new Error(`the restarted prod did not commit ${records} records within 180 s`);
    await sleep(50);
  }
}
