import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { deleteTopics } from '../support/kafka-read';
import { BROKERS, kafkaClient, topicWith } from '../support/kafka-topics';
import { createTestDatabase, type TestDatabase } from '../support/mariadb';
import { exitStatusOf, until } from '../support/prod-orders';
import { cliEnv, MAIN } from '../support/run-cli';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..', '..');

/** An order of the orders job, at `second` seconds after 2025-01-01T00:00:00Z. */
const order = (id: number, second: number): string =>
  `{"orderid":${id},"itemid":10,"shopid":100472,"region":"ID","count":2,"price":19.80,"timestamp":${1735689600 + second}}`;

/** Markup in a key: the page must show it as text. */
const HOSTILE_KEY = '<img src=x onerror="window.pwned=1">';

/**
 * One partition: offset 0 is the order the page must show; 2 moves the watermark to 90 s, so 3 and
 * 6 (in the closed first minute) are late; 4 repeats 2's id while its window is open (duplicate);
 * 1 and 5 are not JSON (invalid).
 */
const INPUT = [
  { key: 'shop-100472', value: order(1, 0) },
  { key: 'bad-1', value: '{oops' },
  { key: 'shop-100472', value: order(2, 100) },
  { key: 'late-1', value: order(3, 1) },
  { key: 'dup-1', value: order(2, 100) },
  { key: HOSTILE_KEY, value: 'not json <script>window.pwned = 1</script>' },
  { key: 'late-2', value: order(4, 5) },
];

/** The source offsets of each reason's dead letters, in the order they are written. */
const LATE_OFFSETS = ['3', '6'];

describe('the topic browser, beside a prod run', () => {
  let db: TestDatabase;
  let topic: string;
  let removeTopic: () => Promise<void>;
  let prod: ChildProcess;
  let url: string;
  let browser: Browser;
  let outbox: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ topic, remove: removeTopic } = await topicWith(new Map([[0, INPUT]]), { timestampMs: Date.UTC(2026, 0, 1) }));
    outbox = mkdtempSync(join(tmpdir(), 'hexstream-topics-'));
    const args = ['prod', 'ops@example.com', '--brokers', BROKERS.join(','), '--topic', topic, '--mysql', db.url];
    prod = spawn(process.execPath, [MAIN, ...args, '--http', '127.0.0.1:0', '--outbox', outbox], {
      env: cliEnv(['prod']),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    prod.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    prod.stderr?.resume();
    await until(async () => /^endpoint\s+(http:\/\/\S+)$/m.test(stdout), `prod prints its endpoint:\n${stdout}`);
    url = /^endpoint\s+(http:\/\/\S+)$/m.exec(stdout)?.[1] ?? '';
    // Every dead letter written: 5 of them.
    const admin = kafkaClient().admin();
    await admin.connect();
    await until(async () => {
      const topics = await admin.listTopics();
      if (!topics.includes(`${topic}.dead-letter`)) return false;
      const offsets = await admin.fetchTopicOffsets(`${topic}.dead-letter`);
      return offsets.reduce((n, o) => n + Number(o.high), 0) === 5;
    }, 'the run wrote its 5 dead letters');
    await admin.disconnect();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    prod?.kill('SIGTERM');
    if (prod !== undefined) await exitStatusOf(prod, 'prod stops on SIGTERM');
    await removeTopic?.();
    await deleteTopics([`${topic}.dead-letter`]);
    await db?.drop();
    rmSync(outbox, { recursive: true, force: true });
  });

  it('shows a known message of the input topic with its key, pretty-printed', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${url}topics?topic=${topic}&partition=0&offset=0&limit=3`);
      const first = page.locator('#messages tr[data-offset="0"]');
      await first.waitFor({ timeout: 30_000 });
      expect(await first.locator('td.key').innerText()).toBe('shop-100472');
      expect(await first.locator('td.value pre').innerText()).toBe(
        [
          '{',
          '  "orderid": 1,',
          '  "itemid": 10,',
          '  "shopid": 100472,',
          '  "region": "ID",',
          '  "count": 2,',
          '  "price": 19.80,',
          '  "timestamp": 1735689600',
          '}',
        ].join('\n'),
      );
      expect(await page.locator('#messages tbody tr').count()).toBe(3);
      expect(await page.locator('#messages tr[data-offset="1"] td.value').innerText()).toBe('{oops');
      // The tail (the last 3 messages) holds the record with markup in its key and value: shown as text.
      await page.locator('#from').selectOption('end');
      await page.locator('#load').click();
      const hostile = page.locator('#messages tr[data-offset="5"]');
      await hostile.waitFor({ timeout: 30_000 });
      expect(await hostile.locator('td.key').innerText()).toBe(HOSTILE_KEY);
      expect(await hostile.locator('td.value').innerText()).toBe('not json <script>window.pwned = 1</script>');
      expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    } finally {
      await page.close();
    }
  });

  it('filters the dead-letter topic by reason', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await page.goto(`${url}topics`);
      await page.locator(`button[data-topic="${topic}.dead-letter"]`).click();
      await page.locator('#reason').selectOption('late');
      await page.locator('#from').selectOption('offset');
      await page.locator('#offset').fill('0');
      await page.locator('#load').click();
      // Opening the topic showed its last messages; the filtered page replaces them.
      await page.locator('#summary', { hasText: 'with reason late' }).waitFor({ timeout: 30_000 });
      const rows = page.locator('#messages tbody tr');
      expect(await rows.count()).toBe(2);
      const reasons: Array<string | null> = [];
      const sourceOffsets: Array<string | undefined> = [];
      for (let i = 0; i < (await rows.count()); i++) {
        reasons.push(await rows.nth(i).getAttribute('data-reason'));
        sourceOffsets.push(/source-offset: (\d+)/.exec(await rows.nth(i).locator('td.headers').innerText())?.[1]);
      }
      expect(reasons).toEqual(['late', 'late']);
      expect(sourceOffsets).toEqual(LATE_OFFSETS);
      expect(await page.locator('#summary').innerText()).toBe(
        '2 messages with reason late (looked at 5); partition 0 holds offsets 0–5',
      );
      mkdirSync(join(ROOT, 'out'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'out', 'topics.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
