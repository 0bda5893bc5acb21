import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { kafkaClient, uniqueName } from '../support/kafka-topics';
import { createTestDatabase, MARIADB_PORT } from '../support/mariadb';
import { deadLetterKey, deadLetterKeys } from '../support/prod-orders';
import { summaryNumber } from '../support/run-cli';
import { eachLine, progressLines, type ProgressLine, type RssWatch, watchRss } from '../support/soak';
import { spawnCli } from '../support/spawn-cli';
import type { ReferenceDigest } from './soak-digests';

/**
 * The bounded-memory soak: 5,000,000 orders spanning 24 hours of event time (1,440 one-minute
 * windows close), through `test` mode (files) and through `prod` (Kafka → the shared MariaDB). The process's
 * peak RSS, as the kernel counts it (VmHWM), stays under 400 MB, and neither it nor the state the
 * progress lines report grows as windows close: the second half of the run's RSS stays at the level
 * of the first (medians of the progress lines). The results equal an independent reference that itself forgets closed windows (a
 * digest of every row, and the dead letters one by one).
 *
 * Generating the input, the reference and the digests of the results run in plain node processes
 * (`soak-digests.ts`), the reference beside the hexstream process under test: in jest's sandbox
 * the same code runs 2–3× slower.
 */
jest.setTimeout(3_600_000);

const ORDERS = 5_000_000;
const DAY_MS = 86_400_000;
const PARTITIONS = 3;
const PEAK_RSS_MB = 400;
/** The second half's median RSS may lie this much above the first's (GC timing), far below what keeping closed windows would add. */
const RSS_SLACK_MB = 40;
/**
 * State the engine may hold at any moment: the records of one trigger (`--trigger-records`, 50,000
 * by default) plus those of the event-time span still open (window + watermark + drift between
 * partitions, well under 10 minutes at 5,000,000 orders a day). Closed windows add nothing.
 */
const STATE_BOUND = 50_000 + Math.ceil((10 * 60_000 * ORDERS) / DAY_MS);

const DIGESTS = [resolve(__dirname, '..', 'support', 'ts-register.cjs'), resolve(__dirname, 'soak-digests.ts')];

/** Runs `soak-digests.ts` with `args` in a node process of its own; its JSON answer. */
function digests<T>(...args: string[]): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['-r', DIGESTS[0] as string, DIGESTS[1] as string, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolvePromise(JSON.parse(stdout) as T)
        : reject(new Error(`soak-digests ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

let dir: string;
let expectedOnce: Promise<ReferenceDigest> | undefined;

/** The reference over the input, computed once (started by whichever test needs it first). */
function expectedResult(): Promise<ReferenceDigest> {
  expectedOnce ??= digests<ReferenceDigest>('reference', dir, String(PARTITIONS));
  return expectedOnce;
}

/** Two sorted lists of about 50,000 entries: equal, or the first difference (jest would diff them element by element for minutes). */
function expectSameList(actual: readonly string[], expected: readonly string[]): void {
  const first = actual.findIndex((a, i) => a !== expected[i]);
  expect({ length: actual.length, firstDifference: first < 0 ? undefined : actual[first] }).toEqual({
    length: expected.length,
    firstDifference: first < 0 ? undefined : expected[first],
  });
}

/**
 * Memory over the run: peak RSS under the limit, the second half (by records read) at the level of
 * the first, and the state the progress lines report within its bound throughout.
 */
function expectBoundedMemory(mode: string, lines: readonly ProgressLine[], watch: RssWatch): void {
  const most = (f: (l: ProgressLine) => number, from = 0, to = Infinity): number =>
    Math.max(...lines.filter((l) => l.read > from && l.read <= to).map(f));
  // The numbers the README quotes.
  console.log(
    `${mode}: peak RSS ${watch.peakMb().toFixed(0)} MB (VmHWM); progress RSS peak ${most((l) => l.rssMb, ORDERS * 0.1, ORDERS / 2)} MB in the first half, ` +
      `${most((l) => l.rssMb, ORDERS / 2)} MB in the second (medians ${halfMedian(lines, ORDERS * 0.1, ORDERS / 2)} and ${halfMedian(lines, ORDERS / 2, Infinity)} MB); state rows ≤ ${most((l) => l.stateRows)}, ids ≤ ${most((l) => l.rememberedIds)}, open windows ≤ ${most((l) => l.openWindows)}`,
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
  // Medians, not the halves' peaks: a progress line also comes while a commit is in flight, when the
  // statement being sent is in memory, so a half's peak is one GC-timed sample (first-half peaks of
  // 300–335 MB against second-half ones of 309–349 MB in runs of one build). A leak that grows with
  // the run lifts the whole second half, and its median with it.
  expect(halfMedian(lines, ORDERS / 2, Infinity)).toBeLessThanOrEqual(
    halfMedian(lines, ORDERS * 0.1, ORDERS / 2) + RSS_SLACK_MB,
  );
  // State is one trigger's records plus the open span, so how much of it a line sees depends on how
  // many records the last trigger took (processing speed), not on the run's length: it is held to a
  // bound set by the settings, which 1,440 closed windows' rows (about 5,000,000) would exceed many times.
  expect(peak(lines, (l) => l.stateRows)).toBeLessThanOrEqual(STATE_BOUND);
  expect(peak(lines, (l) => l.rememberedIds)).toBeLessThanOrEqual(STATE_BOUND);
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

/** The median RSS of the progress lines with `from < read ≤ to`. */
function halfMedian(lines: readonly ProgressLine[], from: number, to: number): number {
  return median(lines.filter((l) => l.read > from && l.read <= to).map((l) => l.rssMb));
}

/** The summary's and the report's account of the state at its peak and the peak RSS. */
function expectStateReported(stdout: string, mail: string): void {
  const peakLine =
    /^peak memory\s+([\d,]+) MB RSS\s+\(state at peak: ([\d,]+) open windows, ([\d,]+) rows, ([\d,]+) ids; at end: .*\)$/m.exec(
      stdout,
    );
  expect(peakLine).not.toBeNull();
  const [, rss, , rows, ids] = (peakLine as RegExpExecArray).map((n) => Number(n.replace(/,/g, '')));
  expect(rss).toBeLessThan(PEAK_RSS_MB);
  expect(rows).toBeLessThanOrEqual(STATE_BOUND);
  expect(ids).toBeLessThanOrEqual(STATE_BOUND);
  expect(mail).toMatch(/open windows/);
  expect(mail).toMatch(/ids/);
}

function expectCounts(stdout: string, expected: ReferenceDigest): void {
  expect(summaryNumber(stdout, 'records read')).toBe(ORDERS);
  expect(summaryNumber(stdout, 'accepted')).toBe(expected.accepted);
  const count = (reason: string): number => expected.deadLetters.filter((d) => d.startsWith(`${reason}@`)).length;
  expect(summaryNumber(stdout, 'invalid')).toBe(count('invalid'));
  expect(summaryNumber(stdout, 'late')).toBe(count('late'));
  expect(summaryNumber(stdout, 'duplicates')).toBe(count('duplicate'));
}

function outboxMail(outbox: string): string {
  const files = readdirSync(outbox);
  expect(files).toHaveLength(1);
  return readFileSync(join(outbox, files[0] as string), 'utf8');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hexstream-soak-'));
  const { lines } = await digests<{ lines: number[] }>('input', dir, String(ORDERS), String(PARTITIONS));
  expect(lines.reduce((a, b) => a + b, 0)).toBe(ORDERS);
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
        [
          'test',
          'soak@example.com',
          '--input',
          dir,
          '--output',
          join(out, 'table.jsonl'),
          '--dead-letter',
          join(out, 'dead.jsonl'),
          '--outbox',
          join(out, 'outbox'),
          '--progress-interval',
          '1s',
          '--log-level',
          'info',
        ],
        { timeoutMs: 1_500_000, onSpawn: (pid) => (watch = watchRss(pid)) },
      ),
      expectedResult(),
    ]);
    watch?.stop();
    // The input is what the test means it to be: 24 hours (1,440 windows and the edges), about 1 % rejected.
    expect(expected.windows).toBeGreaterThanOrEqual(1_440);
    expect(expected.windows).toBeLessThanOrEqual(1_442);
    expect(expected.accepted).toBeGreaterThan(ORDERS * 0.98);
    expect(expected.deadLetters.length).toBe(ORDERS - expected.accepted);
    expect(expected.digest.rows).toBeGreaterThan(ORDERS * 0.9);
    expect(expected.digest.orders).toBe(expected.accepted);

    expect(r.stderr.split('\n').filter((l) => l !== '' && !l.includes('"level":30'))).toEqual([]);
    expect(r.code).toBe(0);
    expectCounts(r.stdout, expected);
    expectBoundedMemory('test', progressLines(r.stderr), watch as RssWatch);
    expectStateReported(r.stdout, outboxMail(join(out, 'outbox')));
    expect(await digests('file-table', join(out, 'table.jsonl'))).toEqual(expected.digest);
    const dead: string[] = [];
    await eachLine(join(out, 'dead.jsonl'), (line) => {
      dead.push(deadLetterKey(JSON.parse(line) as { reason: string; partition: number; position: number }));
    });
    expectSameList(dead.sort(), expected.deadLetters);
    rmSync(out, { recursive: true, force: true });
  });

  it('prod: Kafka in, MariaDB out (REPLACE upserts), dead letters to their topic', async () => {
    // The shared server as configured (a 128 MB buffer pool): the table's key begins with the
    // window, so its 5,000,000 rows are appended, not inserted at random places past the pool.
    const db = await createTestDatabase();
    const kafka = kafkaClient();
    const admin = kafka.admin();
    await admin.connect();
    const topic = uniqueName('hexstream-soak');
    const deadLetterTopic = `${topic}.dead-letter`;
    const outbox = join(dir, 'prod-outbox');
    try {
      await admin.createTopics({
        topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
        waitForLeaders: true,
      });
      // The reference (if the test-mode case has not computed it) runs while the topic fills and prod reads it.
      const expectedNow = expectedResult();
      expectedNow.catch(() => undefined);
      await produceFiles(topic);

      let watch: RssWatch | undefined;
      const [r, expected] = await Promise.all([
        spawnCli(
          [
            'prod',
            'soak@example.com',
            '--bounded',
            '--topic',
            topic,
            '--group',
            uniqueName('soak'),
            '--mysql',
            db.url,
            '--dead-letter-topic',
            deadLetterTopic,
            '--outbox',
            outbox,
            '--progress-interval',
            '1s',
            '--log-level',
            'info',
          ],
          { timeoutMs: 2_400_000, onSpawn: (pid) => (watch = watchRss(pid)) },
        ),
        expectedNow,
      ]);
      watch?.stop();
      expect(r.stderr.split('\n').filter((l) => l !== '' && !l.includes('"level":30'))).toEqual([]);
      expect(r.code).toBe(0);
      expectCounts(r.stdout, expected);
      expectBoundedMemory('prod', progressLines(r.stderr), watch as RssWatch);
      expectStateReported(r.stdout, outboxMail(outbox));
      expect(await digests('mysql-table', String(MARIADB_PORT), db.name)).toEqual(expected.digest);
      expectSameList(await deadLetterKeys(deadLetterTopic), expected.deadLetters);
    } finally {
      await admin.deleteTopics({ topics: [topic, deadLetterTopic] }).catch(() => undefined);
      await admin.disconnect();
      await db.drop();
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
