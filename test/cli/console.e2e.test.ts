import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { appendTo, kafkaClient, topicWith, uniqueName } from '../support/kafka-topics';
import { createTestDatabase } from '../support/mariadb';
import { exitStatusOf, slices, until } from '../support/prod-orders';
import { referenceOhlc } from '../support/reference-ohlc';
import { cliEnv, MAIN } from '../support/run-cli';

jest.setTimeout(300_000);

const T = Date.UTC(2025, 0, 1, 9, 30);
const SECONDS = 240;

/**
 * Trades of two symbols, one per second each for four minutes (four one-minute bars each), AAPL
 * on partition 0 and MSFT on partition 1; then three invalid records and one late trade.
 */
function trades(): Map<number, string[]> {
  const line = (symbol: string, price: number, volume: number, ts: number): string =>
    JSON.stringify({ symbol, price, volume, ts });
  const aapl: string[] = [];
  const msft: string[] = [];
  for (let i = 0; i < SECONDS; i++) {
    aapl.push(line('AAPL', 180 + ((i * 7) % 23) / 4, 1 + (i % 10), T + i * 1000));
    msft.push(line('MSFT', 400 + ((i * 11) % 29) / 4, 2 + (i % 7), T + i * 1000 + 500));
  }
  aapl.push('{"symbol":"AAPL","price":"x","volume":1,"ts":1}', 'not json', '{"symbol":"","price":1,"volume":1,"ts":1}');
  // The watermark is past the first minute's end: this trade is late.
  msft.push(line('MSFT', 1, 1, T + 5_000));
  return new Map([
    [0, aapl],
    [1, msft],
  ]);
}

/** `/metrics` as a map from `name{label="v",…}` (labels sorted) to value. */
async function metrics(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}metrics`)).text();
  const out = new Map<string, number>();
  for (const l of text.split('\n')) {
    const m = /^(hexstream_\w+)(?:\{(.*)\})? (\S+)$/.exec(l);
    if (m === null) continue;
    const labels = (m[2] ?? '').split(',').filter((x) => x !== '');
    out.set(`${m[1]}{${labels.sort().join(',')}}`, Number(m[3]));
  }
  return out;
}

/** The endpoint's URL, from the line `endpoint  http://…` on the run's stdout. */
function endpointUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no endpoint line within 60 s; stdout so far:\n${out}`)), 60_000);
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const url = /^endpoint\s+(http:\/\/\S+)$/m.exec(out)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve(url);
      }
    });
  });
}

async function attr(page: Page, selector: string, name: string): Promise<string | null> {
  const el = page.locator(selector);
  return (await el.count()) === 1 ? el.getAttribute(name) : null;
}

/** Each drawn candle: its figures as data, and the y of its wick's ends and of its body. */
async function candles(page: Page): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  for (const figure of await page.locator('figure.candle-chart').all()) {
    const symbol = (await figure.getAttribute('data-symbol')) ?? '';
    for (const g of await figure.locator('g.candle').all()) {
      const n = async (name: string, at = g): Promise<number> => Number(await at.getAttribute(name));
      const wick = g.locator('line.wick');
      const body = g.locator('rect');
      const start = await n('data-start');
      out.set(`${symbol}|${new Date(start).toISOString()}`, {
        open: await n('data-open'),
        high: await n('data-high'),
        low: await n('data-low'),
        close: await n('data-close'),
        volume: await n('data-volume'),
        up: (await g.getAttribute('class'))?.includes(' up') === true ? 1 : 0,
        wickTop: await n('y1', wick),
        wickBottom: await n('y2', wick),
        bodyTop: await n('y', body),
        bodyBottom: (await n('y', body)) + (await n('height', body)),
      });
    }
  }
  return out;
}

describe('the live console of hexstream prod (real Kafka and MariaDB, Chromium)', () => {
  let browser: Browser | undefined;
  afterAll(async () => browser?.close());

  it('shows the run: numbers equal to /metrics, charts with points, the candlesticks of the known bars', async () => {
    const data = trades();
    const expected = referenceOhlc(data, { windowMs: 60_000, watermarkMs: 10_000 });
    expect([expected.rows.size, expected.dead.length]).toEqual([8, 4]);
    // A quarter of the input is there when the run starts; the rest comes while the console watches.
    const [first, ...later] = slices(data, 4) as [Map<number, string[]>, ...Array<Map<number, string[]>>];
    const topic = await topicWith(first);
    const db = await createTestDatabase();
    const group = uniqueName('console');
    const args = ['prod', 'ops@example.com', '--job', 'ohlc', '--topic', topic.topic, '--group', group];
    const flags = [
      '--mysql',
      db.url,
      '--http',
      '127.0.0.1:0',
      '--outbox',
      `/tmp/${group}-outbox`,
      '--log-level',
      'error',
    ];
    const child = spawn(process.execPath, [MAIN, ...args, ...flags], {
      env: cliEnv(['prod']),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    try {
      const url = await endpointUrl(child);
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : undefined));
      await page.goto(url);
      for (const slice of later) {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await appendTo(topic.topic, slice);
      }
      const total = async (key: string): Promise<number> =>
        Number(await attr(page, `[data-total="${key}"]`, 'data-value'));
      const records = 2 * SECONDS + 4;
      await until(async () => (await total('read')) === records, `the console shows ${records} records read`);
      await until(
        async () => Number(await attr(page, 'path.series[data-series="records"]', 'data-points')) >= 3,
        'the records/s chart draws three points',
      );
      // The console samples once a second: its figures equal /metrics once the last commit is in a sample.
      const figures = async (): Promise<{ shown: Record<string, unknown>; metrics: Record<string, unknown> }> => {
        const m = await metrics(url);
        const metric = (name: string, labels: string[]): number | undefined =>
          m.get(`hexstream_${name}{${['job="ohlc"', ...labels].sort().join(',')}}`);
        const reasons = ['invalid', 'late', 'duplicate', 'error'];
        return {
          shown: {
            read: await total('read'),
            accepted: await total('accepted'),
            rowsWritten: await total('rowsWritten'),
            dead: await Promise.all(
              reasons.map(async (r) => Number(await attr(page, `[data-dead="${r}"]`, 'data-value'))),
            ),
          },
          metrics: {
            // The input has no blank line: every record read has one of the outcomes.
            read: ['accepted', ...reasons].reduce(
              (n, o) => n + (metric('records_total', [`outcome="${o}"`]) ?? NaN),
              0,
            ),
            accepted: metric('records_total', ['outcome="accepted"']),
            rowsWritten: metric('rows_written_total', []),
            dead: reasons.map((r) => metric('dead_letters_total', [`reason="${r}"`])),
          },
        };
      };
      const expectedBars = new Map(
        [...expected.rows.values()].map((r) => [
          `${r.symbol}|${r.window_start}`,
          { open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume },
        ]),
      );
      const barsShown = async (): Promise<Map<string, Record<string, number | undefined>>> =>
        new Map(
          [...(await candles(page))].map(([k, c]) => [
            k,
            { open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume },
          ]),
        );
      // Waited for, then asserted: a failure shows the difference.
      const settled = async (check: () => Promise<boolean>, what: string): Promise<void> =>
        until(check, what, 30_000).catch(() => undefined);
      await settled(async () => {
        const f = await figures();
        return isDeepStrictEqual(f.shown, f.metrics);
      }, 'the console shows the figures of /metrics');
      const f = await figures();
      expect(f.shown).toEqual(f.metrics);
      expect([f.shown['accepted'], f.shown['dead']]).toEqual([2 * SECONDS, [3, 1, 0, 0]]);
      await settled(async () => isDeepStrictEqual(await barsShown(), expectedBars), 'the candles show the bars');
      expect(await barsShown()).toEqual(expectedBars);

      const drawn = await candles(page);
      // Drawn as candles: the wick spans high to low around the body; the colour says up or down.
      for (const c of drawn.values()) {
        expect(c.wickTop).toBeLessThanOrEqual(c.bodyTop);
        expect(c.bodyBottom).toBeLessThanOrEqual(c.wickBottom + 1);
        expect(c.up).toBe(c.close >= c.open ? 1 : 0);
      }
      expect(problems).toEqual([]);
      mkdirSync('out', { recursive: true });
      await page.screenshot({ path: 'out/console.png', fullPage: true });

      child.kill('SIGTERM');
      expect(await exitStatusOf(child, 'prod stops on SIGTERM')).toEqual({ code: 0, signal: null });
      expect(stderr).toBe('');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await db.drop();
      await topic.remove();
      const admin = kafkaClient().admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [`${topic.topic}.dead-letter`] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
