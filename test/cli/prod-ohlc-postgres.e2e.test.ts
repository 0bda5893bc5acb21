import { generateOhlcTrades } from '../../src/domain/jobs/ohlc.generator';
import { topicWith, uniqueName } from '../support/kafka-topics';
import { createTestPgDatabase } from '../support/postgres';
import { referenceOhlc, type OhlcReferenceRow } from '../support/reference-ohlc';
import { runCli } from '../support/run-cli';

jest.setTimeout(300_000);

describe('hexstream prod --job ohlc --postgres (real Kafka and PostgreSQL)', () => {
  it('writes the reference bars into ohlc_bars, and a second run over the same topic changes nothing', async () => {
    const data = new Map<number, string[]>([
      [0, []],
      [1, []],
    ]);
    for (const { line } of generateOhlcTrades({
      count: 3_000,
      seed: 5,
      startMs: Date.UTC(2025, 0, 1),
      tradesPerSecond: 10,
      faultShare: 0.05,
    })) {
      const symbol = /"symbol":"([A-Z]+)"/.exec(line)?.[1] ?? '';
      (data.get(symbol.length % 2) as string[]).push(line);
    }
    const expected = referenceOhlc(data, { windowMs: 60_000, watermarkMs: 10_000 });
    const topic = await topicWith(data);
    const db = await createTestPgDatabase();
    const readBars = async (): Promise<Map<string, OhlcReferenceRow>> => {
      const rows = await db.query(
        `SELECT symbol, to_char(window_start, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ws, open, high, low, close, volume::text AS volume FROM ohlc_bars`,
      );
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
          },
        ]),
      );
    };
    try {
      const args = [
        'prod',
        'ops@example.com',
        '--job',
        'ohlc',
        '--topic',
        topic.topic,
        '--postgres',
        db.url,
        '--bounded',
        '--log-level',
        'error',
      ];
      const first = runCli([...args, '--group', uniqueName('ohlc'), '--outbox', `/tmp/${uniqueName('ohlc')}-outbox`]);
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/postgres:\/\/postgres@127\.0\.0\.1:5432\/\S+ table ohlc_bars/);
      expect(await readBars()).toEqual(expected.rows);
      // Another group, same database: the batch again upserts the same bars.
      const again = runCli([...args, '--group', uniqueName('ohlc2'), '--outbox', `/tmp/${uniqueName('ohlc2')}-outbox`]);
      expect(again.code).toBe(0);
      expect(await readBars()).toEqual(expected.rows);
    } finally {
      await db.drop();
      await topic.remove();
    }
  });
});
