import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Child, field, fmt, MAIN as main, WORK as work } from './common';
import { endpointCost } from './endpoint-cost';
import { definitionComparison } from './orders-definitions';
import { prodBenchmark } from './prod-bench';
import { reportSinkGrowth, sinkGrowth } from './sink-growth';

/**
 * `npm run bench`: generates 1,000,000 orders (10 minutes of event time) and times, in one run,
 * (a) a bare readline + JSON.parse loop over the file, (b) the `test` pipeline on it and (c) the
 * same pipeline with the built-in orders job and with its hand-written baseline (see
 * orders-definitions.ts), each in its own process so peak RSS is its own; then the same orders
 * through Kafka and MySQL (`prod`, see prod-bench.ts). BENCH_PROD=0 skips the Kafka/MySQL part,
 * BENCH_FILE=0 the file part, BENCH_DEFINITIONS=0 the comparison (c). Then (d), the pipeline
 * of (b) with the HTTP endpoint off and on (scraped every second; see endpoint-cost.ts);
 * BENCH_ENDPOINT=0 skips it. Then the sink's rows/s at 0, 1M and 5M rows of table, for both table keys
 * (sink-growth.ts; BENCH_SINK_GROWTH=0 skips it).
 */
const COUNT = Number(process.env.BENCH_COUNT ?? 1_000_000);
const EVENT_SECONDS = 600;

function run(args: string[]): { stdout: string; seconds: number } {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { stdout: r.stdout, seconds };
}

/** (a), (b), (c) on a fresh file of orders; returns the file. */
function benchmark(): string {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const input = join(work, 'orders.jsonl');
  const gen = run([
    main,
    'produce',
    '--count',
    String(COUNT),
    '--seed',
    '1',
    '--event-rate',
    String(COUNT / EVENT_SECONDS),
    '--to',
    input,
  ]);
  const mb = statSync(input).size / 1e6;
  console.log(
    `hexstream bench: ${fmt(COUNT)} orders, ${EVENT_SECONDS / 60} minutes of event time, ${mb.toFixed(0)} MB (generated in ${gen.seconds.toFixed(2)} s)`,
  );
  const baseRate = baselineRate(input);
  for (const mode of ['update', 'append']) testPipeline(input, mode, baseRate);
  if (process.env.BENCH_DEFINITIONS !== '0') definitionComparison(input);
  console.log('targets: (b)/(a) >= 0.5, peak RSS <= 300 MB');
  return input;
}

/** (a): a bare readline + JSON.parse loop over the file; returns its lines per second. */
function baselineRate(input: string): number {
  const baseline = JSON.parse(run([join(__dirname, 'baseline-readline.js'), input]).stdout) as {
    lines: number;
    seconds: number;
    maxRssKb: number;
  };
  const baseRate = baseline.lines / baseline.seconds;
  console.log(
    `(a) readline + JSON.parse            ${fmt(baseRate).padStart(9)} lines/s    ${baseline.seconds.toFixed(2).padStart(6)} s   peak RSS ${fmt(baseline.maxRssKb / 1024).padStart(4)} MB`,
  );
  return baseRate;
}

/** (b): the `test` pipeline on the file in output mode `mode`, compared with (a). */
function testPipeline(input: string, mode: string, baseRate: number): void {
  const out = join(work, `out-${mode}`);
  const r = run([
    main,
    'test',
    'bench@example.com',
    '--input',
    input,
    '--output-mode',
    mode,
    '--output',
    join(out, 'table.jsonl'),
    '--dead-letter',
    join(out, 'dead.jsonl'),
    '--outbox',
    join(out, 'outbox'),
    '--log-level',
    'silent',
  ]);
  const records = field(r.stdout, 'records read');
  const rows = field(r.stdout, 'rows written');
  const elapsed = field(r.stdout, 'elapsed');
  const rss = field(r.stdout, 'peak memory');
  const rate = records / elapsed;
  console.log(
    `(b) test pipeline, ${mode.padEnd(8)}         ${fmt(rate).padStart(9)} records/s  ${elapsed.toFixed(2).padStart(6)} s   peak RSS ${fmt(rss).padStart(4)} MB   ` +
      `rows ${fmt(rows)} (${(rows / records).toFixed(2)}/record)   (b)/(a) = ${(rate / baseRate).toFixed(2)}`,
  );
}

async function benchAll(): Promise<void> {
  if (process.env.BENCH_FILE !== '0') {
    const input = benchmark();
    if (process.env.BENCH_ENDPOINT !== '0') await endpointCost(input);
  }
  if (process.env.BENCH_SINK_GROWTH !== '0') {
    console.log('');
    reportSinkGrowth(await sinkGrowth());
  }
  if (process.env.BENCH_PROD !== '0') {
    if (process.env.BENCH_FILE !== '0') console.log('');
    await prodBenchmark({ count: COUNT, eventSeconds: EVENT_SECONDS });
  }
}

benchAll().catch((e: unknown) => {
  Child.killAll();
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
