/**
 * `npm run conformance -- <dir>`: runs the jobs on the original projects' own test inputs (kept
 * outside this repository, in <dir>) and checks the results their tests asserted. Each job's check
 * runs `node dist/main.js test …` as a user would, in every output mode, and reads the table it wrote.
 * A sub-folder of <dir> without a check here fails the run: nothing is skipped silently.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

type Row = Record<string, unknown>;
type Check = (dir: string) => string[];

const MAIN = resolve(__dirname, '..', '..', '..', 'dist', 'main.js');

/**
 * The caller's environment without HEXSTREAM_* variables: they are defaults of CLI flags
 * (HEXSTREAM_WINDOW, …) and would change what is checked; HEXSTREAM_CONFORMANCE names the data.
 */
function cliEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HEXSTREAM_')));
}

function runTest(args: readonly string[]): Row[] {
  const work = mkdtempSync(join(tmpdir(), 'hexstream-conformance-'));
  try {
    const output = join(work, 'table.jsonl');
    const r = spawnSync(
      process.execPath,
      [
        MAIN,
        'test',
        'conformance@example.com',
        ...args,
        '--output',
        output,
        '--dead-letter',
        join(work, 'dead.jsonl'),
        '--outbox',
        join(work, 'outbox'),
      ],
      { encoding: 'utf8', env: cliEnv() },
    );
    if (r.status !== 0)
      throw new Error(`hexstream test ${args.join(' ')} exited ${String(r.status)}: ${r.stderr.trim()}`);
    return readFileSync(output, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Row);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The Spark project's test: 10 s windows sliding 5 s; 7 rows, 3 for AGL, and the AMC row of [11:01:05, 11:01:15). */
const stockAverages: Check = (dir) => {
  const failures: string[] = [];
  const input = join(dir, 'sampleStocks.csv');
  for (const mode of ['append', 'update', 'complete']) {
    for (const watermark of ['0s', '5s', '1h']) {
      const what = `stock-averages (${mode}, watermark ${watermark})`;
      const rows = runTest([
        '--job',
        'stock-averages',
        '--input',
        input,
        '--window',
        '10s',
        '--slide',
        '5s',
        '--watermark',
        watermark,
        '--output-mode',
        mode,
      ]);
      if (rows.length !== 7) failures.push(`${what}: ${rows.length} rows, expected 7`);
      const agl = rows.filter((r) => r.symbol === 'AGL').length;
      if (agl !== 3) failures.push(`${what}: ${agl} AGL rows, expected 3`);
      const amc = rows.find(
        (r) =>
          r.symbol === 'AMC' &&
          r.window_start === '2018-08-21T11:01:05.000Z' &&
          r.window_end === '2018-08-21T11:01:15.000Z',
      );
      const want = { avg_price: 457.15, min_price: 158.84, max_price: 755.46, trade_count: 2 };
      const got =
        amc === undefined
          ? undefined
          : {
              avg_price: amc.avg_price,
              min_price: amc.min_price,
              max_price: amc.max_price,
              trade_count: amc.trade_count,
            };
      if (JSON.stringify(got) !== JSON.stringify(want))
        failures.push(`${what}: AMC [11:01:05, 11:01:15) is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
  }
  return failures;
};

/** One ranking as `rank:symbol=average` pairs, rank order. */
function ranking(rows: readonly Row[]): string {
  return [...rows]
    .sort((a, b) => Number(a.rank) - Number(b.rank))
    .map((r) => `${String(r.rank)}:${String(r.symbol)}=${String(r.average)}`)
    .join(' ');
}

/**
 * The Beam project's tests: IEX quotes without a time of their own, all at one instant (given with
 * --arrival-time). Every window of each length that contains the instant must hold the asserted
 * ranking, and there must be exactly 6, 30 and 90 such windows.
 */
function topAveragesAt(file: string, want: string, what: string): string[] {
  const failures: string[] = [];
  for (const mode of ['append', 'update', 'complete']) {
    const rows = runTest(['--job', 'top-averages', '--input', file, '--arrival-time', ARRIVAL, '--output-mode', mode]);
    for (const [type, windows] of [
      [1, 6],
      [5, 30],
      [15, 90],
    ] as const) {
      const ofType = rows.filter((r) => r.aggregation_type === type);
      const ends = [...new Set(ofType.map((r) => String(r.window_end)))];
      if (ends.length !== windows)
        failures.push(`${what} (${mode}): ${ends.length} windows of aggregation_type ${type}, expected ${windows}`);
      for (const end of ends) {
        const got = ranking(ofType.filter((r) => String(r.window_end) === end));
        if (got !== want)
          failures.push(`${what} (${mode}): aggregation_type ${type} ending ${end} ranks ${got}, expected ${want}`);
      }
    }
  }
  return failures;
}

const ARRIVAL = '2018-08-06T14:00:05Z';

/** The same project's top-price test: 5-minute tumbling windows over input_data.txt, IBM 58.0. */
function topPrice(file: string): string[] {
  const failures: string[] = [];
  for (const mode of ['append', 'update', 'complete']) {
    const rows = runTest(['--job', 'top-price', '--input', file, '--arrival-time', ARRIVAL, '--output-mode', mode]);
    const got = JSON.stringify(rows.map((r) => ({ window_end: r.window_end, symbol: r.symbol, price: r.price })));
    const want = JSON.stringify([{ window_end: '2018-08-06T14:05:00.000Z', symbol: 'IBM', price: 58 }]);
    if (got !== want) failures.push(`top-price input_data.txt (${mode}): ${got}, expected ${want}`);
  }
  return failures;
}

const topAverages: Check = (dir) => [
  // "top 3 by mean = IBM 54.0, XOM 57.0, ABN 49.5": ranked by mean, XOM first.
  ...topAveragesAt(join(dir, 'input_data.txt'), '1:XOM=57 2:IBM=54 3:ABN=49.5', 'top-averages input_data.txt'),
  ...topAveragesAt(join(dir, 'stream_data.txt'), '1:XOM=76.69 2:AMZN=54.135', 'top-averages stream_data.txt'),
  ...topPrice(join(dir, 'input_data.txt')),
];

const CHECKS: ReadonlyMap<string, Check> = new Map([
  ['stock-averages', stockAverages],
  ['top-averages', topAverages],
]);

function main(): number {
  const dir = process.argv[2];
  if (dir === undefined || !existsSync(dir)) {
    process.stderr.write(
      `usage: npm run conformance -- <dir>   (the folder with the original projects' test data; got ${String(dir)})\n`,
    );
    return 2;
  }
  let failed = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()) {
    const check = CHECKS.get(name);
    const failures =
      check === undefined
        ? [`${name}: no conformance check for it yet (its job is not built)`]
        : check(join(dir, name));
    for (const f of failures) process.stdout.write(`FAIL ${f}\n`);
    if (failures.length === 0) process.stdout.write(`ok   ${name}\n`);
    else failed++;
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
