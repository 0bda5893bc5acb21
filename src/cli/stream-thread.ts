import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { createContainer } from '../composition/create-container';
import { loadJobFiles } from '../composition/job-files';
import { RejectionTally } from '../composition/rejection-tally';
import { releaseAdapters } from '../composition/release-adapters';
import { resolveProdConfig } from '../composition/resolve-config';
import { threadConfig } from '../composition/stream-threads';
import { logAsThread } from '../composition/thread-logger';
import { PostingTelemetry } from '../composition/thread-telemetry';
import { HexstreamError } from '../domain/hexstream-error';
import { StreamPipeline } from '../domain/pipeline/stream-pipeline';
import type { FromStreamThread, StreamThreadData, ThreadError, ToStreamThread } from './stream-thread-protocol';

/**
 * One stream thread of `prod --threads N`: a complete prod pipeline in a worker thread, built from
 * the same flags as the process's single-thread run (its own consumer-group member, engine, sink and
 * dead-letter producer; with `--to-kafka` its own transactional id). It runs until its input ends
 * or the main thread says stop, then sends its report (or its error) and ends.
 */
async function runThread(port: NonNullable<typeof parentPort>, data: StreamThreadData): Promise<FromStreamThread> {
  let stopped = false;
  let start: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    start = resolve;
  });
  port.on('message', (m: ToStreamThread) => {
    if (m.kind === 'stop') stopped = true;
    start();
  });
  const [flags] = await loadJobFiles([data.flags]);
  const resolved = resolveProdConfig(flags ?? data.flags);
  const config = threadConfig(resolved, data.thread);
  const telemetry = data.telemetry
    ? new PostingTelemetry((message) => port.postMessage({ kind: 'telemetry', message } satisfies FromStreamThread))
    : undefined;
  const container = await createContainer('prod', config, telemetry);
  logAsThread(container, data.thread);
  port.postMessage({ kind: 'ready' } satisfies FromStreamThread);
  await started;
  try {
    const report = await container.get(StreamPipeline).run({ isStopped: () => stopped });
    return {
      kind: 'done',
      report,
      tally: container.get(RejectionTally).snapshot(),
    };
  } catch (e) {
    await releaseAdapters(container, config);
    throw e;
  }
}

function threadError(e: unknown): ThreadError {
  if (!(e instanceof Error)) return { message: String(e) };
  return {
    message: e.message,
    ...(e instanceof HexstreamError ? { code: e.code } : {}),
    ...(e.stack !== undefined ? { stack: e.stack } : {}),
  };
}

const port = parentPort;
if (port !== null) {
  runThread(port, workerData as StreamThreadData)
    .catch((e: unknown): FromStreamThread => ({ kind: 'failed', error: threadError(e) }))
    .then((result) => {
      port.postMessage(result);
      // The port no longer holds the thread: it ends once what its drivers left running is done.
      port.unref();
    })
    .catch(() => undefined);
}
