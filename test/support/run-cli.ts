import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const MAIN = resolve(__dirname, '..', '..', 'dist', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`npm test` builds it first) as a user would. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
  const env = cliEnv(args);
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: options.cwd, env: { ...env, ...options.env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The environment a CLI run gets: no HEXSTREAM_* variable of the test process (each would be read as
 * a flag, and HEXSTREAM_KAFKA_PORT is not one), except the broker address set by the global setup
 * when the broker was moved — and that only for the commands that have --brokers.
 */
export function cliEnv(args: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  const brokers = args[0] === 'prod' || args[0] === 'produce';
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && (!k.startsWith('HEXSTREAM_') || (brokers && k === 'HEXSTREAM_BROKERS'))) env[k] = v;
  return env;
}
