import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { decodeBody, header, parseMessage } from '../support/mime-decoders';
import { cliEnv, MAIN, runCli, type CliResult } from '../support/run-cli';

/** Every file under `dir`, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(d, entry.name));
      else out.push(relative(dir, join(d, entry.name)));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Runs the built CLI with the file-size limit set (`ulimit -f`, in KiB): a write past it fails with
 * EFBIG, as a write to a full file system fails with ENOSPC, on any file system and without root.
 * SIGXFSZ is ignored so that the write fails instead of the process being killed.
 */
function runWithFileLimit(kib: number, args: readonly string[]): CliResult {
  const r = spawnSync(
    'bash',
    ['-c', `trap '' XFSZ; ulimit -f ${kib}; exec "$0" "$@"`, process.execPath, MAIN, ...args],
    { env: cliEnv(args), encoding: 'utf8', timeout: 120_000 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function order(orderid: number, iso: string, price = 1.5): string {
  return JSON.stringify({
    orderid,
    itemid: 100001,
    shopid: 100001,
    region: 'TW',
    count: 1,
    price,
    timestamp: Date.parse(iso) / 1000,
  });
}

describe('hexstream test: a failed write of an output file (end to end, built CLI)', () => {
  let dir: string;
  let input: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-write-fail-'));
    input = join(dir, 'orders.jsonl');
    // Two valid orders and one dead letter (a bad price), so both files have something to write.
    writeFileSync(
      input,
      `${order(1, '2025-01-01T00:00:10Z')}\n${order(2, '2025-01-01T00:00:20Z', 1.005)}\n${order(3, '2025-01-01T00:02:00Z')}\n`,
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const outbox = (): string => join(dir, 'outbox');

  it('--output /dev/full: exit 1, one line naming the file and ENOSPC, no summary, no file left behind', () => {
    const r = runCli([
      'test',
      'ops@example.com',
      '--input',
      input,
      '--output',
      '/dev/full',
      '--dead-letter',
      join(dir, 'out', 'dead.jsonl'),
      '--outbox',
      outbox(),
    ]);
    expect(r.stderr).toBe(
      'hexstream: SINK_WRITE_FAILED: cannot write /dev/full: ENOSPC: no space left on device, write\n',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    // No dead-letter file, no temporary file: only the alert about the failure.
    expect(filesUnder(join(dir, 'out'))).toEqual([]);
    expect(readdirSync(outbox())).toEqual([expect.stringMatching(/-alert-[0-9a-f]{8}\.eml$/)]);
  });

  it('--dead-letter /dev/full: exit 1, one line naming the file and ENOSPC, no result file', () => {
    const r = runCli([
      'test',
      'ops@example.com',
      '--input',
      input,
      '--output',
      join(dir, 'out', 'table.jsonl'),
      '--dead-letter',
      '/dev/full',
      '--outbox',
      outbox(),
    ]);
    expect(r.stderr).toBe(
      'hexstream: SINK_WRITE_FAILED: cannot write /dev/full: ENOSPC: no space left on device, write\n',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(filesUnder(join(dir, 'out'))).toEqual([]);
  });

  it('a result file on a full disk: exit 1, the previous file stays whole, no temporary file', () => {
    // The shipped sample's table is about 1.4 MB: past a 64 KiB limit the write fails midway.
    const table = join(dir, 'out', 'table.jsonl');
    mkdirSync(join(dir, 'out'));
    writeFileSync(table, '{"previous":"run"}\n');
    const r = runWithFileLimit(64, [
      'test',
      'ops@example.com',
      '--output',
      table,
      '--dead-letter',
      join(dir, 'out', 'dead.jsonl'),
      '--outbox',
      outbox(),
    ]);
    expect(r.stderr).toBe(`hexstream: SINK_WRITE_FAILED: cannot write ${table}: EFBIG: file too large, write\n`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(filesUnder(join(dir, 'out'))).toEqual(['table.jsonl']);
    expect(readFileSync(table, 'utf8')).toBe('{"previous":"run"}\n');
  });

  it('the outbox on a full disk: exit 1, one line naming the .eml and the errno, no summary, no partial message', () => {
    const r = runWithFileLimit(0, [
      'test',
      'ops@example.com',
      '--input',
      input,
      '--output',
      '/dev/null',
      '--dead-letter',
      '/dev/null',
      '--outbox',
      outbox(),
    ]);
    expect(r.stderr).toMatch(
      new RegExp(
        `^hexstream: NOTIFY_FAILED: cannot write ${outbox()}/\\d{8}T\\d{9}Z-report-[0-9a-f]{8}\\.eml: EFBIG: file too large, write\\n$`,
      ),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(readdirSync(outbox())).toEqual([]);
  });

  it("writes through /dev/stdout into the shell's file, neither truncating it nor renaming over it", () => {
    // As `hexstream test … --dead-letter /dev/stdout > log`: /dev/stdout leads to a regular file.
    const log = join(dir, 'log');
    writeFileSync(log, 'before the run\n');
    const fd = openSync(log, 'a');
    const args = [
      'test',
      'ops@example.com',
      '--input',
      input,
      '--output',
      '/dev/null',
      '--dead-letter',
      '/dev/stdout',
      '--outbox',
      outbox(),
    ];
    let r;
    try {
      r = spawnSync(process.execPath, [MAIN, ...args], {
        env: cliEnv(args),
        stdio: ['ignore', fd, 'pipe'],
        encoding: 'utf8',
        timeout: 120_000,
      });
    } finally {
      closeSync(fd);
    }
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines[0]).toBe('before the run');
    expect(JSON.parse(lines[1] ?? '')).toEqual({
      reason: 'invalid',
      detail: 'price has more than 2 decimals: 1.005',
      raw: order(2, '2025-01-01T00:00:20Z', 1.005),
      source: input,
      partition: 0,
      position: 1,
    });
    // The summary printed after it lands in the same file.
    expect(lines[2]).toMatch(/^hexstream test · job orders/);
    expect(lines).toContainEqual(expect.stringMatching(/^dead letters\s+1 {2}→ \/dev\/stdout$/));
    expect(filesUnder(dir).filter((f) => f.startsWith('.') || f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('hexstream test: the dead-letter file of an earlier run', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-dead-letters-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is kept under the time it was last written, never overwritten nor appended to', () => {
    const input = join(dir, 'orders.jsonl');
    // One accepted order (a run that accepts nothing exits 3) and one rejected: the dead letter.
    writeFileSync(input, `${order(2, '2025-01-01T00:00:09Z')}\n${order(1, '2025-01-01T00:00:10Z', 1.005)}\n`);
    const dead = join(dir, 'out', 'dead.jsonl');
    mkdirSync(join(dir, 'out'));
    writeFileSync(dead, '{"reason":"late","note":"of another run"}\n');
    const lastWritten = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    utimesSync(dead, lastWritten, lastWritten);
    const args = [
      'test',
      'ops@example.com',
      '--input',
      input,
      '--output',
      join(dir, 'out', 'table.jsonl'),
      '--dead-letter',
      dead,
      '--outbox',
      join(dir, 'outbox'),
    ];
    expect(runCli(args).code).toBe(0);
    expect(filesUnder(join(dir, 'out'))).toEqual(['dead.20260102T030405678Z.jsonl', 'dead.jsonl', 'table.jsonl']);
    expect(readFileSync(join(dir, 'out', 'dead.20260102T030405678Z.jsonl'), 'utf8')).toBe(
      '{"reason":"late","note":"of another run"}\n',
    );
    const own = readFileSync(dead, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect(own.map((l) => (JSON.parse(l) as { position: number }).position)).toEqual([1]);
    // A second run keeps the first run's file too, dated by when that run wrote it.
    const firstRunEnd = statSync(dead).mtime.toISOString().replace(/[-:.]/g, '');
    expect(runCli(args).code).toBe(0);
    expect(filesUnder(join(dir, 'out'))).toEqual(
      ['dead.20260102T030405678Z.jsonl', `dead.${firstRunEnd}.jsonl`, 'dead.jsonl', 'table.jsonl'].sort(),
    );
    expect(readFileSync(join(dir, 'out', `dead.${firstRunEnd}.jsonl`), 'utf8')).toBe(`${own.join('\n')}\n`);
    expect(readFileSync(dead, 'utf8')).toBe(`${own.join('\n')}\n`);
  });
});

describe('hexstream test: the report e-mail in the outbox', () => {
  it('reads plainly, raw and as a mail client decodes it: watermarks 0=+inf, not 0=3D+inf', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-report-mail-'));
    try {
      const input = join(dir, 'orders.jsonl');
      writeFileSync(input, `${order(1, '2025-01-01T00:00:10Z')}\n`);
      const args = [
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
      ];
      expect(runCli(args).code).toBe(0);
      const [name] = readdirSync(join(dir, 'outbox'));
      const raw = readFileSync(join(dir, 'outbox', name ?? ''), 'utf8');
      const message = parseMessage(raw);
      expect(header(message, 'Content-Type')).toBe('text/plain; charset=utf-8');
      expect(header(message, 'Content-Transfer-Encoding')).toBe('7bit');
      expect(raw).toContain('\r\nwatermarks       0=+inf\r\n');
      expect(raw).not.toContain('=3D');
      const text = decodeBody(message);
      expect(text).toContain('\nwatermarks       0=+inf\n');
      expect(text).toContain('\nrecords read     1\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('--help of --dead-letter', () => {
  it.each([['test'], ['batch']])(
    '%s --help says that each run writes a new file and keeps the earlier one',
    (command) => {
      const r = runCli([command, '--help']);
      const help = `${r.stdout}${r.stderr}`.replace(/\s+/g, ' ');
      expect(help).toContain(
        '--dead-letter dead letters as JSON Lines, a new file each run; a non-empty one of an earlier run is kept as <name>.<time last written>.jsonl',
      );
    },
  );
});

describe('hexstream produce --to FILE: a failed write', () => {
  it('--to /dev/full: exit 1 with one line naming the file and ENOSPC', () => {
    const r = runCli(['produce', '--count', '1000', '--to', '/dev/full']);
    expect(r.stderr).toBe(
      'hexstream: SINK_WRITE_FAILED: cannot write /dev/full: ENOSPC: no space left on device, write\n',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });

  it('a file on a full disk: exit 1, no partial file left behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexstream-produce-full-'));
    try {
      const path = join(dir, 'orders.jsonl');
      // 100,000 orders are about 13 MB: past a 64 KiB limit the write fails midway.
      const r = runWithFileLimit(64, ['produce', '--count', '100000', '--to', path]);
      expect(r.stderr).toBe(`hexstream: SINK_WRITE_FAILED: cannot write ${path}: EFBIG: file too large, write\n`);
      expect(r.code).toBe(1);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
