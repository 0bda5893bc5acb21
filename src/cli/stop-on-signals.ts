import type { StopToken } from '../domain/pipeline/stream-pipeline';

/** A stop token raised by SIGINT/SIGTERM: the pipeline finishes its trigger, commits and returns. */
export function stopOnSignals(): StopToken & { dispose(): void } {
  let stopped = false;
  const onSignal = (): void => {
    stopped = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    isStopped: () => stopped,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
