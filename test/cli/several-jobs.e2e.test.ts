import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, summaryNumber } from '../support/run-cli';

function lines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

describe('hexstream test --job a,b (several queries in one process)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-jobs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs each job on its own sample into its own files, with the same tables as one job at a time', () => {
    const both = runCli(['test', 'you@example.com', '--job', 'orders,stock-averages'], { cwd: dir });
    expect(both.stderr).toBe('');
    expect(both.code).toBe(0);
    expect(both.stdout).toMatch(/job orders ·/);
    expect(both.stdout).toMatch(/job stock-averages ·/);
    const together = {
      orders: lines(join(dir, 'out/orders.jsonl')).length,
      stocks: lines(join(dir, 'out/stock-averages.jsonl')),
    };

    const alone = mkdtempSync(join(tmpdir(), 'hexstream-job-'));
    try {
      expect(runCli(['test', 'you@example.com', '--job', 'stock-averages'], { cwd: alone }).code).toBe(0);
      expect(runCli(['test', 'you@example.com', '--job', 'orders'], { cwd: alone }).code).toBe(0);
      const withoutTime = (ls: string[]): string[] => ls.map((l) => l.replace(/"updated_at":"[^"]+"/, '')).sort();
      expect(withoutTime(together.stocks)).toEqual(withoutTime(lines(join(alone, 'out/stock-averages.jsonl'))));
      expect(together.orders).toBe(lines(join(alone, 'out/orders.jsonl')).length);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it('runs the jobs one after the other: each summary has its own elapsed time, and price-stats the rows it has alone', () => {
    const both = runCli(['test', 'you@example.com', '--job', 'top-averages,price-stats', '--log-level', 'info'], {
      cwd: dir,
    });
    expect(both.code).toBe(0);
    const logs = both.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { job?: string; msg?: string; elapsedMs?: number });
    const steps = logs
      .filter((l) => l.msg === 'pipeline started' || l.msg === 'pipeline finished')
      .map((l) => `${String(l.job)} ${String(l.msg)}`);
    // The second job starts once the first has finished: no share of its time goes to the other.
    expect(steps).toEqual([
      'top-averages pipeline started',
      'top-averages pipeline finished',
      'price-stats pipeline started',
      'price-stats pipeline finished',
    ]);
    // Each summary's elapsed time is its own job's, as its pipeline measured it.
    const summaries = both.stdout.split(/(?=^hexstream test · job )/m);
    for (const job of ['top-averages', 'price-stats']) {
      const summary = summaries.find((t) => t.startsWith(`hexstream test · job ${job} `)) ?? '';
      const measured = logs.find((l) => l.job === job && l.msg === 'pipeline finished')?.elapsedMs ?? NaN;
      expect(/^elapsed\s+([\d.]+) s/m.exec(summary)?.[1]).toBe((measured / 1000).toFixed(2));
    }
    const alone = runCli(['test', 'you@example.com', '--job', 'price-stats'], { cwd: dir });
    const priceStats = summaries.find((t) => t.startsWith('hexstream test · job price-stats ')) ?? '';
    expect(summaryNumber(priceStats, 'rows written')).toBe(summaryNumber(alone.stdout, 'rows written'));
    expect(summaryNumber(alone.stdout, 'rows written')).toBe(5);
  });

  it('finishes the other jobs when one fails, and exits 1 naming the failed one', () => {
    // A folder where orders' output file should be: that job cannot open its output; ohlc can.
    mkdirSync(join(dir, 'out', 'orders.jsonl'), { recursive: true });
    const r = runCli(['test', 'you@example.com', '--job', 'orders,ohlc'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hexstream: job orders failed: .*orders\.jsonl/m);
    expect(r.stderr).not.toMatch(/job ohlc failed/);
    expect(r.stdout).toMatch(/job ohlc ·/);
    expect(lines(join(dir, 'out/ohlc.jsonl')).length).toBeGreaterThan(20);
  });

  it.each([
    ['--input', 'x'],
    ['--dead-letter', 'x.jsonl'],
    ['--window', '1m'],
    ['--output-mode', 'append'],
  ])('refuses %s with several jobs (exit 2)', (flag, value) => {
    const r = runCli(['test', 'you@example.com', '--job', 'orders,ohlc', flag, value], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${flag}: names one job's input, output or windows`);
  });

  it('refuses a job listed twice (exit 2)', () => {
    const r = runCli(['test', 'you@example.com', '--job', 'orders,orders'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--job: job orders is listed twice');
  });
});
