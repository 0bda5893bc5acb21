import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cliEnv, MAIN, type CliResult } from './run-cli';

export interface SpawnOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** The bound on "does it exit at all" (default 90 s): past it the run is killed and the test fails. */
  readonly timeoutMs?: number;
  /** Told the process id once it runs (e.g. to watch its memory in /proc). */
  readonly onSpawn?: (pid: number) => void;
}

/**
 * Runs the built CLI as `runCli` does, without blocking the test's own event loop (so servers the
 * test runs, such as an SMTP sink, keep answering). Rejects when the run outlives `timeoutMs`.
 */
export function spawnCli(args: readonly string[], options: SpawnOptions = {}): Promise<CliResult> {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test and npm run test:e2e do)`);
  const timeoutMs = options.timeoutMs ?? 90_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: options.cwd,
      env: cliEnv(args, options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`hexstream ${args.join(' ')} did not exit within ${timeoutMs / 1000} s; stderr so far:\n${stderr}`),
      );
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
