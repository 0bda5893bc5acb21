import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { cpuSecondsOf } from './common';
import { startOwnKafka } from '../scripts/own-kafka';
import { benchBrokers, MYSQL, TABLE, useBrokers, type Resources } from './prod-bench-config';

/** A connected admin of BENCH_BROKERS, or of a broker of the bench's own, started here (noted in `res` to stop it). */
export async function connectedAdmin(res: Resources): Promise<Admin> {
  if (benchBrokers() === '') {
    res.broker = await startOwnKafka();
    useBrokers(res.broker.brokers);
  }
  const admin = kafkaAdmin();
  await admin.connect();
  return admin;
}

export function kafkaAdmin(): Admin {
  return new Kafka({
    clientId: 'hexstream-bench',
    brokers: benchBrokers().split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
}

export async function mysqlConnection(url: string): Promise<Connection> {
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

/** CPU seconds of the local MariaDB/MySQL server (found through its pid file), if it can be read. */
let serverPid: number | undefined;
export function serverCpu(): number | undefined {
  return serverPid === undefined ? undefined : cpuSecondsOf(serverPid);
}

export async function findServerPid(sql: Connection): Promise<void> {
  try {
    const [rows] = await sql.query<RowDataPacket[]>('SELECT @@pid_file AS f');
    const pid = Number(readFileSync(String(rows[0]?.f), 'utf8').trim());
    serverPid = Number.isSafeInteger(pid) && pid > 0 && cpuSecondsOf(pid) !== undefined ? pid : undefined;
  } catch {
    serverPid = undefined;
  }
}

export async function serverVariable(sql: Connection, name: 'innodb_buffer_pool_size'): Promise<number> {
  const [rows] = await sql.query<RowDataPacket[]>(`SELECT @@${name} AS v`);
  return Number(rows[0]?.v);
}

/** Data + index size of the result table (InnoDB's estimate, refreshed first). */
export async function tableMb(sql: Connection, database: string): Promise<number> {
  await sql.query(`ANALYZE TABLE \`${database}\`.\`${TABLE}\``);
  const [rows] = await sql.query<RowDataPacket[]>(
    'SELECT DATA_LENGTH + INDEX_LENGTH AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [database, TABLE],
  );
  return Number(rows[0]?.b) / 2 ** 20;
}

export async function tableRows(sql: Connection, database: string): Promise<number> {
  const [rows] = await sql.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${database}\`.\`${TABLE}\``);
  return Number(rows[0]?.n);
}

/** Records per partition (high − low offset). */
export async function topicSizes(admin: Admin, topic: string): Promise<number[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.sort((x, y) => x.partition - y.partition).map((o) => Number(o.high) - Number(o.low));
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
export async function cleanUp(res: Resources): Promise<void> {
  const problems: string[] = [];
  // No broker yet (its start failed): nothing was created on Kafka.
  if (benchBrokers() !== '')
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
