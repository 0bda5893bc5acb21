import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOrders } from '../../src/domain/jobs/orders.generator';
import { cliEnv, MAIN, runCli } from '../support/run-cli';

const ERASE_LINE = '\r\x1b[2K';
const BANNER = 'hexstream test · job orders · window 1m slide 1m · watermark 10s · update mode';
/** A frame of the bar, as drawn after the line is erased. */
const FRAME = /^▕[█░]{20}▏ +\d{1,3}% · [\d,]+ records · [\d,]+ records\/s · ETA [\d:-]+$/;
const COUNT = 80_000;

/** 80,000 orders (about 10 MB): a run long enough for frames at any machine's speed. */
function writeOrders(path: string): void {
  const options = { count: COUNT, seed: 3, startMs: Date.UTC(2025, 0, 1), ordersPerSecond: 1000, faultShare: 0.01 };
  writeFileSync(path, `${[...generateOrders(options)].map((l) => l.line).join('\n')}\n`);
}

/** Runs the built CLI with stdout and stderr on a pseudo-terminal (util-linux `script`); returns what the terminal got. */
function onTerminal(args: readonly string[], env: Record<string, string>): { code: number | null; screen: string } {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, MAIN, ...args].map(quote).join(' ');
  const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
    env: cliEnv(args, env),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.error !== undefined) throw new Error(`script (util-linux) is needed for this test: ${r.error.message}`);
  // The terminal turns each newline into CR LF.
  return { code: r.status, screen: r.stdout.replace(/\r\n/g, '\n') };
}

/** What the terminal got, cut where a line ends or the line is erased. */
function piecesOf(screen: string): string[] {
  return screen.split('\n').flatMap((l) => l.split(ERASE_LINE));
}

describe('a test run on a terminal (built CLI under a pseudo-terminal)', () => {
  let dir: string;
  let input: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-terminal-'));
    input = join(dir, 'orders.jsonl');
    writeOrders(input);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const args = (): string[] => [
    'test',
    'ops@example.com',
    '--input',
    input,
    '--output',
    join(dir, 'table.jsonl'),
    '--dead-letter',
    join(dir, 'dead.jsonl'),
    '--outbox',
    join(dir, 'outbox'),
    '--log-level',
    'info',
  ];

  it('shows the banner first, then the bar redrawn in place with pretty logs above it, then the summary', () => {
    const { code, screen } = onTerminal(args(), { TZ: 'Asia/Kolkata' });
    expect(code).toBe(0);
    const pieces = piecesOf(screen);
    expect(pieces[0]).toBe(BANNER);
    const firstFrame = pieces.findIndex((p) => FRAME.test(p));
    const firstLog = pieces.findIndex((p) => p.includes(' INFO  '));
    expect(firstFrame).toBeGreaterThan(0);
    expect(firstLog).toBeGreaterThan(0);
    // The banner is out before the input is read: before the first frame and the first log line.
    expect(screen.indexOf(BANNER)).toBeLessThan(screen.indexOf(`${ERASE_LINE}▕`));
    // Pretty logs in the process's time zone; the bar is never on a log line's line.
    expect(pieces.find((p) => p.includes(' INFO  pipeline started '))).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+05:30 INFO {2}pipeline started job=orders partitions=1 outputMode=update$/,
    );
    // Every status drawn is a frame of the bar (none before the input is open).
    const statuses = screen
      .split(ERASE_LINE)
      .slice(1)
      .map((p) => p.split('\n')[0] ?? '');
    for (const p of statuses.filter((x) => x !== '' && !/^\d{4}-|^records read/.test(x))) expect(p).toMatch(FRAME);
    // The last frame says all of the input, and is erased before the summary, which has no second banner.
    expect(pieces.filter((p) => FRAME.test(p)).pop()).toMatch(/ 100% · 80,000 records · /);
    expect(screen.split(BANNER)).toHaveLength(2);
    expect(screen).toContain(`${ERASE_LINE}records read ${' '.repeat(8)}80,000\naccepted `);
  });

  it('writes JSON logs on the terminal when HEXSTREAM_LOG_FORMAT says so', () => {
    const { code, screen } = onTerminal(args(), { HEXSTREAM_LOG_FORMAT: 'json' });
    expect(code).toBe(0);
    const started = piecesOf(screen).find((p) => p.includes('"msg":"pipeline started"'));
    expect(JSON.parse(started ?? '')).toMatchObject({ level: 30, app: 'hexstream', job: 'orders', partitions: 1 });
  });
});

describe('a test run that is not on a terminal (built CLI)', () => {
  it('writes plain progress lines every --progress-interval, and the banner only with the summary', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-plain-'));
    try {
      const input = join(dir, 'orders.jsonl');
      writeOrders(input);
      const r = runCli(['test', 'ops@example.com', '--input', input, '--progress-interval', '100ms'], { cwd: dir });
      expect(r.code).toBe(0);
      const progress = r.stderr.split('\n').filter((l) => l !== '');
      expect(progress.length).toBeGreaterThan(0);
      for (const l of progress)
        expect(l).toMatch(/^progress \d{1,3}% · [\d,]+ records · [\d,]+ records\/s · ETA [\d:-]+$/);
      expect(r.stdout.split('\n')[0]).toBe(BANNER);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
