import { generateTrades } from '../../src/domain/jobs/stock-averages.generator';
import { stockAveragesJob } from '../../src/domain/jobs/stock-averages.job';
import { topicWith, uniqueName } from '../support/kafka-topics';
import { createTestDatabase } from '../support/mariadb';
import { prodMember, quietWithOutbox } from '../support/prod-args';
import { referenceStockAverages, type StockReferenceRow } from '../support/reference-stock-averages';
import { runCli } from '../support/run-cli';
import { fixedWindow } from '../support/fixed-window';

jest.setTimeout(300_000);

/**
 * MariaDB stores the DOUBLE it is sent exactly, but renders it in a text result with fewer digits
 * than a round trip needs: a mean is compared to 12 significant digits.
 */
function twelveDigits(v: number): number {
  return Number(v.toPrecision(12));
}

describe('hexstream prod --job stock-averages (real Kafka and MariaDB)', () => {
  it('writes the reference table into stocks_averages, reading the topic to its end', async () => {
    // Three partitions keyed by symbol, as `produce --job stock-averages --to kafka` keys them.
    const data = new Map<number, string[]>([
      [0, []],
      [1, []],
      [2, []],
    ]);
    for (const { line } of generateTrades({
      count: 4_000,
      seed: 9,
      startMs: Date.UTC(2025, 0, 1),
      tradesPerSecond: 40,
      faultShare: 0.05,
    })) {
      const symbol = line.split(',')[0] ?? '';
      (data.get([...symbol].reduce((h, c) => h + c.charCodeAt(0), 0) % 3) as string[]).push(line);
    }
    const d = stockAveragesJob.defaults;
    const expected = referenceStockAverages(data, {
      windowMs: fixedWindow(d.window).lengthMs,
      slideMs: fixedWindow(d.window).slideMs,
      watermarkMs: d.watermarkMs,
    });
    const topic = await topicWith(data);
    const db = await createTestDatabase();
    try {
      const group = uniqueName('stocks');
      const r = runCli([
        ...prodMember({ job: 'stock-averages', topic: topic.topic, group }),
        '--mysql',
        db.url,
        '--output-mode',
        'update',
        '--bounded',
        ...quietWithOutbox(group),
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const iso = (v: unknown): string => `${String(v).replace(' ', 'T')}Z`;
      const rows = await db.query(
        'SELECT symbol, window_start, window_end, avg_price, min_price, max_price, trade_count, total_quantity FROM stocks_averages',
      );
      const actual = new Map<string, StockReferenceRow>(
        rows.map((x) => {
          const row: StockReferenceRow = {
            symbol: String(x.symbol),
            window_start: iso(x.window_start),
            window_end: iso(x.window_end),
            avg_price: twelveDigits(Number(x.avg_price)),
            min_price: Number(x.min_price),
            max_price: Number(x.max_price),
            trade_count: Number(x.trade_count),
            total_quantity: Number(x.total_quantity),
          };
          return [`${row.symbol}|${Date.parse(row.window_start)}|${Date.parse(row.window_end)}`, row];
        }),
      );
      expect(actual).toEqual(
        new Map([...expected.rows].map(([k, v]) => [k, { ...v, avg_price: twelveDigits(v.avg_price) }])),
      );
    } finally {
      await db.drop();
      await topic.remove();
    }
  });
});
