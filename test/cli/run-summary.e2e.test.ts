import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateOrders } from '../../src/domain/jobs/orders.generator';
import { referenceOrders } from '../support/reference-orders';
import { runCli } from '../support/run-cli';

const SAMPLES = resolve(__dirname, '..', '..', 'samples');

/** A summary line as the CLI prints it: the label in 15 columns, the count right-aligned in 12, then the rest. */
function summaryLine(label: string, n: number, rest: string): string {
  return `${label.padEnd(15)}${n.toLocaleString('en-US').padStart(12)}${rest}`;
}

describe('the run summary (built CLI)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-summary-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The report e-mail's text (its lines hold no character that needs escaping). */
  const reportMail = (): string => readFileSync(join(dir, 'outbox', readdirSync(join(dir, 'outbox'))[0] ?? ''), 'utf8');
  const outFlags = (): string[] => [
    '--output',
    join(dir, 'table.jsonl'),
    '--dead-letter',
    join(dir, 'dead.jsonl'),
    '--outbox',
    join(dir, 'outbox'),
  ];

  it('complete mode: gives the final rows (what the file holds) and the emissions of every trigger apart', () => {
    const lines = [
      ...generateOrders({ count: 3000, seed: 5, startMs: Date.UTC(2025, 0, 1), ordersPerSecond: 20, faultShare: 0.03 }),
    ].map((r) => r.line);
    const input = join(dir, 'orders.jsonl');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const r = runCli([
      'test',
      'ops@example.com',
      '--input',
      input,
      ...outFlags(),
      '--output-mode',
      'complete',
      '--trigger-records',
      '1000',
      '--trigger-interval',
      '1h',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    // A trigger after each 1,000 records writes the whole table as it stands then.
    const semantics = { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 };
    const tableAfter = (n: number): number => referenceOrders(new Map([[0, lines.slice(0, n)]]), semantics).rows.size;
    const emissions = tableAfter(1000) + tableAfter(2000) + tableAfter(3000);
    const finalRows = tableAfter(3000);
    expect(
      readFileSync(join(dir, 'table.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    ).toHaveLength(finalRows);
    expect(r.stdout).toContain(
      [
        summaryLine('rows written', finalRows, `  → ${join(dir, 'table.jsonl')}`),
        summaryLine(
          '  emissions',
          emissions,
          '  (complete mode writes the whole table at each trigger that changed it; the file holds the final rows)',
        ),
      ].join('\n'),
    );
    const mail = reportMail();
    for (const line of [
      `row emissions    ${emissions}`,
      `final rows       ${finalRows}`,
      'open at end      flushed: every open window was written',
    ])
      expect(mail).toContain(line);
  });

  it('price-stats: names its global window instead of a length, a slide and a watermark', () => {
    const sample = readFileSync(join(SAMPLES, 'price-stats.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const symbols = new Set(sample.map((l) => String((JSON.parse(l) as { symbol: unknown }).symbol))).size;
    const r = runCli(['test', 'ops@example.com', '--job', 'price-stats', ...outFlags()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    expect(r.stdout.split('\n')[0]).toBe('hexstream test · job price-stats · global window · complete mode');
    expect(r.stdout).toMatch(
      new RegExp(
        `^peak memory\\s+[\\d,]+ MB RSS  \\(state at peak: global window open, ${symbols} rows, 0 ids; at end: global window open, ${symbols} rows, 0 ids\\)$`,
        'm',
      ),
    );
    expect(reportMail()).toContain(`state at end     global window open, ${symbols} rows, 0 remembered ids`);
  });
});
