import type { Container } from 'inversify';
import { withDeadline } from '../adapters/system/deadline';
import { DeadLetterPort } from '../ports/dead-letter.port';
import { ResultStorePort } from '../ports/result-store.port';
import { SourcePort } from '../ports/source.port';
import type { RunConfig } from './run-config';

/** How long closing one adapter may take after a failure. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * After a failed run: closes the source, the result store and the dead letters of a `prod` or `batch` container again,
 * quietly and each within a bound. The pipeline closes them when a run fails midway, but not when
 * opening one of them failed: then the other may hold a live client (the dead-letter producer, a
 * pool) that keeps the process alive until the server drops it. Their `close` is idempotent.
 * `test` mode holds no connection, and closing its file sink writes its pending rows: left alone.
 */
export async function releaseAdapters(container: Container, config: RunConfig): Promise<void> {
  if (config.mode === 'test') return;
  const closes: Array<() => Promise<void>> = [];
  if (container.isBound(SourcePort)) closes.push(() => container.get(SourcePort).close());
  if (container.isBound(ResultStorePort)) closes.push(() => container.get(ResultStorePort).close());
  if (container.isBound(DeadLetterPort)) closes.push(() => container.get(DeadLetterPort).close());
  await Promise.all(
    closes.map((close) =>
      withDeadline(
        Promise.resolve()
          .then(close)
          .catch(() => undefined),
        CLOSE_TIMEOUT_MS,
        () => undefined,
      ),
    ),
  );
}
