import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goodOrders, hostileOrders, interleave, wrongDeadLetter, type HostileLayout } from '../support/hostile-orders';
import { referenceOrders } from '../support/reference-orders';
import { cliEnv, MAIN, summaryNumber } from '../support/run-cli';

jest.setTimeout(600_000);

const SEMANTICS = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };
/** Peak RSS a run may reach while ten-megabyte records flow through it. */
const MEMORY_BOUND_MB = 400;
/** Each 10 MB kind of the corpus this many times: 24 records of 10 MB, 240 MB in all. */
const HUGE_COPIES = 6;

interface DeadLetterLine {
  reason: string;
  detail: string;
  raw: string;
  raw_bytes?: number;
  partition: number;
  position: number;
}

/** Writes each partition as a file `p<n>.jsonl`, a record per line, one write per record. */
function writePartitions(dir: string, layout: HostileLayout): void {
  for (const [partition, values] of layout.partitions) {
    const fd = openSync(join(dir, `p${partition}.jsonl`), 'w');
    try {
      for (const v of values) {
        if (v === null || !(typeof v === 'string' || Buffer.isBuffer(v)))
          throw new Error('a file holds no tombstone or key');
        writeSync(fd, typeof v === 'string' ? Buffer.from(v) : v);
        writeSync(fd, '\n');
      }
    } finally {
      closeSync(fd);
    }
  }
}

describe('hexstream test on a corpus of hostile records (files)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-hostile-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('dead-letters every hostile record with its detail, writes the reference table, and stays under 400 MB', () => {
    const corpus = hostileOrders(HUGE_COPIES).filter((h) => h.kafkaOnly !== true);
    const layout = interleave(goodOrders(3000, 7), corpus);
    const input = join(dir, 'in');
    mkdirSync(input);
    writePartitions(input, layout);

    const out = join(dir, 'out');
    const r = spawnSync(
      process.execPath,
      [
        MAIN,
        'test',
        'ops@example.com',
        '--input',
        input,
        '--output',
        join(out, 'table.jsonl'),
        '--dead-letter',
        join(out, 'dead.jsonl'),
        '--outbox',
        join(out, 'outbox'),
        '--trigger-records',
        '500',
      ],
      {
        env: cliEnv(['test']),
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);

    const expected = referenceOrders(layout.reference, SEMANTICS);
    const table = readFileSync(join(out, 'table.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const rows = new Map(table.map(({ updated_at: _u, ...row }) => [String(row['rowkey']), row]));
    expect(rows).toEqual(expected.rows);

    const dead = readFileSync(join(out, 'dead.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as DeadLetterLine);
    const byPlace = (a: { partition: number; position: number }, b: { partition: number; position: number }): number =>
      a.partition - b.partition || a.position - b.position;
    expect(dead.map((d) => ({ reason: d.reason, partition: d.partition, position: d.position })).sort(byPlace)).toEqual(
      [...expected.deadLetters].sort(byPlace),
    );
    const at = new Map(dead.map((d) => [`${d.partition}:${d.position}`, d]));
    const wrong = layout.placed.map((p) => {
      const d = at.get(`${p.partition}:${p.position}`);
      return wrongDeadLetter(p, d === undefined ? undefined : { ...d, rawBytes: d.raw_bytes });
    });
    expect(wrong.filter((w) => w !== undefined)).toEqual([]);
    // No dead letter, whatever its record, is more than a few KiB.
    expect(Math.max(...dead.map((d) => Buffer.byteLength(JSON.stringify(d))))).toBeLessThan(8192);

    expect(summaryNumber(r.stdout, 'invalid')).toBe(expected.deadLetters.filter((d) => d.reason === 'invalid').length);
    expect(summaryNumber(r.stdout, 'accepted')).toBe(expected.accepted);
    expect(summaryNumber(r.stdout, 'peak memory')).toBeLessThan(MEMORY_BOUND_MB);
  });

  it('counts a last line of 20 MB without a newline, holding only its first 4 KiB', () => {
    const input = join(dir, 'tail.jsonl');
    const fd = openSync(input, 'w');
    writeSync(fd, '{"orderid":1,"itemid":1,"shopid":1,"region":"TW","count":1,"price":1,"timestamp":1735689600}\n');
    for (let i = 0; i < 20; i++) writeSync(fd, Buffer.alloc(1_000_000, 0x61));
    closeSync(fd);
    const out = join(dir, 'tail-out');
    const r = spawnSync(
      process.execPath,
      [
        MAIN,
        'test',
        'ops@example.com',
        '--input',
        input,
        '--output',
        join(out, 'table.jsonl'),
        '--dead-letter',
        join(out, 'dead.jsonl'),
        '--outbox',
        join(out, 'outbox'),
      ],
      { env: cliEnv(['test']), encoding: 'utf8', timeout: 120_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(out, 'dead.jsonl'), 'utf8')).toBe(
      `${JSON.stringify({ reason: 'invalid', detail: 'record is 20000000 bytes, more than the limit of 1048576; raw holds its first 4096 of 20000000 bytes', raw: 'a'.repeat(4096), raw_bytes: 20_000_000, source: input, partition: 0, position: 1 })}\n`,
    );
    expect(summaryNumber(r.stdout, 'accepted')).toBe(1);
    expect(summaryNumber(r.stdout, 'peak memory')).toBeLessThan(MEMORY_BOUND_MB);
  });
});
