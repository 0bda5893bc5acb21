import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cliEnv, MAIN, type CliResult } from './run-cli';

/** A long-running `hexstream ingest` child: its output so far, waits on it, and a graceful stop. */
export interface IngestProcess {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves once `check` holds of stderr (the progress lines), polling; fails past `timeoutMs`. */
  waitForStderr(check: (stderr: string) => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then the exit (killed past `timeoutMs`, and the test fails). */
  stop(timeoutMs?: number): Promise<CliResult>;
}

/** Starts the built CLI's `ingest` with `args` (after `ingest`), its HEXSTREAM_* variables cleared. */
export function startIngest(args: readonly string[], env: Record<string, string> = {}): IngestProcess {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test and npm run test:e2e do)`);
  const all = ['ingest', ...args];
  const child: ChildProcess = spawn(process.execPath, [MAIN, ...all], {
    env: cliEnv(all, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let code: number | null | undefined;
  void exited.then((c) => (code = c));
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStderr: async (check, what, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!check(stderr)) {
        if (code !== undefined) throw new Error(`ingest exited (${String(code)}) before ${what}; stderr:\n${stderr}`);
        if (Date.now() > deadline)
          throw new Error(`still not so after ${timeoutMs / 1000} s: ${what}; stderr:\n${stderr.slice(-4000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop: async (timeoutMs = 30_000) => {
      if (code === undefined) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`ingest did not exit within ${timeoutMs / 1000} s of SIGTERM; stderr:\n${stderr}`));
        }, timeoutMs);
      });
      try {
        return { code: await Promise.race([exited, killed]), stdout, stderr };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
