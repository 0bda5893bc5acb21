import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Admin } from 'kafkajs';
import { generatePrices } from '../../src/domain/jobs/price-stats.generator';
import { BROKERS, kafkaClient, uniqueName } from '../support/kafka-topics';
import { createTestDatabase } from '../support/mariadb';
import { referencePriceStats, type PriceStatsReference } from '../support/reference-price-stats';
import { referenceTopPrice } from '../support/reference-top-price';
import { runCli } from '../support/run-cli';

jest.setTimeout(300_000);

const SAMPLES = resolve(__dirname, '..', '..', 'samples');

interface PrintedReport {
  messages: number;
  stats: Map<string, { count: number; min: number; max: number; mean: number; stddev: number }>;
  outliers: string[];
}

/** Reads the report `price-stats` prints after the run summary. */
function printedReport(stdout: string): PrintedReport {
  const lines = stdout.split('\n');
  const head = lines.findIndex((l) => l.startsWith('price-stats: '));
  const messages = Number(/^price-stats: ([\d,]+) messages/.exec(lines[head] ?? '')?.[1]?.replace(/,/g, '') ?? NaN);
  const stats: PrintedReport['stats'] = new Map();
  let i = head + 2;
  for (; i < lines.length && !(lines[i] ?? '').startsWith('outliers: '); i++) {
    const [symbol, count, min, max, mean, stddev] = (lines[i] ?? '').trim().split(/\s+/) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    stats.set(symbol, {
      count: Number(count.replace(/,/g, '')),
      min: Number(min),
      max: Number(max),
      mean: Number(mean),
      stddev: Number(stddev),
    });
  }
  const outliers = lines
    .slice(i + 2)
    .filter((l) => l.trim() !== '')
    .map((l) =>
      l
        .trim()
        .split(/\s{2,}/)
        .join(' | '),
    );
  return { messages, stats, outliers };
}

/** What the report must show: the reference, rounded as printed (means and deviations to 6 decimals). */
function expectReport(printed: PrintedReport, expected: PriceStatsReference): void {
  expect(printed.messages).toBe(expected.messages);
  expect([...printed.stats.keys()].sort()).toEqual([...expected.rows.keys()].sort());
  for (const [symbol, s] of printed.stats) {
    const r = expected.rows.get(symbol);
    expect({ count: s.count, min: s.min, max: s.max }).toEqual({ count: r?.count, min: r?.min, max: r?.max });
    expect(Math.abs(s.mean - (r?.mean ?? NaN))).toBeLessThanOrEqual(5.000001e-7);
    expect(Math.abs(s.stddev - (r?.stddev ?? NaN))).toBeLessThanOrEqual(5.000001e-7);
  }
  const outliers = [...expected.rows.values()]
    .flatMap((r) => r.outliers.map((o) => ({ ...o, symbol: r.symbol })))
    .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : a.symbol < b.symbol ? -1 : 1))
    .map((o) => `${o.ts} | ${o.symbol} | ${o.price}`);
  expect(outliers.length).toBeGreaterThan(0);
  expect(printed.outliers).toEqual(outliers);
}

describe('top-price and price-stats in test mode (built CLI, shipped samples)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-price-jobs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('top-price writes the reference table of its sample, and its dead letters', () => {
    const out = join(dir, 'top-price.jsonl');
    const dead = join(dir, 'top-price.dead.jsonl');
    const r = runCli([
      'test',
      'you@example.com',
      '--job',
      'top-price',
      '--output',
      out,
      '--dead-letter',
      dead,
      '--outbox',
      join(dir, 'outbox'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sample = readFileSync(join(SAMPLES, 'top-price.jsonl'), 'utf8').split('\n').slice(0, -1);
    const expected = referenceTopPrice(new Map([[0, sample]]), { windowMs: 300_000, watermarkMs: 30_000 });
    const rows = readFileSync(out, 'utf8')
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      new Map(rows.map((x) => [String(x.window_end), { window_end: x.window_end, symbol: x.symbol, price: x.price }])),
    ).toEqual(expected.rows);
    const letters = readFileSync(dead, 'utf8')
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l) as { reason: string; position: number });
    expect(letters.map((d) => `${d.reason}@0:${d.position}`)).toEqual(expected.dead);
    expect(expected.dead.filter((d) => d.startsWith('late')).length).toBeGreaterThan(10);
  });

  it('price-stats prints the report of its sample and writes one row per symbol', () => {
    const out = join(dir, 'price-stats.jsonl');
    const r = runCli([
      'test',
      'you@example.com',
      '--job',
      'price-stats',
      '--output',
      out,
      '--dead-letter',
      join(dir, 'ps.dead.jsonl'),
      '--outbox',
      join(dir, 'outbox'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sample = readFileSync(join(SAMPLES, 'price-stats.jsonl'), 'utf8').split('\n').slice(0, -1);
    const expected = referencePriceStats(new Map([[0, sample]]));
    expect(expected.messages).toBe(5_000);
    expectReport(printedReport(r.stdout), expected);
    const rows = readFileSync(out, 'utf8')
      .split('\n')
      .slice(0, -1)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => [x.symbol, x.price_count, x.min_price, x.max_price]).sort()).toEqual(
      [...expected.rows.values()].map((x) => [x.symbol, x.count, x.min, x.max]).sort(),
    );
  });

  it('both run side by side with --job top-price,price-stats', () => {
    const r = runCli(['test', 'you@example.com', '--job', 'top-price,price-stats', '--outbox', join(dir, 'outbox')], {
      cwd: dir,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('job top-price');
    expect(printedReport(r.stdout).messages).toBe(5_000);
    expect(readFileSync(join(dir, 'out', 'top-price.jsonl'), 'utf8').split('\n').length).toBeGreaterThan(5);
  });
});

describe('price-stats against the real broker and MariaDB', () => {
  let admin: Admin;
  let dir: string;
  const topics: string[] = [];
  beforeAll(async () => {
    admin = kafkaClient().admin();
    await admin.connect();
    dir = mkdtempSync(join(tmpdir(), 'hexstream-price-stats-'));
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Produces `count` prices to a fresh topic with the CLI; returns the topic and the lines sent. */
  const produce = async (count: number, seed: number): Promise<{ topic: string; lines: string[] }> => {
    const topic = uniqueName('hexstream-prices');
    topics.push(topic);
    const r = runCli([
      'produce',
      '--job',
      'price-stats',
      '--to',
      'kafka',
      '--topic',
      topic,
      '--brokers',
      BROKERS.join(','),
      '--count',
      String(count),
      '--seed',
      String(seed),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `sent ${count.toLocaleString('en-US')} price-stats records (valid ${count.toLocaleString('en-US')}, late 0, duplicate 0, malformed 0) to topic ${topic}`,
    );
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0)).toBe(count);
    // The same options give the same lines (what `produce` sent, checked by count above).
    const lines = [
      ...generatePrices({ count, seed, startMs: Date.UTC(2025, 0, 1), pricesPerSecond: 1000, faultShare: 0 }),
    ].map((g) => g.line);
    return { topic, lines };
  };

  it('counts exactly the messages sent, and the reference statistics, on each fresh topic, then stops by itself', async () => {
    const db = await createTestDatabase();
    try {
      // The default group and database for both topics: the second must not see the first's state.
      const prod = (topic: string): ReturnType<typeof runCli> =>
        runCli([
          'prod',
          'ops@example.com',
          '--job',
          'price-stats',
          '--topic',
          topic,
          '--brokers',
          BROKERS.join(','),
          '--mysql',
          db.url,
          '--log-level',
          'error',
          '--outbox',
          join(dir, 'outbox'),
        ]);
      const first = await produce(3_000, 11);
      const r1 = prod(first.topic);
      expect(r1.stderr).toBe('');
      expect(r1.code).toBe(0);
      const expected1 = referencePriceStats(new Map([[0, first.lines]]));
      expect(expected1.messages).toBe(3_000);
      expectReport(printedReport(r1.stdout), expected1);
      const rows = await db.query(
        'SELECT symbol, price_count, min_price, max_price, mean_price, stddev_price, outlier_count FROM price_stats ORDER BY symbol',
      );
      expect(
        rows.map((x) => [
          x.symbol,
          Number(x.price_count),
          Number(x.min_price),
          Number(x.max_price),
          Number(x.outlier_count),
        ]),
      ).toEqual(
        [...expected1.rows.values()]
          .sort((a, b) => (a.symbol < b.symbol ? -1 : 1))
          .map((x) => [x.symbol, x.count, x.min, x.max, x.outliers.length]),
      );
      for (const x of rows) {
        const r = expected1.rows.get(String(x.symbol));
        expect(Number(Number(x.mean_price).toPrecision(12))).toBe(Number(r?.mean.toPrecision(12)));
        expect(Number(Number(x.stddev_price).toPrecision(10))).toBe(Number(r?.stddev.toPrecision(10)));
      }

      const second = await produce(1_234, 12);
      const r2 = prod(second.topic);
      expect(r2.stderr).toBe('');
      expect(r2.code).toBe(0);
      expectReport(printedReport(r2.stdout), referencePriceStats(new Map([[0, second.lines]])));

      // Run again on the first topic: it continues from its own state, still exactly the messages sent.
      const again = prod(first.topic);
      expect(again.code).toBe(0);
      expectReport(printedReport(again.stdout), expected1);
    } finally {
      await db.drop();
    }
  });
});
