import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIngest, type IngestProcess } from '../support/ingest-process';
import { partitionsOf, readFeedTopic, waitForTopicCount } from '../support/feed-topics';
import { deleteTopics } from '../support/kafka-read';
import { BROKERS, uniqueName } from '../support/kafka-topics';
import { createTestPgDatabase } from '../support/postgres';
import { referenceOhlc, type OhlcReferenceRow } from '../support/reference-ohlc';
import { runCli } from '../support/run-cli';
import { ScriptedWsServer } from '../support/scripted-ws-server';

jest.setTimeout(300_000);

const T0 = Date.UTC(2026, 0, 5, 15, 0, 0);
const SYMBOLS = ['BINANCE:BTCUSDT', 'AAPL', 'MSFT'];
const TOKEN = 'fh-0a1b2c3d4e5f';
const SUBSCRIPTIONS = SYMBOLS.map((s) => JSON.stringify({ type: 'subscribe', symbol: s }));

interface Trade {
  readonly s: string;
  readonly p: number;
  readonly t: number;
  readonly v: number;
}

/** 60 messages of one to three trades over about four minutes of event time, a ping every tenth. */
function script(): { frames: string[]; trades: Trade[] } {
  const frames: string[] = [];
  const trades: Trade[] = [];
  let t = T0;
  for (let m = 0; m < 60; m++) {
    if (m % 10 === 0) frames.push('{"type":"ping"}');
    const data: Trade[] = [];
    for (let k = 0; k <= m % 3; k++) {
      t += 1_300;
      const i = (m + k) % SYMBOLS.length;
      data.push({
        s: SYMBOLS[i] ?? '',
        p: 100 + i * 50 + ((m * 7 + k * 3) % 19) + (m % 4) / 4,
        t,
        v: 1 + ((m + k) % 9),
      });
    }
    trades.push(...data);
    frames.push(JSON.stringify({ type: 'trade', data }));
  }
  frames.push('{"type":"news","headline":"not a trade"}');
  return { frames, trades };
}

describe('hexstream ingest --format finnhub-trades → Kafka → prod --job ohlc --postgres', () => {
  it('sends every trade streamed once, keyed by symbol at its time, and the bars equal the reference', async () => {
    const topic = uniqueName('ingest-trades');
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-ingest-trades-'));
    const { frames, trades } = script();
    // Finnhub answers a subscription with the trades of its symbol: here, all of them once all are in.
    const server = await ScriptedWsServer.start((connection) => {
      connection.socket.on('message', () => {
        if (connection.received.length === SUBSCRIPTIONS.length)
          for (const frame of frames) connection.socket.send(frame);
      });
    });
    let ingest: IngestProcess | undefined;
    const db = await createTestPgDatabase();
    try {
      ingest = startIngest(
        [
          'ops@example.com',
          '--from',
          server.url,
          '--format',
          'finnhub-trades',
          ...SUBSCRIPTIONS.flatMap((s) => ['--subscribe', s]),
          '--topic',
          topic,
          '--brokers',
          BROKERS.join(','),
          '--token-env',
          'FINNHUB_TOKEN',
          '--token-in',
          'header:X-Finnhub-Token',
          '--http',
          'off',
          '--outbox',
          join(dir, 'outbox'),
        ],
        { FINNHUB_TOKEN: TOKEN },
      );
      await waitForTopicCount(topic, trades.length);
      const stopped = await ingest.stop();
      expect(stopped.code).toBe(0);
      expect(server.connections[0]?.received).toEqual(SUBSCRIPTIONS);
      expect(server.connections[0]?.headers['x-finnhub-token']).toBe(TOKEN);
      expect(`${stopped.stdout}${stopped.stderr}`).not.toContain(TOKEN);

      const messages = await readFeedTopic(topic);
      const sent = messages.map((m) => ({
        key: m.key,
        timestampMs: m.timestampMs,
        value: JSON.parse(m.value) as unknown,
      }));
      const byTime = (a: { timestampMs: number }, b: { timestampMs: number }): number => a.timestampMs - b.timestampMs;
      expect(sent.sort(byTime)).toEqual(
        trades.map((x) => ({ key: x.s, timestampMs: x.t, value: { symbol: x.s, price: x.p, volume: x.v, ts: x.t } })),
      );
      const letters = await readFeedTopic(`${topic}.dead-letter`);
      expect(letters.map((l) => [l.headers['reason'], l.value])).toEqual([
        ['invalid', '{"type":"news","headline":"not a trade"}'],
      ]);

      const r = runCli([
        'prod',
        'ops@example.com',
        '--job',
        'ohlc',
        '--topic',
        topic,
        '--postgres',
        db.url,
        '--bounded',
        '--log-level',
        'error',
        '--group',
        uniqueName('ingest-ohlc'),
        '--outbox',
        join(dir, 'prod-outbox'),
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const expected = referenceOhlc(partitionsOf(messages), { windowMs: 60_000, watermarkMs: 10_000 });
      expect(expected.dead).toEqual([]);
      const rows = await db.query(
        `SELECT symbol, to_char(window_start, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ws, open, high, low, close, volume::text AS volume FROM ohlc_bars`,
      );
      const bars = new Map<string, OhlcReferenceRow>(
        rows.map((x) => [
          `${String(x.symbol)}|${Date.parse(String(x.ws))}`,
          {
            symbol: String(x.symbol),
            window_start: String(x.ws),
            open: Number(x.open),
            high: Number(x.high),
            low: Number(x.low),
            close: Number(x.close),
            volume: Number(x.volume),
          },
        ]),
      );
      expect(bars.size).toBeGreaterThan(SYMBOLS.length);
      expect(bars).toEqual(expected.rows);
    } finally {
      await ingest?.stop();
      await server.close();
      await db.drop();
      await deleteTopics([topic, `${topic}.dead-letter`]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
