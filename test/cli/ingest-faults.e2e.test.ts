import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIngest, type IngestProcess } from '../support/ingest-process';
import { readFeedTopic, waitForTopicCount } from '../support/feed-topics';
import { deleteTopics } from '../support/kafka-read';
import { BROKERS, uniqueName } from '../support/kafka-topics';
import { startScriptedHttpServer } from '../support/scripted-http-server';
import { ScriptedWsServer } from '../support/scripted-ws-server';

jest.setTimeout(180_000);

const T0 = Date.UTC(2026, 0, 6, 10, 0, 0);

/** The `ingest progress` log lines (JSON: stderr is not a terminal) as objects. */
function progressLines(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((o) => o['msg'] === 'ingest progress');
}

/** Whether a progress line told of an outage (`outage`: side, what failed, for how long) matching `what`. */
function showedOutage(stderr: string, what: RegExp): boolean {
  return progressLines(stderr).some((o) => typeof o['outage'] === 'string' && what.test(o['outage']));
}

/** An IEX batch body quoting `symbols` at `ts` (price from the time, whole cents). */
function batch(symbols: readonly string[], ts: number): string {
  return JSON.stringify(
    Object.fromEntries(
      symbols.map((symbol, i) => [
        symbol,
        { quote: { symbol, latestPrice: 100 + i + (ts % 97) / 100, latestUpdate: ts } },
      ]),
    ),
  );
}

interface Run {
  readonly topic: string;
  /** The ingest process started, stopped by `cleanup` if the test did not. */
  ingest?: IngestProcess;
  readonly dir: string;
  start(from: string, format: string, extra: readonly string[]): IngestProcess;
  cleanup(): Promise<void>;
}

function run(): Run {
  const topic = uniqueName('ingest-faults');
  const dir = mkdtempSync(join(tmpdir(), 'hexstream-ingest-faults-'));
  const r: Run = {
    topic,
    dir,
    start: (from, format, extra) =>
      (r.ingest = startIngest([
        'ops@example.com',
        '--from',
        from,
        '--format',
        format,
        '--topic',
        topic,
        '--brokers',
        BROKERS.join(','),
        '--http',
        'off',
        '--progress-interval',
        '250ms',
        '--outbox',
        join(dir, 'outbox'),
        ...extra,
      ])),
    cleanup: async () => {
      await r.ingest?.stop();
      await deleteTopics([topic, `${topic}.dead-letter`]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return r;
}

describe('hexstream ingest through faults of its feed', () => {
  it('reconnects to a WebSocket server gone silent, shows it, and loses no trade', async () => {
    const r = run();
    const frame = (n: number): string =>
      JSON.stringify({ type: 'trade', data: [{ s: 'AAPL', p: 190 + n, t: T0 + n * 1_000, v: n + 1 }] });
    // The first connection sends two trades and falls silent; the next three attempts are refused
    // (503: the outage lasts a few backoffs); the connection after them sends two more.
    const server = await ScriptedWsServer.start(
      (connection, n) => {
        connection.socket.once('message', () => {
          for (const k of n === 0 ? [0, 1] : n === 1 ? [2, 3] : []) connection.socket.send(frame(k));
        });
      },
      { refuse: (attempt) => (attempt >= 1 && attempt <= 3 ? 503 : undefined) },
    );
    try {
      const ingest = r.start(server.url, 'finnhub-trades', [
        '--subscribe',
        '{"type":"subscribe","symbol":"AAPL"}',
        '--silence',
        '1s',
      ]);
      await waitForTopicCount(r.topic, 4, 60_000);
      await ingest.waitForStderr(
        (s) => showedOutage(s, /^source (silent|.*503)/),
        'a progress line showing the outage of the feed',
      );
      const stopped = await ingest.stop();
      expect(stopped.code).toBe(0);
      expect(server.connections.slice(0, 2).map((c) => c.received)).toEqual([
        ['{"type":"subscribe","symbol":"AAPL"}'],
        ['{"type":"subscribe","symbol":"AAPL"}'],
      ]);
      expect((await readFeedTopic(r.topic)).map((m) => m.timestampMs)).toEqual([0, 1, 2, 3].map((n) => T0 + n * 1_000));
    } finally {
      await server.close();
      await r.cleanup();
    }
  });

  it('rides out a server answering 500 for a while, shows the outage, and sends every quote served after it', async () => {
    const r = run();
    const symbols = ['AAPL', 'MSFT'];
    const failUntil = Date.now() + 4_000;
    let good = 0;
    // 500s for 4 s, then six new batches, then the last one again (unchanged: nothing new).
    const server = await startScriptedHttpServer(() => {
      if (Date.now() < failUntil) return { status: 500, body: '{"error":"internal"}' };
      const k = Math.min(good++, 5);
      return { status: 200, body: batch(symbols, T0 + k * 10_000) };
    });
    try {
      const ingest = r.start(`${server.origin}/batch`, 'iex-batch', [
        '--every',
        '200ms',
        '--timeout',
        '1s',
        '--http',
        '127.0.0.1:0',
      ]);
      await ingest.waitForStderr(
        (s) => showedOutage(s, /^source .*500/),
        'a progress line showing the HTTP 500s',
        60_000,
      );
      // The endpoint counts it too: the feed's outage time, in /metrics.
      const endpoint = /^endpoint {7}(http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(ingest.stdout())?.[1];
      expect(endpoint).toBeDefined();
      const metrics = await (await fetch(`${endpoint ?? ''}metrics`)).text();
      const outage = /^hexstream_ingest_outage_seconds_total\{side="source"\} (\S+)$/m.exec(metrics)?.[1];
      expect(Number(outage)).toBeGreaterThan(0);
      await waitForTopicCount(r.topic, 12, 60_000);
      while (good < 8) await new Promise((resolve) => setTimeout(resolve, 100));
      const stopped = await ingest.stop();
      expect(stopped.code).toBe(0);
      const sent = (await readFeedTopic(r.topic)).map((m) => `${m.key ?? ''}@${m.timestampMs - T0}`).sort();
      expect(sent).toEqual([0, 1, 2, 3, 4, 5].flatMap((k) => symbols.map((s) => `${s}@${k * 10_000}`)).sort());
    } finally {
      await server.close();
      await r.cleanup();
    }
  });

  it('dead-letters a 10 MB response as too large, keeps polling, and sends the quotes after it', async () => {
    const r = run();
    const huge = `{"AAPL":{"quote":{"symbol":"AAPL","latestPrice":1,"latestUpdate":${T0},"note":"${'x'.repeat(10 * 1024 * 1024)}"}}}`;
    let n = 0;
    const server = await startScriptedHttpServer(() => {
      const k = n++;
      if (k === 0) return { status: 200, body: huge };
      return { status: 200, body: batch(['AAPL'], T0 + Math.min(k, 3) * 10_000) };
    });
    try {
      const ingest = r.start(`${server.origin}/batch`, 'iex-batch', ['--every', '200ms']);
      await waitForTopicCount(r.topic, 3, 60_000);
      await waitForTopicCount(`${r.topic}.dead-letter`, 1, 60_000);
      await ingest.waitForStderr(
        (s) => progressLines(s).some((o) => o['deadLetters'] === 1),
        'a progress line counting the too-large body as a dead letter',
      );
      const stopped = await ingest.stop();
      expect(stopped.code).toBe(0);
      expect((await readFeedTopic(r.topic)).map((m) => m.timestampMs - T0)).toEqual([10_000, 20_000, 30_000]);
      const letters = await readFeedTopic(`${r.topic}.dead-letter`);
      expect(letters.map((l) => l.headers['reason'])).toEqual(['too-large']);
      expect(letters[0]?.value.length).toBeLessThan(64 * 1024);
    } finally {
      await server.close();
      await r.cleanup();
    }
  });
});
