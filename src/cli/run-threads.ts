import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Container } from 'inversify';
import { RejectionTally } from '../composition/rejection-tally';
import type { RawFlags } from '../composition/raw-flags';
import type { ProdRunConfig } from '../composition/run-config';
import { checkRunServices } from '../composition/run-preflight';
import { mergeReports } from '../composition/thread-merge';
import { ThreadTelemetryRelay } from '../composition/thread-telemetry';
import { HexstreamError, type ErrorCode } from '../domain/hexstream-error';
import { LoggerPort } from '../ports/logger.port';
import type { RunTelemetryPort } from '../ports/run-telemetry.port';
import type { CliOutput } from './console-output';
import { alertAndThrow, reportRun } from './run-job';
import type { FromStreamThread, StreamThreadData, ThreadError, ToStreamThread } from './stream-thread-protocol';

/** The worker script, compiled next to this file (dist/cli/stream-thread.js). */
const THREAD_SCRIPT = join(__dirname, 'stream-thread.js');

/** After a thread's result: how long what its drivers left running may hold it before it is ended. */
const THREAD_EXIT_GRACE_MS = 1_000;

/** One prod job run on several stream threads. */
export interface ThreadsRun {
  /** The job's flags as parsed: each thread resolves its configuration from them. */
  readonly flags: RawFlags;
  readonly config: ProdRunConfig;
  readonly threads: number;
  readonly telemetry: RunTelemetryPort | undefined;
}

type Done = Extract<FromStreamThread, { kind: 'done' }>;

/**
 * `prod --threads N`: runs the job on N worker threads, each a member of the job's consumer group
 * (see `stream-thread.ts`); this thread supervises them. It forwards SIGINT/SIGTERM as a stop to
 * each (each commits and snapshots, as a single-thread run does); relays their telemetry to the
 * endpoint; and when all are done, mails one report and prints one summary whose figures are the
 * threads' added up. A thread that fails stops the others, and the run fails with its error (the
 * same alert, line and exit code as a single-thread run's).
 */
export async function runThreads(
  container: Container,
  run: ThreadsRun,
  outputs: readonly string[],
  out: CliOutput,
): Promise<number> {
  const { config, threads } = run;
  const relay = run.telemetry === undefined ? undefined : new ThreadTelemetryRelay(run.telemetry, threads);
  const workers: Worker[] = [];
  let stopping = false;
  const stopAll = (): void => {
    stopping = true;
    for (const w of workers) w.postMessage({ kind: 'stop' } satisfies ToStreamThread);
  };
  let failure: { error: unknown } | undefined;
  const failed = (error: unknown): void => {
    if (failure === undefined) failure = { error };
    stopAll();
  };
  let ready = 0;
  const oneReady = (): void => {
    if (++ready === threads) for (const w of workers) w.postMessage({ kind: 'start' } satisfies ToStreamThread);
  };
  // From the start, as a single-thread run: a signal during the checks stops the threads as they start.
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  let results: Array<Done | undefined>;
  try {
    await checkRunServices(config);
    container.get(LoggerPort).info('stream threads starting', { job: config.job.name, threads });
    const data = threadFlags(run.flags);
    const running = Array.from({ length: threads }, (_, thread) =>
      runWorker({ flags: data, thread, threads, telemetry: relay !== undefined }, workers, relay, {
        ready: oneReady,
        failed,
      }),
    );
    // A signal that came during the checks: each thread starts and stops at once.
    if (stopping) stopAll();
    results = await Promise.all(running);
  } catch (e) {
    failed(e);
    results = [];
  } finally {
    process.off('SIGINT', stopAll);
    process.off('SIGTERM', stopAll);
  }
  if (failure !== undefined) return alertAndThrow(container, config, failure.error);
  const done = results.filter((r): r is Done => r !== undefined);
  const tally = new RejectionTally();
  for (const r of done) tally.addSnapshot(r.tally);
  const report = mergeReports(
    done.map((r) => r.report),
    process.resourceUsage().maxRSS / 1024,
  );
  return reportRun(container, config, { report, tally }, outputs, out);
}

/**
 * The flags a thread gets: as parsed, less what does not cross threads (a loaded job file: the
 * thread loads it again), with the log format decided here (a thread's standard error is a pipe).
 */
function threadFlags(flags: RawFlags): RawFlags {
  const { jobFile: _loaded, ...rest } = flags;
  return { ...rest, logFormat: flags.logFormat ?? (process.stderr.isTTY ? 'pretty' : 'json') };
}

/**
 * Runs one stream thread to its end: its result, or undefined when it failed (told to `failed`).
 * `ready` is told once its container is built (it then waits for `start`).
 */
function runWorker(
  data: StreamThreadData,
  workers: Worker[],
  relay: ThreadTelemetryRelay | undefined,
  tell: { ready(): void; failed(error: unknown): void },
): Promise<Done | undefined> {
  return new Promise((resolve) => {
    const worker = new Worker(THREAD_SCRIPT, { workerData: data });
    workers.push(worker);
    let result: FromStreamThread | undefined;
    let thrown: unknown;
    worker.on('message', (m: FromStreamThread) => {
      if (m.kind === 'telemetry') {
        relay?.receive(data.thread, m.message);
        return;
      }
      if (m.kind === 'ready') {
        tell.ready();
        return;
      }
      result = m;
      setTimeout(() => void worker.terminate(), THREAD_EXIT_GRACE_MS).unref();
    });
    worker.on('error', (e) => {
      thrown = e;
    });
    worker.on('exit', (exitCode) => {
      workers.splice(workers.indexOf(worker), 1);
      if (result?.kind === 'done') {
        resolve(result);
        return;
      }
      relay?.threadGone(data.thread, Date.now());
      tell.failed(
        result?.kind === 'failed'
          ? errorOf(result.error)
          : (thrown ??
              new HexstreamError(
                'INTERNAL',
                `stream thread ${data.thread} ended (exit code ${exitCode}) before its run did`,
              )),
      );
      resolve(undefined);
    });
  });
}

/** A thread's error, rebuilt with its code: the exit code and the line are those of a single-thread run. */
function errorOf(e: ThreadError): Error {
  const error = e.code !== undefined ? new HexstreamError(e.code as ErrorCode, e.message) : new Error(e.message);
  if (e.stack !== undefined) error.stack = e.stack;
  return error;
}
