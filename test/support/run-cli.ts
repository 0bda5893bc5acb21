import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const MAIN = resolve(__dirname, '..', '..', 'dist', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a CLI run: no HEXSTREAM_* variable of the test process (so that a developer's
 * own settings do not change what a test sees) but the broker address (set by the global setup when
 * the broker was moved), for the commands that have a --brokers flag; `extra` adds any. `prod` and
 * `batch` serve their HTTP endpoint on any free port (`HEXSTREAM_HTTP=127.0.0.1:0`) rather than
 * on 7071 and the 16 after it, which tests running side by side would exhaust.
 */
export function cliEnv(args: readonly string[], extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  const takesBrokers = args[0] === 'prod' || args[0] === 'produce';
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && (!k.startsWith('HEXSTREAM_') || (k === 'HEXSTREAM_BROKERS' && takesBrokers))) env[k] = v;
  if (args[0] === 'prod' || args[0] === 'batch') env['HEXSTREAM_HTTP'] = '127.0.0.1:0';
  return { ...env, ...extra };
}

/** The first line of `prod` and `batch` (and `test --http`) under `cliEnv`: where the endpoint serves. */
export const ENDPOINT_LINE = /^endpoint {7}http:\/\/127\.0\.0\.1:\d+\/\n/;

/** Runs the built CLI (`npm test` builds it first) as a user would. */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: Buffer } = {},
): CliResult {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test and npm run test:e2e do)`);
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: options.cwd,
    env: cliEnv(args, options.env),
    encoding: 'utf8',
    timeout: 120_000,
    ...(options.stdin !== undefined ? { input: options.stdin } : {}),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A count of the CLI's summary (`accepted       2,862` → 2862; `peak memory    141 MB RSS` → 141); NaN when the line is missing. */
export function summaryNumber(stdout: string, label: string): number {
  return Number((new RegExp(`^${label}\\s+([\\d,]+)`, 'm').exec(stdout)?.[1] ?? 'NaN').replace(/,/g, ''));
}
