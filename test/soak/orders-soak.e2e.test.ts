import { closeSync, createReadStream, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateOrders } from '../../src/domain/jobs/orders.generator';
import { kafkaClient, uniqueName } from '../support/kafka-topics';
import { startOwnMariaDb } from '../support/own-mariadb';
import { deadLetterKeys } from '../support/prod-orders';
import { OrderReference, type ReferenceDeadLetter } from '../support/reference-orders';
import { summaryNumber } from '../support/run-cli';
import { fileOrderRow, progressLines, streamMysqlOrderTable, TableDigest, watchRss, type ProgressLine, type RssWatch } from '../support/soak';
import { spawnCli } from '../support/spawn-cli';

/**
 * The bounded-memory soak: 5,000,000 orders spanning 24 hours of event time (1,440 one-minute
 * windows close), through `test` mode (files) and through `prod` (Kafka → MariaDB). The process's
 * peak RSS, as the kernel counts it (VmHWM), stays under 400 MB, and neither it nor the state the
 * progress lines report grows as windows close: the second half of the run peaks no higher than
 * the first. The results equal an independent reference that itself forgets closed windows (a
 * digest of every row, the dead letters one by one).
 */
jest.setTimeout(3_600_000);

const ORDERS = 5_000_000;
const DAY_MS = 86_400_000;
const PARTITIONS = 3;
const START_MS = Date.UTC(2025, 0, 1);
const SEMANTICS = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };
const PEAK_RSS_MB = 400;
/** The second half of a run may peak this much above the first (GC timing), far below what keeping closed windows would add. */
const RSS_SLACK_MB = 40;
/**
 * State the engine may hold at any moment: the records of one trigger (`--trigger-records`, 50,000
 * by default) plus those of the event-time span still open (window + watermark + drift between
 * partitions, well under 10 minutes at 5,000,000 orders a day). Closed windows add nothing.
 */
const STATE_BOUND = 50_000 + Math.ceil((10 * 60_000 * ORDERS) / DAY_MS);

interface Expected {
  readonly digest: ReturnType<TableDigest['summary']>;
  /** Windows with a row. */
  readonly windows: number;
  readonly accepted: number;
  readonly deadLetters: readonly string[];
  readonly count: (reason: ReferenceDeadLetter['reason']) => number;
}

let dir: string;
let expectedOnce: Promise<Expected> | undefined;

/** Writes the input: one file per partition, keyed by shop as a producer would. */
function writeInput(): void {
  const files = Array.from({ length: PARTITIONS }, (_v, p) => openSync(join(dir, `p${p}.jsonl`), 'w'));
  const pending: string[][] = files.map(() => []);
  const flush = (p: number): void => {
    writeSync(files[p] as number, `${(pending[p] as string[]).join('\n')}\n`);
    pending[p] = [];
  };
  for (const { line } of generateOrders({ count: ORDERS, seed: 2024, startMs: START_MS, ordersPerSecond: ORDERS / (DAY_MS / 1000), faultShare: 0.01 })) {
    const shop = /"shopid":(\d+)/.exec(line);
    const p = shop === null ? 0 : Number(shop[1]) % PARTITIONS;
    (pending[p] as string[]).push(line);
    if ((pending[p] as string[]).length >= 10_000) flush(p);
  }
  files.forEach((fd, p) => {
    if ((pending[p] as string[]).length > 0) flush(p);
    closeSync(fd);
  });
}

/**
 * The reference over the input files, read back a line at a time (asynchronously, so it runs while
 * a hexstream process does, on the other core); neither the input nor the table is held.
 */
function expectedResult(): Promise<Expected> {
  expectedOnce ??= (async (): Promise<Expected> => {
    const digest = new TableDigest();
    const windows = new Set<string>();
    const reference = new OrderReference(SEMANTICS, (row) => {
      digest.add(row);
      windows.add(row.window_start);
    });
    for (let p = 0; p < PARTITIONS; p++) {
      let position = 0;
      await eachLine(join(dir, `p${p}.jsonl`), (line) => reference.add(p, position++, line));
    }
    reference.finish();
    return {
      digest: digest.summary(),
      windows: windows.size,
      accepted: reference.accepted,
      deadLetters: reference.deadLetters.map(deadLetterKey).sort(),
      count: (reason) => reference.deadLetters.filter((d) => d.reason === reason).length,
    };
  })();
  return expectedOnce;
}

function deadLetterKey(d: { reason: string; partition: number; position: number }): string {
  return `${d.reason}@${d.partition}:${d.position}`;
}

/** Lines of a file, one at a time. */
async function eachLine(file: string, onLine: (line: string) => void | Promise<void>): Promise<void> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) await onLine(line);
}

/**
 * Memory over the run: peak RSS under the limit, and the second half (by records read) peaking no
 * higher than the first, for RSS and for every state count the progress lines carry.
 */
function expectBoundedMemory(mode: string, lines: readonly ProgressLine[], watch: RssWatch): void {
  const most = (f: (l: ProgressLine) => number, from = 0, to = Infinity): number => Math.max(...lines.filter((l) => l.read > from && l.read <= to).map(f));
  // The numbers the README quotes.
  console.log(
    `${mode}: peak RSS ${watch.peakMb().toFixed(0)} MB (VmHWM); progress RSS peak ${most((l) => l.rssMb, ORDERS * 0.1, ORDERS / 2)} MB in the first half, ` +
      `${most((l) => l.rssMb, ORDERS / 2)} MB in the second; state rows ≤ ${most((l) => l.stateRows)}, ids ≤ ${most((l) => l.rememberedIds)}, open windows ≤ ${most((l) => l.openWindows)}`,
  );
  expect(watch.samples()).toBeGreaterThan(10);
  expect(watch.peakMb()).toBeLessThan(PEAK_RSS_MB);
  expect(lines.length).toBeGreaterThan(10);
  const first = lines.filter((l) => l.read > ORDERS * 0.1 && l.read <= ORDERS / 2);
  const second = lines.filter((l) => l.read > ORDERS / 2);
  expect(first.length).toBeGreaterThan(2);
  expect(second.length).toBeGreaterThan(2);
  const peak = (ls: readonly ProgressLine[], f: (l: ProgressLine) => number): number => Math.max(...ls.map(f));
  expect(peak(lines, (l) => l.rssMb)).toBeLessThan(PEAK_RSS_MB);
  expect(peak(second, (l) => l.rssMb)).toBeLessThanOrEqual(peak(first, (l) => l.rssMb) + RSS_SLACK_MB);
  for (const state of [(l: ProgressLine): number => l.stateRows, (l: ProgressLine): number => l.rememberedIds]) {
    expect(peak(lines, state)).toBeLessThanOrEqual(STATE_BOUND);
    expect(peak(second, state)).toBeLessThanOrEqual(peak(first, state) * 1.25);
  }
}

/** The summary's and the report's account of the state at its peak and the peak RSS. */
function expectStateReported(stdout: string, mail: string): void {
  const peakLine = /^peak memory\s+([\d,]+) MB RSS\s+\(state at peak: ([\d,]+) open windows, ([\d,]+) rows, ([\d,]+) ids; at end: .*\)$/m.exec(stdout);
  expect(peakLine).not.toBeNull();
  const [, rss, , rows, ids] = (peakLine as RegExpExecArray).map((n) => Number(n.replace(/,/g, '')));
  expect(rss).toBeLessThan(PEAK_RSS_MB);
  expect(rows).toBeLessThanOrEqual(STATE_BOUND);
  expect(ids).toBeLessThanOrEqual(STATE_BOUND);
  expect(mail).toMatch(/open windows/);
  expect(mail).toMatch(/ids/);
}

function expectCounts(stdout: string, expected: Expected): void {
  expect(summaryNumber(stdout, 'records read')).toBe(ORDERS);
  expect(summaryNumber(stdout, 'accepted')).toBe(expected.accepted);
  expect(summaryNumber(stdout, 'invalid')).toBe(expected.count('invalid'));
  expect(summaryNumber(stdout, 'late')).toBe(expected.count('late'));
  expect(summaryNumber(stdout, 'duplicates')).toBe(expected.count('duplicate'));
}

function outboxMail(outbox: string): string {
  const files = readdirSync(outbox);
  expect(files).toHaveLength(1);
  return readFileSync(join(outbox, files[0] as string), 'utf8');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexstream-soak-'));
  writeInput();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('soak: 5,000,000 orders over 24 h of event time in bounded memory', () => {
  it('test mode: files in, JSON Lines out', async () => {
    const out = join(dir, 'test-out');
    let watch: RssWatch | undefined;
    const [r, expected] = await Promise.all([
      spawnCli(
        ['test', 'soak@example.com', '--input', dir, '--output', join(out, 'table.jsonl'), '--dead-letter', join(out, 'dead.jsonl'), '--outbox', join(out, 'outbox'), '--progress-interval', '1s', '--log-level', 'info'],
        { timeoutMs: 1_500_000, onSpawn: (pid) => (watch = watchRss(pid)) },
      ),
      expectedResult(),
    ]);
    watch?.stop();
    // The input is what the test means it to be: 24 hours, 1,440 windows, about 1 % rejected.
    expect(expected.windows).toBeGreaterThanOrEqual(1_440);
    expect(expected.windows).toBeLessThanOrEqual(1_442);
    expect(expected.accepted).toBeGreaterThan(ORDERS * 0.98);
    expect(expected.digest.rows).toBeGreaterThan(ORDERS * 0.9);
    expect(expected.deadLetters.length).toBe(ORDERS - expected.accepted);
    expect(expected.digest.rows).toBeLessThanOrEqual(ORDERS);
    expect(r.stderr.split('\n').filter((l) => l !== '' && !l.includes('"level":30'))).toEqual([]);
    expect(r.code).toBe(0);
    expectCounts(r.stdout, expected);
    expectBoundedMemory('test', progressLines(r.stderr), watch as RssWatch);
    expectStateReported(r.stdout, outboxMail(join(out, 'outbox')));

    const digest = new TableDigest();
    await eachLine(join(out, 'table.jsonl'), (line) => digest.add(fileOrderRow(line)));
    expect(digest.summary()).toEqual(expected.digest);
    const dead: string[] = [];
    await eachLine(join(out, 'dead.jsonl'), (line) => {
      dead.push(deadLetterKey(JSON.parse(line) as { reason: string; partition: number; position: number }));
    });
    expect(dead.sort()).toEqual(expected.deadLetters);
    rmSync(out, { recursive: true, force: true });
  });

  it('prod: Kafka in, MariaDB out (REPLACE upserts), dead letters to their topic', async () => {
    // A server of the test's own, sized for a table of 5,000,000 rows (the shared one has a 128 MB
    // buffer pool, and random primary-key inserts past it make the run wait on the disk); the log is
    // flushed once a second rather than at each commit, which changes the server's durability only.
    const server = await startOwnMariaDb({ serverArgs: ['--innodb-buffer-pool-size=2G', '--innodb-log-file-size=512M', '--innodb-flush-log-at-trx-commit=2'] });
    const database = 'hexstream_soak';
    const kafka = kafkaClient();
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('hexstream-soak');
    const deadLetterTopic = `${topic}.dead-letter`;
    const outbox = join(dir, 'prod-outbox');
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
      const [expected] = await Promise.all([expectedResult(), produceFiles(topic)]);

      let watch: RssWatch | undefined;
      const r = await spawnCli(
        ['prod', 'soak@example.com', '--bounded', '--topic', topic, '--group', uniqueName('soak'), '--mysql', server.url(database), '--dead-letter-topic', deadLetterTopic, '--outbox', outbox, '--progress-interval', '1s', '--log-level', 'info'],
        { timeoutMs: 2_400_000, onSpawn: (pid) => (watch = watchRss(pid)) },
      );
      watch?.stop();
      expect(r.stderr.split('\n').filter((l) => l !== '' && !l.includes('"level":30'))).toEqual([]);
      expect(r.code).toBe(0);
      expectCounts(r.stdout, expected);
      expectBoundedMemory('prod', progressLines(r.stderr), watch as RssWatch);
      expectStateReported(r.stdout, outboxMail(outbox));

      const digest = new TableDigest();
      await streamMysqlOrderTable(server.port, database, (row) => digest.add(row));
      expect(digest.summary()).toEqual(expected.digest);
      expect(await deadLetterKeys(deadLetterTopic)).toEqual(expected.deadLetters);
    } finally {
      await admin.deleteTopics({ topics: [topic, deadLetterTopic] }).catch(() => undefined);
      await admin.disconnect();
      await server.destroy();
    }
  });
});

/** Sends each partition's file to its partition, in order, in sends under the broker's 1 MB request limit; partitions in parallel. */
async function produceFiles(topic: string): Promise<void> {
  const producer = kafkaClient().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await Promise.all(
      Array.from({ length: PARTITIONS }, async (_v, partition) => {
        let batch: { partition: number; value: string }[] = [];
        let bytes = 0;
        const flush = async (): Promise<void> => {
          if (batch.length > 0) await producer.send({ topic, messages: batch });
          batch = [];
          bytes = 0;
        };
        await eachLine(join(dir, `p${partition}.jsonl`), async (value) => {
          if (bytes + value.length > 900_000) await flush();
          batch.push({ partition, value });
          bytes += value.length + 70;
        });
        await flush();
      }),
    );
  } finally {
    await producer.disconnect();
  }
}
