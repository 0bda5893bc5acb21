import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOhlcTrades } from '../../src/domain/jobs/ohlc.generator';
import { createTestDatabase } from '../support/mariadb';
import { createTestPgDatabase } from '../support/postgres';
import { referenceOhlc, type OhlcReferenceRow } from '../support/reference-ohlc';
import { ENDPOINT_LINE, runCli } from '../support/run-cli';

jest.setTimeout(180_000);

/** FNV-1a of the file name, 31 bits: the partition id `batch` gives a file (written out independently). */
function partitionOf(name: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(name, 'utf8')) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h & 0x7fffffff;
}

interface Database {
  readonly flag: '--mysql' | '--postgres';
  readonly url: string;
  /** The table with every column, `updated_at` included, as text. */
  readBars(): Promise<Map<string, OhlcReferenceRow & { updated_at: string }>>;
  drop(): Promise<void>;
}

async function mysqlDatabase(): Promise<Database> {
  const db = await createTestDatabase();
  return {
    flag: '--mysql',
    url: db.url,
    readBars: async () => {
      const rows = await db.query(
        `SELECT symbol, DATE_FORMAT(window_start, '%Y-%m-%dT%H:%i:%s.%fZ') AS ws, open, high, low, close, volume, DATE_FORMAT(updated_at, '%Y-%m-%d %H:%i:%s.%f') AS u FROM ohlc_bars`,
      );
      return barsOf(rows.map((r) => ({ ...r, ws: String(r.ws).replace(/(\.\d{3})\d{3}Z$/, '$1Z') })));
    },
    drop: () => db.drop(),
  };
}

async function postgresDatabase(): Promise<Database> {
  const db = await createTestPgDatabase();
  return {
    flag: '--postgres',
    url: db.url,
    readBars: async () =>
      barsOf(
        await db.query(
          `SELECT symbol, to_char(window_start, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ws, open, high, low, close, volume::text AS volume, updated_at::text AS u FROM ohlc_bars`,
        ),
      ),
    drop: () => db.drop(),
  };
}

function barsOf(rows: ReadonlyArray<Record<string, unknown>>): Map<string, OhlcReferenceRow & { updated_at: string }> {
  return new Map(
    rows.map((r) => [
      `${String(r.symbol)}|${Date.parse(String(r.ws))}`,
      {
        symbol: String(r.symbol),
        window_start: String(r.ws),
        open: Number(r.open),
        high: Number(r.high),
        low: Number(r.low),
        close: Number(r.close),
        volume: Number(r.volume),
        updated_at: String(r.u),
      },
    ]),
  );
}

function withoutUpdatedAt(bars: Map<string, OhlcReferenceRow & { updated_at: string }>): Map<string, OhlcReferenceRow> {
  return new Map([...bars].map(([k, { updated_at: _u, ...bar }]) => [k, bar]));
}

describe.each([
  ['MariaDB', mysqlDatabase],
  ['PostgreSQL', postgresDatabase],
])('hexstream batch --job ohlc over a directory of JSON Lines and CSV files into %s', (_name, open) => {
  it('writes the reference bars; a second run changes nothing; lines appended after the run are late', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-batch-'));
    const input = join(dir, 'trades');
    mkdirSync(input);
    // Symbols with an even name length go to trades-a.jsonl (faults included), the others to
    // trades-b.csv (valid trades after a header line, which is a dead letter like any non-trade).
    const json: string[] = [];
    const csv: string[] = ['symbol,price,volume,ts'];
    const csvAsJson: string[] = ['header line'];
    for (const { line, kind } of generateOhlcTrades({
      count: 2_400,
      seed: 11,
      startMs: Date.UTC(2025, 0, 1),
      tradesPerSecond: 8,
      faultShare: 0.05,
    })) {
      const symbol = /"symbol":"([A-Z]+)"/.exec(line)?.[1] ?? '';
      if (symbol.length % 2 === 0) json.push(line);
      else if (kind !== 'malformed') {
        const t = JSON.parse(line) as { symbol: string; price: number; volume: number; ts: number };
        csv.push(`${t.symbol},${t.price},${t.volume},${t.ts}`);
        csvAsJson.push(line);
      }
    }
    writeFileSync(join(input, 'trades-a.jsonl'), `${json.join('\n')}\n`);
    writeFileSync(join(input, 'trades-b.csv'), `${csv.join('\r\n')}\r\n`);
    const [pa, pb] = [partitionOf('trades-a.jsonl'), partitionOf('trades-b.csv')];
    const expected = referenceOhlc(
      new Map([
        [pa, json],
        [pb, csvAsJson],
      ]),
      { windowMs: 60_000, watermarkMs: 10_000 },
    );
    const deadLetterFile = join(dir, 'dead.jsonl');
    const sourceOf = new Map([
      [pa, 'trades-a.jsonl'],
      [pb, 'trades-b.csv'],
    ]);
    /** The dead letters of one file; each names its input file, the one its partition id stands for. */
    const readDeadFile = (file: string): string[] =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { reason: string; source: string; partition: number; position: number })
        .map((d) => {
          expect(d.source).toBe(sourceOf.get(d.partition));
          return `${d.reason}@${d.partition}:${d.position}`;
        })
        .sort();
    const readDead = (): string[] => readDeadFile(deadLetterFile);
    /** The files each run left: its own, and those of earlier runs kept under their dates. */
    const deadFiles = (): string[] =>
      readdirSync(dir)
        .filter((n) => n.startsWith('dead.'))
        .sort();
    const db = await open();
    try {
      const args = [
        'batch',
        'ops@example.com',
        '--job',
        'ohlc',
        '--input',
        input,
        db.flag,
        db.url,
        '--dead-letter',
        deadLetterFile,
        '--outbox',
        join(dir, 'outbox'),
      ];
      const first = runCli(args);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(
        new RegExp(`records read\\s+${(json.length + csv.length).toLocaleString('en-US')}\\n`),
      );
      const bars = await db.readBars();
      expect(withoutUpdatedAt(bars)).toEqual(expected.rows);
      expect(readDead()).toEqual([...expected.dead].sort());
      expect(expected.dead.filter((d) => d.startsWith('late@')).length).toBeGreaterThan(0);

      // Again over the same files: nothing read, nothing written (updated_at included). The first
      // run's dead letters are kept under the time it wrote them; this run's file is empty.
      const again = runCli(args);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/records read\s+0\n/);
      expect(await db.readBars()).toEqual(bars);
      expect(readDead()).toEqual([]);
      const kept = deadFiles().filter((n) => n !== 'dead.jsonl');
      expect(kept).toEqual([expect.stringMatching(/^dead\.\d{8}T\d{9}Z\.jsonl$/)]);
      expect(readDeadFile(join(dir, kept[0] ?? ''))).toEqual([...expected.dead].sort());

      // Two trades appended to the JSON file: read on from where the first run ended. The first run
      // flushed every window at the end of its input, so they are late; the table stays as it was.
      appendFileSync(
        join(input, 'trades-a.jsonl'),
        `${JSON.stringify({ symbol: 'AAPL', price: 1, volume: 1, ts: Date.UTC(2025, 0, 2) })}\n{"symbol":"AAPL"}\n`,
      );
      const third = runCli(args);
      // Both rejected, none accepted: exit 3, with the first of the two equally common reasons.
      expect(third.code).toBe(3);
      expect(third.stderr).toMatch(
        /^hexstream: NOTHING_ACCEPTED: job ohlc accepted none of the records it read: 2 rejected; most often \(1 of them\) late: event time 2025-01-02T00:00:00\.000Z is behind watermark .* — their windows had closed: is --watermark too short\?\n$/,
      );
      expect(third.stdout).toMatch(/records read\s+2\n/);
      expect(await db.readBars()).toEqual(bars);
      expect(readDead()).toEqual([`late@${pa}:${json.length}`, `invalid@${pa}:${json.length + 1}`].sort());
      // The empty file of the second run was not kept: nothing of it to lose.
      expect(deadFiles()).toEqual([...kept, 'dead.jsonl'].sort());
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hexstream batch: a dead-letter file that cannot be written', () => {
  it('exits 1 with one line naming the file and ENOSPC, and commits no row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-batch-full-'));
    const db = await mysqlDatabase();
    try {
      const input = join(dir, 'trades.jsonl');
      const trades = [0, 1, 2].map((i) =>
        JSON.stringify({ symbol: 'AAPL', price: 10 + i, volume: 1, ts: Date.UTC(2025, 0, 1, 0, i) }),
      );
      writeFileSync(input, `${trades.join('\n')}\n{"symbol":"AAPL"}\n`);
      const r = runCli([
        'batch',
        'ops@example.com',
        '--job',
        'ohlc',
        '--input',
        input,
        '--mysql',
        db.url,
        '--dead-letter',
        '/dev/full',
        '--outbox',
        join(dir, 'outbox'),
      ]);
      expect(r.stderr).toBe(
        'hexstream: SINK_WRITE_FAILED: cannot write /dev/full: ENOSPC: no space left on device, write\n',
      );
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`${ENDPOINT_LINE.source}$`));
      // The trigger's dead letters are written before its rows: its rows were not committed.
      expect((await db.readBars()).size).toBe(0);
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hexstream batch: command line', () => {
  it('exits 2 naming --input when it is missing', () => {
    const r = runCli(['batch', 'ops@example.com', '--job', 'ohlc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('hexstream: batch: --input is required (hexstream batch --help)\n');
  });
});

describe('hexstream batch --mysql mariadb://…', () => {
  it('takes the mariadb:// scheme as MySQL and writes the table', async () => {
    const db = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-mariadb-'));
    try {
      const order = (id: number, shop: number): string =>
        JSON.stringify({
          orderid: id,
          itemid: 100001,
          shopid: shop,
          region: 'TW',
          count: 2,
          price: 1.5,
          timestamp: 1735689690,
        });
      writeFileSync(join(dir, 'orders.jsonl'), `${order(1, 100001)}\n${order(2, 100002)}\n`);
      const url = db.url.replace(/^mysql:/, 'mariadb:');
      expect(url).toMatch(/^mariadb:\/\//);
      const r = runCli([
        'batch',
        'ops@example.com',
        '--input',
        join(dir, 'orders.jsonl'),
        '--mysql',
        url,
        '--dead-letter',
        join(dir, 'dead.jsonl'),
        '--outbox',
        join(dir, 'outbox'),
      ]);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toContain(`→ ${url} table agg_order_window`);
      // One row per shop of the one window, each of one order of 2 items at 1.50.
      const rows = await db.query(
        'SELECT shop_id, total_orders, total_expenditure FROM agg_order_window ORDER BY shop_id',
      );
      expect(
        rows.map((row) => [Number(row['shop_id']), Number(row['total_orders']), String(row['total_expenditure'])]),
      ).toEqual([
        [100001, 1, '3.00'],
        [100002, 1, '3.00'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });
});
