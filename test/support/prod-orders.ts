import { spawn, type ChildProcess } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { generateOrders } from '../../src/domain/jobs/orders.generator';
import { BROKERS, kafkaClient, topicWith, uniqueName } from './kafka-topics';
import type { TestDatabase } from './mariadb';
import type { TestPgDatabase } from './postgres';
import { orderTable } from './order-table';
import { referenceOrders, type ReferenceDeadLetter, type ReferenceResult, type ReferenceRow } from './reference-orders';
import { cliEnv, MAIN, summaryNumber } from './run-cli';

export { orderTable };

/** What `hexstream prod` e2e tests of the orders job share: input keyed like a producer's, the table read back, waits. */

/** The partition of a generated order line, keyed by shop as a producer keyed by shopid does (0 when it has none). */
export function shopPartition(line: string, partitions: number): number {
  const shop = /"shopid":(\d+)/.exec(line);
  return shop === null ? 0 : Number(shop[1]) % partitions;
}

/** Generated orders (late, duplicate and malformed among them), keyed to partitions by shop. */
export function orderPartitions(count: number, seed: number, partitions = 3): Map<number, string[]> {
  const out = new Map<number, string[]>(Array.from({ length: partitions }, (_v, p) => [p, []]));
  for (const { line } of generateOrders({
    count,
    seed,
    startMs: Date.UTC(2025, 0, 1),
    ordersPerSecond: 20,
    faultShare: 0.05,
  })) {
    (out.get(shopPartition(line, partitions)) as string[]).push(line);
  }
  return out;
}

/** A dead letter as `reason@partition:position`, the form `deadLetterKeys` reads from a topic. */
export function deadLetterKey(d: {
  readonly reason: string;
  readonly partition: number;
  readonly position: number;
}): string {
  return `${d.reason}@${d.partition}:${d.position}`;
}

/** The reference's dead letters as `deadLetterKeys` returns a topic's, sorted. */
export function referenceDeadLetterKeys(letters: readonly ReferenceDeadLetter[]): string[] {
  return letters.map(deadLetterKey).sort();
}

/** Generated orders, the reference over them, and a topic holding them for a describe block's tests. */
export interface OrdersInTopic {
  readonly data: Map<number, string[]>;
  readonly expected: ReferenceResult;
  readonly expectedDead: string[];
  /** The topic's name (from the describe block's beforeAll on). */
  readonly topic: string;
}

/** `orderPartitions(count, seed)` in a fresh topic, created before the enclosing describe block's tests and removed after them. */
export function ordersInTopic(count: number, seed: number): OrdersInTopic {
  const data = orderPartitions(count, seed);
  const expected = referenceOrders(data, { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 });
  let created: { topic: string; remove(): Promise<void> } | undefined;
  beforeAll(async () => {
    created = await topicWith(data);
  });
  afterAll(async () => {
    await created?.remove();
  });
  return {
    data,
    expected,
    expectedDead: referenceDeadLetterKeys(expected.deadLetters),
    get topic(): string {
      if (created === undefined) throw new Error('the orders topic is created in beforeAll: use it inside a test');
      return created.topic;
    },
  };
}

/** Each partition's records cut into `parts` consecutive slices: slice i of every partition together. */
export function slices(data: ReadonlyMap<number, readonly string[]>, parts: number): Map<number, string[]>[] {
  return Array.from(
    { length: parts },
    (_v, i) =>
      new Map(
        [...data].map(([p, lines]) => [
          p,
          lines.slice(Math.floor((lines.length * i) / parts), Math.floor((lines.length * (i + 1)) / parts)),
        ]),
      ),
  );
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', resolve);
  });
}

/** The dead-letter topic read to its end, as `reason@partition:offset` (set: dead letters are at-least-once). */
export async function deadLetterKeys(topic: string, brokers: readonly string[] = BROKERS): Promise<string[]> {
  const kafka = new Kafka({ clientId: 'hexstream-test-dlq', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((n, o) => n + Number(o.high), 0);
  const keys = new Set<string>();
  let seen = 0;
  const consumer = kafka.consumer({ groupId: uniqueName('dlq-reader') });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve) => {
    if (total === 0) resolve();
    void consumer.run({
      eachMessage: async ({ message }) => {
        const h = (name: string): string => String(message.headers?.[name] ?? '');
        keys.add(`${h('reason')}@${h('source-partition')}:${h('source-offset')}`);
        if (++seen >= total) resolve();
      },
    });
  });
  await consumer.disconnect();
  return [...keys].sort();
}

/** The "records read" count of a run's summary. */
export const readBy = (out: string): number => summaryNumber(out, 'records read');

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A `prod` process whose stderr (JSON log lines) is kept. */
export interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stderr(): string;
  /** The log lines with this message. */
  logs(message: string): Array<Record<string, unknown>>;
}

/** Starts `prod` with `args`; `env` adds variables the CLI's environment strips (e.g. HEXSTREAM_FAILPOINTS). */
export function startProd(args: readonly string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: cliEnv(['prod'], env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const logs = (message: string): Array<Record<string, unknown>> =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['msg'] === message);
  return { child, exited: exitOf(child), stderr: () => stderr, logs };
}

/** Each partition's first `positions.get(p)` records: what a run has read once it committed those positions. */
export function prefixes(
  data: ReadonlyMap<number, readonly string[]>,
  positions: ReadonlyMap<number, number>,
): Map<number, string[]> {
  return new Map([...data].map(([p, lines]) => [p, lines.slice(0, positions.get(p) ?? 0)]));
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** How the child ended; after `timeoutMs` it is killed and the wait fails with `what`. */
export function exitStatusOf(child: ChildProcess, what: string, timeoutMs = 120_000): Promise<ExitStatus> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms waiting until ${what}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** `agg_order_window` in PostgreSQL, in the reference's shape. */
export function postgresOrderTable(db: TestPgDatabase): Promise<Map<string, ReferenceRow>> {
  const columns = [
    'rowkey',
    'window_start',
    'window_end',
    'region',
    'shop_id',
    'item_id',
    'total_expenditure',
    'total_items_sold',
    'total_orders',
    'first_event_at',
    'last_event_at',
  ];
  const timestamps = new Set(['window_start', 'window_end', 'first_event_at', 'last_event_at']);
  const select = columns
    .map((c) => (timestamps.has(c) ? `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.MS') AS ${c}` : c))
    .join(', ');
  return orderTable((sql) => db.query(sql), `SELECT ${select} FROM agg_order_window`);
}

/** The positions a group committed with its rows (`hexstream_checkpoint`, same in both databases); empty before the first commit. */
export async function committedPositions(
  db: TestDatabase | TestPgDatabase,
  group: string,
): Promise<Map<number, number>> {
  const placeholder = db.url.startsWith('mysql:') ? '?' : '$1';
  const rows = await db.query(
    `SELECT partition_id, next_position FROM hexstream_checkpoint WHERE consumer_group = ${placeholder}`,
    [group],
  );
  return new Map(rows.map((r) => [Number(r.partition_id), Number(r.next_position)]));
}

/** The consumer group's offsets committed to Kafka, per partition (partitions without one are left out). */
export async function groupOffsets(group: string, topic: string): Promise<Map<number, number>> {
  const admin = kafkaClient().admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map(
      (offsets?.partitions ?? []).filter((o) => Number(o.offset) >= 0).map((o) => [o.partition, Number(o.offset)]),
    );
  } finally {
    await admin.disconnect();
  }
}

/** Sum of a map's values. */
export function total(positions: ReadonlyMap<number, number>): number {
  return [...positions.values()].reduce((n, v) => n + v, 0);
}
