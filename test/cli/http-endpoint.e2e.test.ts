import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOrders } from '../../src/domain/jobs/orders.generator';
import { topicWith, uniqueName } from '../support/kafka-topics';
import { createTestDatabase } from '../support/mariadb';
import {
  endpointUrl,
  expectedOrdersFigures,
  fetchAnswer,
  pickSeries,
  scrapeMetrics,
  total,
} from '../support/metrics-scrape';
import { exitOf, orderPartitions, until } from '../support/prod-orders';
import { prodMember } from '../support/prod-args';
import { referenceOrders } from '../support/reference-orders';
import { cliEnv, MAIN } from '../support/run-cli';
import { holdPort, release } from '../contracts/http-endpoint.contract';

jest.setTimeout(180_000);

const SEMANTICS = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };
/** Append mode: a row is written once, when the watermark closes its window, so the rows written are exact. */
const EXACT = ['--output-mode', 'append', '--idle-timeout', 'off', '--log-level', 'error'];
/** No trigger until the input ends (test mode's standard input, held open). */
const NO_TRIGGER = ['--trigger-interval', '1h', '--trigger-records', '1000000'];

interface Cli {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<number | null>;
}

function start(args: readonly string[]): Cli {
  const child = spawn(process.execPath, [MAIN, ...args], { env: cliEnv(args) });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  return { child, stdout: () => out, stderr: () => err, exited: exitOf(child) };
}

async function urlOf(cli: Cli): Promise<string> {
  await until(
    async () => endpointUrl(cli.stdout()) !== undefined,
    `the endpoint line (stderr: ${cli.stderr()})`,
    30_000,
  );
  return endpointUrl(cli.stdout()) as string;
}

/**
 * Waits until the run counted `records` records and (`afterTrigger`) fired a trigger after that,
 * so that every figure is final for this input; returns that scrape.
 */
async function settled(
  url: string,
  job: string,
  records: number,
  afterTrigger: boolean,
  headers: Record<string, string> = {},
): Promise<Map<string, number>> {
  let triggers = Infinity;
  let last = new Map<string, number>();
  await until(
    async () => {
      last = await scrapeMetrics(url, headers);
      const counted = total(last, `hexstream_records_total{job="${job}"`);
      const fired = last.get(`hexstream_triggers_total{job="${job}"}`) ?? 0;
      if (counted === records && triggers === Infinity) triggers = fired;
      return counted === records && (!afterTrigger || fired > triggers);
    },
    `/metrics counts ${records} records of job ${job}${afterTrigger ? ' and a trigger after them' : ''}`,
  );
  return last;
}

describe('the HTTP endpoint of a run', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-http-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const files = (): string[] => [
    '--output',
    join(dir, 'out.jsonl'),
    '--dead-letter',
    join(dir, 'dead.jsonl'),
    '--outbox',
    join(dir, 'outbox'),
  ];

  it('test --http: /metrics gives the exact counts of a known input, /health/ready says ready, the URL comes first', async () => {
    const lines = [
      ...generateOrders({
        count: 3_000,
        seed: 5,
        startMs: Date.UTC(2025, 0, 1),
        ordersPerSecond: 20,
        faultShare: 0.05,
      }),
    ].map((g) => g.line);
    const expected = referenceOrders(new Map([[0, lines]]), SEMANTICS);
    const records = lines.length - expected.blank;
    // Standard input stays open: the run goes on, and its figures can be read once it has counted
    // everything. No trigger fires before the input ends, so no window is closed yet.
    const cli = start([
      'test',
      'ops@example.com',
      '--http',
      '127.0.0.1:0',
      '--input',
      '-',
      ...NO_TRIGGER,
      ...EXACT,
      ...files(),
    ]);
    cli.child.stdin.write(`${lines.join('\n')}\n`);
    try {
      const url = await urlOf(cli);
      const values = await settled(url, 'orders', records, false);
      const want = expectedOrdersFigures('orders', expected, SEMANTICS.watermarkMs, false);
      want.set('hexstream_triggers_total{job="orders"}', 0);
      expect(pickSeries(values, want)).toEqual(want);
      expect(values.get('hexstream_up{job="orders"}')).toBe(1);
      expect(values.get('hexstream_ready{job="orders"}')).toBe(1);
      expect(await fetchAnswer(`${url}health/ready`)).toEqual({
        status: 200,
        body: '{"ready":true,"jobs":[{"job":"orders","ready":true}]}\n',
      });
      expect(await fetchAnswer(`${url}health/live`)).toEqual({ status: 200, body: '{"live":true}\n' });
    } finally {
      cli.child.stdin.end();
    }
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toBe('');
    expect(cli.stdout().split('\n')[0]).toMatch(/^endpoint {7}http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(cli.stdout()).toMatch(new RegExp(`^accepted +${expected.accepted.toLocaleString('en-US')}$`, 'm'));
  });

  it('test --http-linger: after a bounded run, /metrics still gives its exact final counts until a signal', async () => {
    const lines = [
      ...generateOrders({
        count: 2_000,
        seed: 9,
        startMs: Date.UTC(2025, 0, 1),
        ordersPerSecond: 20,
        faultShare: 0.05,
      }),
    ].map((g) => g.line);
    const input = join(dir, 'orders.jsonl');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const expected = referenceOrders(new Map([[0, lines]]), SEMANTICS);
    const cli = start([
      'test',
      'ops@example.com',
      '--http',
      '127.0.0.1:0',
      '--http-linger',
      '2m',
      '--input',
      input,
      ...EXACT,
      ...files(),
    ]);
    try {
      await until(
        async () => /^endpoint +stays up for 2m /m.test(cli.stdout()),
        'the line saying the endpoint stays up',
      );
      const url = endpointUrl(cli.stdout()) as string;
      const values = await scrapeMetrics(url);
      // The run is over: every window was flushed at the end of the input, in append mode once each.
      const dead = (reason: string): number => expected.deadLetters.filter((d) => d.reason === reason).length;
      const want = new Map<string, number>([
        ['hexstream_records_total{job="orders",outcome="accepted"}', expected.accepted],
        ['hexstream_rows_written_total{job="orders"}', expected.rows.size],
        ['hexstream_state_rows{job="orders"}', 0],
        ['hexstream_open_windows{job="orders"}', 0],
        ['hexstream_up{job="orders"}', 0],
      ]);
      for (const reason of ['invalid', 'late', 'duplicate', 'error']) {
        want.set(`hexstream_records_total{job="orders",outcome="${reason}"}`, dead(reason));
        want.set(`hexstream_dead_letters_total{job="orders",reason="${reason}"}`, dead(reason));
      }
      expect(pickSeries(values, want)).toEqual(want);
      expect(cli.stdout()).toMatch(new RegExp(`^accepted +${expected.accepted.toLocaleString('en-US')}$`, 'm'));
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    }
  });

  it('prod: /metrics on the real broker and MariaDB gives the exact counts, lag and rows of a known topic', async () => {
    const data = orderPartitions(4_000, 23);
    const expected = referenceOrders(data, SEMANTICS);
    const records = [...data.values()].reduce((n, l) => n + l.length, 0) - expected.blank;
    const { topic, remove } = await topicWith(data);
    const db = await createTestDatabase();
    const group = uniqueName('g-http');
    const cli = start([
      ...prodMember({ topic, group }),
      '--http',
      '127.0.0.1:0',
      '--mysql',
      db.url,
      '--dead-letter-topic',
      `${topic}.dl`,
      ...EXACT,
      '--outbox',
      join(dir, 'outbox'),
    ]);
    try {
      const url = await urlOf(cli);
      const values = await settled(url, 'orders', records, true);
      const want = expectedOrdersFigures('orders', expected, SEMANTICS.watermarkMs, true);
      for (const p of data.keys()) want.set(`hexstream_consumer_lag_records{job="orders",partition="${p}"}`, 0);
      want.set('hexstream_replayed_records_total{job="orders"}', 0);
      want.set('hexstream_outage_seconds_total{job="orders",side="sink"}', 0);
      want.set('hexstream_commit_failures_total{job="orders"}', 0);
      expect(pickSeries(values, want)).toEqual(want);
      expect(values.get('hexstream_ready{job="orders"}')).toBe(1);
      expect((await fetchAnswer(`${url}health/ready`)).status).toBe(200);
      // Each committed row was written once (append mode): the table holds exactly the rows counted.
      await until(
        async () =>
          Number((await db.query('SELECT COUNT(*) AS n FROM agg_order_window'))[0]?.['n']) ===
          want.get('hexstream_rows_written_total{job="orders"}'),
        'the table holds the rows written',
        30_000,
      );
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toBe(0);
      expect(cli.stdout().split('\n')[0]).toMatch(/^endpoint {7}http:\/\/127\.0\.0\.1:\d+\/$/);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      await db.drop();
      await remove();
    }
  });

  it('refuses a taken port given explicitly: one line, exit 2, nothing run', async () => {
    const held = await holdPort();
    try {
      const cli = start(['test', 'ops@example.com', '--http', `127.0.0.1:${held.port}`, ...files()]);
      expect(await cli.exited).toBe(2);
      expect(cli.stderr()).toBe(
        `hexstream: --http: port ${held.port} is already in use on 127.0.0.1: give another with --http HOST:PORT, or --http off\n`,
      );
      expect(cli.stdout()).toBe('');
    } finally {
      await release(held.server);
    }
  });

  it('with --http-token, asks the token of /metrics but not of the health checks, and never shows it', async () => {
    const token = 'tok-7f3a9c1e5b';
    const lines = [
      ...generateOrders({ count: 50, seed: 9, startMs: Date.UTC(2025, 0, 1), ordersPerSecond: 20, faultShare: 0 }),
    ].map((g) => g.line);
    const cli = start([
      'test',
      'ops@example.com',
      '--http',
      '127.0.0.1:0',
      '--http-token',
      token,
      '--input',
      '-',
      ...NO_TRIGGER,
      ...files(),
    ]);
    cli.child.stdin.write(`${lines.join('\n')}\n`);
    try {
      const url = await urlOf(cli);
      const refused = await fetchAnswer(`${url}metrics`);
      expect(refused.status).toBe(401);
      expect(refused.body).not.toContain(token);
      const values = await settled(url, 'orders', 50, false, { authorization: `Bearer ${token}` });
      expect(values.get('hexstream_records_total{job="orders",outcome="accepted"}')).toBe(50);
      expect((await fetchAnswer(`${url}health/live`)).status).toBe(200);
    } finally {
      cli.child.stdin.end();
    }
    expect(await cli.exited).toBe(0);
    expect(cli.stdout()).not.toContain(token);
    expect(cli.stderr()).toBe('');
  });
});
