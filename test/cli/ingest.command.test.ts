import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli';
import type { CliOutput } from '../../src/cli/console-output';

const TOKEN = 'tok-9f8e7d6c5b4a';
const T0 = Date.UTC(2026, 0, 5, 14, 30, 0);

/** Waits until `check` holds, polling; the bound only tells "never" from "soon". */
async function eventually(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`still not so after ${timeoutMs / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('hexstream ingest --to FILE (in process, a loopback quote server)', () => {
  let dir: string;
  let server: Server;
  const urls: string[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hexstream-ingest-cmd-'));
    let n = 0;
    server = createServer((req, res) => {
      urls.push(req.url ?? '');
      const k = Math.min(n++, 2);
      // Request 1 is not JSON: a dead letter. Then the same quote again and again: sent once.
      const body = k === 1 ? 'oops' : JSON.stringify({ symbol: 'AAPL', price: 187.5 + k, ts: T0 + k * 1_000 });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the quotes and dead letters, stops on SIGTERM with 0, and never shows the token', async () => {
    const { port } = server.address() as AddressInfo;
    let stdout = '';
    let stderr = '';
    const out: CliOutput = { line: (t) => (stdout += `${t}\n`), error: (t) => (stderr += `${t}\n`) };
    const file = join(dir, 'quotes.jsonl');
    const running = runCli(
      [
        'ingest',
        'ops@example.com',
        '--from',
        `http://127.0.0.1:${port}/quote`,
        '--format',
        'json',
        '--every',
        '100ms',
        '--to',
        file,
        '--token-env',
        'QUOTES_TOKEN',
        '--http',
        'off',
        '--log-level',
        'silent',
        '--outbox',
        join(dir, 'outbox'),
      ],
      out,
      { QUOTES_TOKEN: TOKEN },
    );
    await eventually(() => urls.length >= 5, 'five polls');
    await eventually(() => existsSync(file) && readFileSync(file, 'utf8').split('\n').length > 2, 'two quotes written');
    process.emit('SIGTERM');
    expect(await running).toBe(0);
    expect(urls[0]).toBe(`/quote?token=${TOKEN}`);
    expect(readFileSync(file, 'utf8')).toBe(
      `{"symbol":"AAPL","price":187.5,"ts":${T0}}\n{"symbol":"AAPL","price":189.5,"ts":${T0 + 2_000}}\n`,
    );
    const letters = readFileSync(join(dir, 'quotes.dead-letter.jsonl'), 'utf8').trim().split('\n');
    expect(letters.map((l) => (JSON.parse(l) as { reason: string; raw: string }).reason)).toEqual(['invalid']);
    const report = readdirSync(join(dir, 'outbox')).map((f) => readFileSync(join(dir, 'outbox', f), 'utf8'));
    expect(report).toHaveLength(1);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^messages\s+2 {2}→ /m);
    for (const text of [stdout, stderr, ...report]) expect(text).not.toContain(TOKEN);
  });
});
