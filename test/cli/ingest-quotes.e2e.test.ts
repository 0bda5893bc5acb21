import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIngest, type IngestProcess } from '../support/ingest-process';
import { partitionsOf, readFeedTopic, waitForTopicCount } from '../support/feed-topics';
import { deleteTopics } from '../support/kafka-read';
import { BROKERS, uniqueName } from '../support/kafka-topics';
import { createTestDatabase } from '../support/mariadb';
import { referenceTopAverages, type TopAverageReferenceRow } from '../support/reference-top-averages';
import { runCli } from '../support/run-cli';
import { startScriptedHttpServer } from '../support/scripted-http-server';

jest.setTimeout(300_000);

const T0 = Date.UTC(2026, 0, 5, 14, 30, 0);
const SYMBOLS = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'TSLA'];
const RESPONSES = 12;

interface Served {
  readonly symbol: string;
  readonly price: number;
  readonly ts: number;
}

/**
 * Response n of the quote server (IEX batch shape): every symbol quoted, its update time moving on
 * by 7 s a response, except that response 4 repeats response 3 (unchanged quotes) and TSLA's
 * quote in response 6 has no price (a dead letter). Prices are whole cents, so that the averages
 * are exact in decimal.
 */
function response(n: number): { body: string; quotes: Served[] } {
  const step = n === 4 ? 3 : n;
  const entries: Array<[string, unknown]> = [];
  const quotes: Served[] = [];
  SYMBOLS.forEach((symbol, i) => {
    const ts = T0 + step * 7_000 + i * 100;
    const price = Math.round((100 + i * 37 + ((step * 13 + i * 7) % 29)) * 100 + step) / 100;
    if (n === 6 && symbol === 'TSLA') {
      entries.push([symbol, { quote: { symbol, latestUpdate: ts, companyName: 'Tesla' } }]);
      return;
    }
    entries.push([symbol, { quote: { symbol, latestPrice: price, latestUpdate: ts, latestSource: 'IEX real time' } }]);
    quotes.push({ symbol, price, ts });
  });
  return { body: JSON.stringify(Object.fromEntries(entries)), quotes };
}

describe('hexstream ingest --format iex-batch → Kafka → prod --job top-averages → MariaDB', () => {
  it('puts every quote served on the topic once, and the table equals the reference of what was served', async () => {
    const topic = uniqueName('ingest-quotes');
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-ingest-quotes-'));
    // After the script, the last response again and again: nothing new.
    const server = await startScriptedHttpServer((n) => ({
      status: 200,
      body: response(Math.min(n, RESPONSES - 1)).body,
    }));
    const served = new Map<string, Served>();
    for (let n = 0; n < RESPONSES; n++) for (const q of response(n).quotes) served.set(`${q.symbol}|${q.ts}`, q);
    const expected = [...served.values()];
    let ingest: IngestProcess | undefined;
    const db = await createTestDatabase();
    try {
      ingest = startIngest([
        'ops@example.com',
        '--from',
        `${server.origin}/batch`,
        '--format',
        'iex-batch',
        '--every',
        '200ms',
        '--topic',
        topic,
        '--brokers',
        BROKERS.join(','),
        '--http',
        'off',
        '--outbox',
        join(dir, 'outbox'),
      ]);
      await waitForTopicCount(topic, expected.length);
      while (server.requests.length < RESPONSES + 2) await new Promise((resolve) => setTimeout(resolve, 100));
      const stopped = await ingest.stop();
      expect(stopped.code).toBe(0);

      const messages = await readFeedTopic(topic);
      const asSent = messages.map((m) => ({
        key: m.key,
        timestampMs: m.timestampMs,
        value: JSON.parse(m.value) as unknown,
      }));
      const byIdentity = (a: { timestampMs: number; key?: string }, b: { timestampMs: number; key?: string }): number =>
        a.timestampMs - b.timestampMs || String(a.key).localeCompare(String(b.key));
      expect(asSent.sort(byIdentity)).toEqual(
        expected
          .map((q) => ({ key: q.symbol, timestampMs: q.ts, value: { symbol: q.symbol, price: q.price, ts: q.ts } }))
          .sort(byIdentity),
      );
      const letters = await readFeedTopic(`${topic}.dead-letter`);
      expect(letters.map((l) => l.headers['reason'])).toEqual(['invalid']);
      expect(letters[0]?.headers['detail']).toMatch(/TSLA/);
      expect(letters[0]?.headers['detail']).toMatch(/price/i);

      const r = runCli([
        'prod',
        'ops@example.com',
        '--job',
        'top-averages',
        '--topic',
        topic,
        '--group',
        uniqueName('ingest-top'),
        '--mysql',
        db.url,
        '--output-mode',
        'update',
        '--bounded',
        '--log-level',
        'error',
        '--outbox',
        join(dir, 'prod-outbox'),
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const reference = referenceTopAverages(partitionsOf(messages), 10_000);
      expect(reference.deadLetters).toEqual([]);
      const rows = await db.query('SELECT window_end, aggregation_type, `rank`, symbol, average FROM top_averages');
      const actual = new Map<string, TopAverageReferenceRow>(
        rows.map((x) => {
          const row = {
            window_end: Date.parse(`${String(x.window_end).replace(' ', 'T')}Z`),
            aggregation_type: Number(x.aggregation_type),
            rank: Number(x.rank),
            symbol: String(x.symbol),
            average: Number(x.average),
          };
          return [`${row.aggregation_type}|${row.window_end}|${row.rank}`, row];
        }),
      );
      // MariaDB renders a DOUBLE in text with fewer digits than a round trip needs: 12 are compared.
      const twelve = (m: Map<string, TopAverageReferenceRow>): Map<string, TopAverageReferenceRow> =>
        new Map([...m].map(([k, v]) => [k, { ...v, average: Number(v.average.toPrecision(12)) }]));
      expect(actual.size).toBeGreaterThan(0);
      expect(twelve(actual)).toEqual(twelve(reference.rows));
    } finally {
      await ingest?.stop();
      await server.close();
      await db.drop();
      await deleteTopics([topic, `${topic}.dead-letter`]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
