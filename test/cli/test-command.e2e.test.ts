import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateOrders } from '../../src/domain/jobs/orders.generator';
import { referenceOrders, type ReferenceDeadLetter, type ReferenceRow } from '../support/reference-orders';
import { runCli } from '../support/run-cli';

const START = Date.UTC(2025, 0, 1);

function order(
  orderid: number,
  itemid: number,
  shopid: number,
  region: string,
  count: number,
  price: number,
  iso: string,
): string {
  return JSON.stringify({ orderid, itemid, shopid, region, count, price, timestamp: Date.parse(iso) / 1000 });
}

/**
 * A fixture of generated orders (with late, duplicate and malformed ones) plus the awkward lines a
 * file can hold. Returns the bytes to write and the records as the reference sees them
 * (`undefined` for a line that is not valid UTF-8).
 */
function fixture(seed: number, count: number): { bytes: Buffer; records: (string | undefined)[] } {
  const lines = [...generateOrders({ count, seed, startMs: START, ordersPerSecond: 20, faultShare: 0.06 })].map(
    (r) => r.line,
  );
  const records: (string | undefined)[] = [];
  const chunks: Buffer[] = [];
  lines.forEach((line, i) => {
    if (i === 5) {
      chunks.push(Buffer.from('\n'));
      records.push('');
    }
    if (i === 9) {
      chunks.push(
        Buffer.concat([Buffer.from('{"orderid": 1, "region": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]),
      );
      records.push(undefined);
    }
    // Every 7th line ends with CRLF.
    chunks.push(Buffer.from(`${line}${i % 7 === 0 ? '\r\n' : '\n'}`));
    records.push(line);
  });
  return { bytes: Buffer.concat(chunks), records };
}

interface Outputs {
  table: Map<string, Record<string, unknown>>;
  deadLetters: Array<{
    reason: string;
    detail: string;
    raw: string;
    source?: string;
    partition: number;
    position: number;
  }>;
}

function readOutputs(dir: string): Outputs {
  const table = new Map<string, Record<string, unknown>>();
  for (const line of readFileSync(join(dir, 'table.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')) {
    const row = JSON.parse(line) as Record<string, unknown>;
    expect(table.has(String(row.rowkey))).toBe(false);
    expect(row.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    delete row.updated_at;
    table.set(String(row.rowkey), row);
  }
  const deadLetters = readFileSync(join(dir, 'dead.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Outputs['deadLetters'][number]);
  return { table, deadLetters };
}

function byPosition(a: ReferenceDeadLetter, b: ReferenceDeadLetter): number {
  return a.partition - b.partition || a.position - b.position;
}

function expectTable(actual: Map<string, Record<string, unknown>>, expected: Map<string, ReferenceRow>): void {
  expect(actual.size).toBe(expected.size);
  for (const [key, row] of expected) expect(actual.get(key)).toEqual(row);
}

describe('hexstream test <email> (end to end, built CLI)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-e2e-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const outFlags = (): string[] => [
    '--output',
    join(dir, 'table.jsonl'),
    '--dead-letter',
    join(dir, 'dead.jsonl'),
    '--outbox',
    join(dir, 'outbox'),
  ];

  it.each([
    ['update', [] as string[], { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 }],
    ['append', ['--output-mode', 'append'], { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 }],
    [
      'complete',
      ['--output-mode', 'complete', '--trigger-records', '97'],
      { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 },
    ],
    [
      'sliding 2m/1m, watermark 5s',
      ['--window', '2m', '--slide', '1m', '--watermark', '5s', '--trigger-records', '250'],
      { windowMs: 120_000, slideMs: 60_000, watermarkMs: 5_000 },
    ],
  ])('writes the table and dead letters the reference computes (%s)', (_name, flags, semantics) => {
    const { bytes, records } = fixture(11, 3000);
    const input = join(dir, 'orders.jsonl');
    writeFileSync(input, bytes);
    const r = runCli(['test', 'ops@example.com', '--input', input, ...outFlags(), ...flags]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    const expected = referenceOrders(new Map([[0, records]]), semantics);
    const actual = readOutputs(dir);
    expectTable(actual.table, expected.rows);
    expect(actual.deadLetters.map((d) => ({ reason: d.reason, partition: d.partition, position: d.position }))).toEqual(
      [...expected.deadLetters].sort(byPosition),
    );
    // Each kind of bad record is present, so every path ran.
    for (const reason of ['invalid', 'late', 'duplicate'])
      expect(expected.deadLetters.some((d) => d.reason === reason)).toBe(true);

    const count = (label: string): number =>
      Number((new RegExp(`^${label}\\s+([\\d,]+)`, 'm').exec(r.stdout)?.[1] ?? 'NaN').replace(/,/g, ''));
    expect(count('records read')).toBe(records.length);
    expect(count('accepted')).toBe(expected.accepted);
    expect(count('invalid')).toBe(expected.deadLetters.filter((d) => d.reason === 'invalid').length);
    expect(count('late')).toBe(expected.deadLetters.filter((d) => d.reason === 'late').length);
    expect(count('duplicates')).toBe(expected.deadLetters.filter((d) => d.reason === 'duplicate').length);
  });

  it('reads standard input with --input - as one partition, as it reads a file', () => {
    const { bytes, records } = fixture(12, 3000);
    const r = runCli(['test', 'ops@example.com', '--input', '-', ...outFlags()], { stdin: bytes });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    const expected = referenceOrders(new Map([[0, records]]), {
      windowMs: 60_000,
      slideMs: 60_000,
      watermarkMs: 10_000,
    });
    const actual = readOutputs(dir);
    expectTable(actual.table, expected.rows);
    expect(actual.deadLetters.map((d) => ({ reason: d.reason, partition: d.partition, position: d.position }))).toEqual(
      [...expected.deadLetters].sort(byPosition),
    );
  });

  it('reports the state at its peak and at the end, and the peak memory, in the summary and the report', () => {
    const input = join(dir, 'orders.jsonl');
    // Two windows open at once (00:00 and 00:01, watermark 10 s), three ids, then the end flushes all.
    const lines = [
      order(1, 100001, 100001, 'TW', 1, 1, '2025-01-01T00:00:55Z'),
      order(2, 100002, 100001, 'TW', 1, 1, '2025-01-01T00:00:58Z'),
      order(3, 100001, 100001, 'TW', 1, 1, '2025-01-01T00:01:05Z'),
    ];
    writeFileSync(input, `${lines.join('\n')}\n`);
    const r = runCli(['test', 'ops@example.com', '--input', input, ...outFlags()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^peak memory\s+[\d,]+ MB RSS {2}\(state at peak: 2 open windows, 3 rows, 3 ids; at end: 0 open windows, 0 rows, 0 ids\)$/m,
    );
    const mail = readFileSync(join(dir, 'outbox', readdirSync(join(dir, 'outbox'))[0] as string), 'utf8');
    expect(mail).toContain('state at end     0 open windows, 0 rows, 0 remembered ids');
    expect(mail).toContain('state at peak    2 open windows, 3 rows, 3 remembered ids');
    expect(mail).toMatch(/^peak memory {6}\d+ MB RSS\r$/m);
  });

  it('keeps the raw text and a specific detail in every dead letter', () => {
    const input = join(dir, 'orders.jsonl');
    const lines = [
      order(1, 100001, 100001, 'TW', 2, 10.5, '2025-01-01T00:01:30Z'),
      order(1, 100001, 100001, 'TW', 2, 10.5, '2025-01-01T00:01:31Z'),
      order(2, 100002, 100002, 'SG', 1, 1.005, '2025-01-01T00:01:32Z'),
      order(3, 100003, 100003, 'ID', 1, 1, '2025-01-01T00:00:10Z'),
      '{"orderid": 4,',
    ];
    writeFileSync(input, `${lines.join('\n')}\n`);
    expect(runCli(['test', 'ops@example.com', '--input', input, ...outFlags()]).code).toBe(0);
    const { deadLetters } = readOutputs(dir);
    expect(deadLetters).toEqual([
      {
        reason: 'duplicate',
        detail: 'orderid 1 was already accepted and a window of it is still open',
        raw: lines[1],
        source: input,
        partition: 0,
        position: 1,
      },
      {
        reason: 'invalid',
        detail: 'price has more than 2 decimals: 1.005',
        raw: lines[2],
        source: input,
        partition: 0,
        position: 2,
      },
      {
        reason: 'late',
        detail:
          'event time 2025-01-01T00:00:10.000Z is behind watermark 2025-01-01T00:01:21.000Z of partition 0: window [2025-01-01T00:00:00.000Z, 2025-01-01T00:01:00.000Z) is closed',
        raw: lines[3],
        source: input,
        partition: 0,
        position: 3,
      },
      {
        reason: 'invalid',
        detail: expect.stringMatching(/^not valid JSON: /) as unknown as string,
        raw: lines[4],
        source: input,
        partition: 0,
        position: 4,
      },
    ]);
  });

  it('treats each file of a directory as a partition with its own watermark', () => {
    const input = join(dir, 'in');
    mkdirSync(input);
    const p0 = [
      order(10, 100001, 100001, 'TW', 1, 1, '2025-01-01T00:05:00Z'),
      order(11, 100001, 100001, 'TW', 2, 2, '2025-01-01T00:00:30Z'),
    ];
    // Partition 1 is behind partition 0: its records are not late because of partition 0.
    const p1 = [
      order(20, 100001, 100001, 'TW', 3, 3, '2025-01-01T00:00:20Z'),
      order(21, 100002, 100001, 'TW', 4, 4, '2025-01-01T00:00:40Z'),
    ];
    writeFileSync(join(input, 'a.jsonl'), `${p0.join('\n')}\n`);
    writeFileSync(join(input, 'b.jsonl'), `${p1.join('\n')}\n`);
    writeFileSync(join(input, '.hidden'), 'not read\n');
    expect(runCli(['test', 'ops@example.com', '--input', input, ...outFlags()]).code).toBe(0);
    const expected = referenceOrders(
      new Map([
        [0, p0],
        [1, p1],
      ]),
      { windowMs: 60_000, slideMs: 60_000, watermarkMs: 10_000 },
    );
    const actual = readOutputs(dir);
    expectTable(actual.table, expected.rows);
    // The dead letter names its file: the partition is only the file's index.
    expect(actual.deadLetters.map((d) => [d.reason, d.source, d.partition, d.position])).toEqual([
      ['late', 'a.jsonl', 0, 1],
    ]);
    // The window [00:00, 00:01) of item 100001 sums partition 1's order only: 3 × 3.00.
    const merged = [...actual.table.values()].find(
      (r) => r.item_id === 100001 && r.window_start === '2025-01-01T00:00:00.000Z',
    );
    expect(merged?.total_expenditure).toBe('9.00');
  });

  it('writes the run report to the outbox as an e-mail to the operator', () => {
    const input = join(dir, 'orders.jsonl');
    writeFileSync(input, `${order(1, 100001, 100001, 'TW', 2, 10.5, '2025-01-01T00:01:30Z')}\n`);
    expect(runCli(['test', 'ops@example.com', '--input', input, ...outFlags()]).code).toBe(0);
    const files = readdirSync(join(dir, 'outbox'));
    expect(files).toHaveLength(1);
    const mail = readFileSync(join(dir, 'outbox', files[0] as string), 'utf8');
    expect(mail).toMatch(/^To: ops@example\.com\r$/m);
    expect(mail).toMatch(/^Subject: hexstream test orders: 1 records, 1 accepted, 0 dead letters\r$/m);
    expect(mail).toContain('records read     1');
  });

  it('runs the shipped sample with no arguments but the address', () => {
    const r = runCli(['test', 'you@example.com'], { cwd: dir });
    expect(r.code).toBe(0);
    const table = readFileSync(join(dir, 'out', 'orders.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const dead = readFileSync(join(dir, 'out', 'orders.dead-letter.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { reason: string }).reason);
    expect(table.length).toBeGreaterThan(100);
    for (const reason of ['invalid', 'late', 'duplicate']) expect(dead).toContain(reason);
    expect(readdirSync(join(dir, 'out', 'outbox'))).toHaveLength(1);
  });
});

describe('command line errors', () => {
  it.each([
    [['test', 'not-an-address'], /^hexstream: <email>: not a valid e-mail address: "not-an-address"\n$/],
    [
      ['test', 'a@example.com', '--window', 'abc'],
      /^hexstream: --window: invalid duration "abc": write a number and a unit: 500ms, 10s, 1\.5s, 2m, 1h, 1d \(or 0\)\n$/,
    ],
    [['test', 'a@example.com', '--slide', '2m'], /^hexstream: --slide: must not exceed --window/],
    [
      ['test', 'a@example.com', '--trigger-records', '0'],
      /^hexstream: --trigger-records: must be a positive integer, got "0"\n$/,
    ],
    [
      ['test', 'a@example.com', '--output-mode', 'sideways'],
      /^hexstream: --output-mode: must be update, append or complete, got "sideways"\n$/,
    ],
    [['test', 'a@example.com', '--job', 'nope'], /^hexstream: --job: unknown job "nope" \(known: orders/],
    [['test', 'a@example.com', '--bogus', '1'], /^hexstream: unknown flag --bogus for test\n$/],
    [
      ['test', 'a@example.com', '--session-gap', '30s', '--output-mode', 'update'],
      /^hexstream: --output-mode: session windows need append mode \(rows are upserted, never deleted: a merge of two sessions would leave the row of the merged one\), got update\n$/,
    ],
    [
      ['test', 'a@example.com', '--session-gap', '30s', '--window', '1m'],
      /^hexstream: --session-gap: session windows take no --window or --slide\n$/,
    ],
    [['test', 'a@example.com', '--session-gap', '0s'], /^hexstream: --session-gap: must be longer than 0\n$/],
    [
      ['test', 'a@example.com', '--job', 'top-averages', '--window', '1m'],
      /^hexstream: --window: job top-averages computes 60 s, 300 s and 900 s windows every 10 s: its windows cannot be changed\n$/,
    ],
    [
      ['test', 'a@example.com', '--max-drift', 'far'],
      /^hexstream: --max-drift: invalid duration "far": write a number and a unit: 500ms, 10s, 1\.5s, 2m, 1h, 1d \(or 0\)\n$/,
    ],
    [
      ['test', 'a@example.com', '--progress-interval', '0'],
      /^hexstream: --progress-interval: must be longer than 0\n$/,
    ],
    [
      ['batch', 'a@example.com', '--input', '-'],
      /^hexstream: --input: batch reads files, whose positions it stores to read on from them later: standard input cannot be read again \(use test mode\)\n$/,
    ],
    [
      ['test', 'a@example.com', '--arrival-time', 'noon'],
      /^hexstream: --arrival-time: expected epoch milliseconds or an ISO-8601 time with a zone/,
    ],
    [
      ['test'],
      /^hexstream: test: <email> is missing: the operator's address, which gets the run report \(e\.g\. hexstream test you@example\.com\)\n$/,
    ],
    [
      [],
      /^hexstream: name a command: test, prod, batch, produce, ingest, replay or new-job \(hexstream --help lists them\)\n$/,
    ],
  ])('exits 2 with one line for %j', (args, message) => {
    const r = runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('exits 2 naming the variable when a HEXSTREAM_* variable is bad', () => {
    const r = runCli(['test', 'a@example.com'], { env: { HEXSTREAM_WATERMARK: 'soon' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'hexstream: HEXSTREAM_WATERMARK: invalid duration "soon": write a number and a unit: 500ms, 10s, 1.5s, 2m, 1h, 1d (or 0)\n',
    );
  });

  it("ignores HEXSTREAM_* variables that are no flag of the command (the project's own scripts read some)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-env-'));
    try {
      const env = {
        HEXSTREAM_CONFORMANCE: 'x',
        HEXSTREAM_KAFKA_HOME: '/opt/kafka',
        HEXSTREAM_KAFKA_START_TIMEOUT: '60',
        HEXSTREAM_TOPIC: 'orders',
        HEXSTREAM_NOTHING: '1',
      };
      const r = runCli(
        [
          'test',
          'a@example.com',
          '--output',
          join(dir, 'o.jsonl'),
          '--dead-letter',
          join(dir, 'd.jsonl'),
          '--outbox',
          join(dir, 'ob'),
        ],
        { env },
      );
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 with one line when the input cannot be read', () => {
    const r = runCli([
      'test',
      'a@example.com',
      '--input',
      '/nonexistent/orders.jsonl',
      '--outbox',
      join(tmpdir(), 'hexstream-outbox-unused'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hexstream: SOURCE_UNAVAILABLE: cannot read input \/nonexistent\/orders\.jsonl: ENOENT/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('configuration precedence: flags > HEXSTREAM_* > job defaults', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-cfg-'));
    writeFileSync(join(dir, 'in.jsonl'), `${order(1, 100001, 100001, 'TW', 1, 1, '2025-01-01T00:01:30Z')}\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const windowOf = (env: Record<string, string>, flags: string[]): [unknown, unknown] => {
    const r = runCli(
      [
        'test',
        'a@example.com',
        '--input',
        join(dir, 'in.jsonl'),
        '--output',
        join(dir, 'o.jsonl'),
        '--dead-letter',
        join(dir, 'd.jsonl'),
        '--outbox',
        join(dir, 'ob'),
        ...flags,
      ],
      { env },
    );
    expect(r.code).toBe(0);
    const row = JSON.parse(readFileSync(join(dir, 'o.jsonl'), 'utf8').trim()) as Record<string, unknown>;
    return [row.window_start, row.window_end];
  };

  it('uses the job default without flag or variable', () => {
    expect(windowOf({}, [])).toEqual(['2025-01-01T00:01:00.000Z', '2025-01-01T00:02:00.000Z']);
  });
  it('lets a HEXSTREAM_* variable override the job default', () => {
    expect(windowOf({ HEXSTREAM_WINDOW: '5m' }, [])).toEqual(['2025-01-01T00:00:00.000Z', '2025-01-01T00:05:00.000Z']);
  });
  it('lets a flag override the variable', () => {
    expect(windowOf({ HEXSTREAM_WINDOW: '5m' }, ['--window', '30s'])).toEqual([
      '2025-01-01T00:01:30.000Z',
      '2025-01-01T00:02:00.000Z',
    ]);
  });
});
