import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { deleteTopics } from '../support/kafka-read';
import { topicWith, uniqueName } from '../support/kafka-topics';
import { createTestDatabase } from '../support/mariadb';
import { runCli, summaryNumber } from '../support/run-cli';
import { spawnCli } from '../support/spawn-cli';

jest.setTimeout(180_000);

/**
 * A run that read records and accepted none exits 3 with one line: the job, how many it rejected,
 * the most common reason (details that differ only in their values count together) and a hint.
 * Expected counts come from the inputs themselves: every line of the CSV sample is one record.
 */
const SAMPLES = resolve(__dirname, '..', '..', 'samples');
const CSV_LINES = readFileSync(join(SAMPLES, 'stock-averages.csv'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '');
const fmt = (n: number): string => n.toLocaleString('en-US');

describe('a run that accepts nothing exits 3 and says why', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-none-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const outputs = (): string[] => [
    '--output',
    join(dir, 'o.jsonl'),
    '--dead-letter',
    join(dir, 'd.jsonl'),
    '--outbox',
    join(dir, 'ob'),
  ];

  it('test: a directory of CSV files given to the JSON orders job', () => {
    mkdirSync(join(dir, 'csv'));
    copyFileSync(join(SAMPLES, 'stock-averages.csv'), join(dir, 'csv', 'a.csv'));
    copyFileSync(join(SAMPLES, 'stock-averages.csv'), join(dir, 'csv', 'b.csv'));
    const r = runCli(['test', 'you@example.com', '--input', join(dir, 'csv'), ...outputs()]);
    expect(r.code).toBe(3);
    // Every line starts with a symbol: JSON.parse fails at its first letter, quoting the line's
    // start (V8 quotes 10 characters and "..." of a long text, the whole of a short one).
    const first = CSV_LINES[0] as string;
    const example = JSON.stringify(first.slice(0, 10));
    expect(r.stderr).toBe(
      `hexstream: NOTHING_ACCEPTED: job orders accepted none of the records it read: ${fmt(2 * CSV_LINES.length)} rejected; most often (${fmt(2 * CSV_LINES.length)} of them) invalid: not valid JSON: Unexpected token '${first[0] ?? ''}', ${example}... is not valid JSON — not JSON: is this the right --job?\n`,
    );
    // The summary is still printed, with the same counts.
    expect(summaryNumber(r.stdout, 'accepted')).toBe(0);
    expect(summaryNumber(r.stdout, 'invalid')).toBe(2 * CSV_LINES.length);
  });

  it('test: a .gz file', () => {
    const gz = gzipSync(readFileSync(join(SAMPLES, 'orders.jsonl')));
    writeFileSync(join(dir, 'orders.jsonl.gz'), gz);
    const r = runCli(['test', 'you@example.com', '--input', join(dir, 'orders.jsonl.gz'), ...outputs()]);
    expect(r.code).toBe(3);
    // Binary: lines end wherever a 0x0A byte falls; each line is a record, refused as not UTF-8.
    const records = gz
      .toString('latin1')
      .split('\n')
      .filter((l) => l.trim() !== '').length;
    expect(r.stderr).toMatch(
      new RegExp(
        `^hexstream: NOTHING_ACCEPTED: job orders accepted none of the records it read: ${fmt(records)} rejected; most often \\([\\d,]+ of them\\) invalid: invalid UTF-8 at byte \\d+ of the record — not text: a compressed \\(\\.gz\\) or binary file\\? Give the uncompressed file\\n$`,
      ),
    );
  });

  it('test: an empty file is no failure (nothing read, nothing rejected)', () => {
    writeFileSync(join(dir, 'empty.jsonl'), '');
    const r = runCli(['test', 'you@example.com', '--input', join(dir, 'empty.jsonl'), ...outputs()]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('batch: the CSV directory into MySQL', async () => {
    const db = await createTestDatabase();
    try {
      mkdirSync(join(dir, 'csv'));
      copyFileSync(join(SAMPLES, 'stock-averages.csv'), join(dir, 'csv', 'a.csv'));
      const r = runCli([
        'batch',
        'you@example.com',
        '--input',
        join(dir, 'csv'),
        '--mysql',
        db.url,
        '--dead-letter',
        join(dir, 'd.jsonl'),
        '--outbox',
        join(dir, 'ob'),
      ]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        new RegExp(
          `^hexstream: NOTHING_ACCEPTED: job orders accepted none of the records it read: ${fmt(CSV_LINES.length)} rejected; most often \\(${fmt(CSV_LINES.length)} of them\\) invalid: not valid JSON: .* — not JSON: is this the right --job\\?\\n$`,
        ),
      );
      // Run again over the same files: nothing new is read, so nothing is rejected: exit 0.
      const again = runCli([
        'batch',
        'you@example.com',
        '--input',
        join(dir, 'csv'),
        '--mysql',
        db.url,
        '--dead-letter',
        join(dir, 'd.jsonl'),
        '--outbox',
        join(dir, 'ob'),
      ]);
      expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: '' });
    } finally {
      await db.drop();
    }
  });

  it('prod --bounded: a topic of CSV lines into MySQL', async () => {
    const topic = await topicWith(new Map([[0, CSV_LINES.slice(0, 200)]]));
    const db = await createTestDatabase();
    const dlq = `${topic.topic}.dead-letter`;
    try {
      const r = await spawnCli([
        'prod',
        'ops@example.com',
        '--bounded',
        '--topic',
        topic.topic,
        '--group',
        uniqueName('none'),
        '--dead-letter-topic',
        dlq,
        '--mysql',
        db.url,
        '--log-level',
        'error',
        '--outbox',
        join(dir, 'ob'),
      ]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        new RegExp(
          `^hexstream: NOTHING_ACCEPTED: job orders accepted none of the records it read: 200 rejected; most often \\(200 of them\\) invalid: not valid JSON: .* — not JSON: is this the right --job\\?\\n$`,
        ),
      );
    } finally {
      await db.drop();
      await topic.remove();
      await deleteTopics([dlq]);
    }
  });
});
