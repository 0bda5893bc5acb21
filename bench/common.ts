import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Paths shared by the benchmarks (this file runs from .cache/bench-build/bench/). */
export const ROOT = resolve(__dirname, '..', '..', '..');
export const WORK = join(ROOT, '.cache', 'bench');
export const MAIN = join(ROOT, 'dist', 'main.js');

/** A number from a summary line: `label   1,234.5 …` → 1234.5. */
export function field(stdout: string, label: string): number {
  const m = new RegExp(`^${label}\\s+([\\d,.]+)`, 'm').exec(stdout);
  if (m === null) throw new Error(`no "${label}" in:\n${stdout}`);
  return Number((m[1] as string).replace(/,/g, ''));
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export interface Exited {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

const KEEP_STDERR_CHARS = 1 << 20;

/**
 * A child `node` process whose output is collected (the last MB of stderr). Every started child is
 * tracked so that a failing or interrupted bench can end exactly the processes it started.
 */
export class Child {
  static readonly running = new Set<Child>();
  readonly process: ChildProcess;
  readonly done: Promise<Exited>;
  stdout = '';
  stderr = '';
  /** CPU seconds (user + system) the child had used at the last look, read from /proc every 250 ms (Linux). */
  cpuSeconds = NaN;
  private readonly stderrListeners: Array<(text: string) => void> = [];

  constructor(readonly args: readonly string[]) {
    const started = process.hrtime.bigint();
    this.process = spawn(process.execPath, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    Child.running.add(this);
    this.process.stdout?.setEncoding('utf8').on('data', (s: string) => {
      this.stdout += s;
    });
    this.process.stderr?.setEncoding('utf8').on('data', (s: string) => {
      this.stderr = (this.stderr + s).slice(-KEEP_STDERR_CHARS);
      for (const listener of this.stderrListeners) listener(s);
    });
    const pid = this.process.pid;
    const meter = setInterval(() => {
      const seconds = pid === undefined ? undefined : cpuSecondsOf(pid);
      if (seconds !== undefined) this.cpuSeconds = seconds;
    }, 250);
    this.done = new Promise<Exited>((done, fail) => {
      this.process.on('error', (e) => {
        clearInterval(meter);
        Child.running.delete(this);
        fail(e);
      });
      this.process.on('close', (code, signal) => {
        clearInterval(meter);
        Child.running.delete(this);
        done({
          code,
          signal,
          stdout: this.stdout,
          stderr: this.stderr,
          seconds: Number(process.hrtime.bigint() - started) / 1e9,
        });
      });
    });
  }

  /** Resolves when `pattern` appears on stderr; rejects on exit or after `timeoutMs`. */
  waitForStderr(pattern: RegExp, timeoutMs: number): Promise<void> {
    if (pattern.test(this.stderr)) return Promise.resolve();
    return new Promise<void>((done, fail) => {
      const timer = setTimeout(
        () =>
          fail(
            new Error(
              `no ${pattern} on stderr of \`${this.describe()}\` within ${timeoutMs / 1000} s:\n${this.stderr.slice(-4000)}`,
            ),
          ),
        timeoutMs,
      );
      this.stderrListeners.push(() => {
        if (pattern.test(this.stderr)) {
          clearTimeout(timer);
          done();
        }
      });
      this.done.then(
        (e) => {
          clearTimeout(timer);
          fail(
            new Error(
              `\`${this.describe()}\` exited (${e.code ?? e.signal}) before ${pattern} appeared:\n${e.stderr.slice(-4000)}`,
            ),
          );
        },
        (e: unknown) => {
          clearTimeout(timer);
          fail(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  /** Sends a signal to this child (by its pid) if it still runs. */
  signal(signal: NodeJS.Signals): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal);
  }

  describe(): string {
    return `node ${this.args.join(' ')}`;
  }

  /** Kills every child still running, by pid. */
  static killAll(): void {
    for (const child of Child.running) child.signal('SIGKILL');
  }
}

/** Runs `node …args` to completion; throws unless it exits with 0. `cpuSeconds` as last seen (NaN off Linux). */
export async function runNode(args: readonly string[]): Promise<Exited & { cpuSeconds: number }> {
  const child = new Child(args);
  const r = await child.done;
  if (r.code !== 0) throw new Error(`${child.describe()} failed (${r.code ?? r.signal}): ${r.stderr.slice(-4000)}`);
  return { ...r, cpuSeconds: child.cpuSeconds };
}

const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process from /proc/PID/stat; undefined when it cannot be read. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}
