import type { TableSchema } from '../../domain/table-schema';
import type { SinkCheckpoint, SinkPort, TriggerCommit } from '../../ports/sink.port';

/**
 * A sink in front of another that passes every call through, `abort()` included (a decorator that
 * dropped it would make a failed run close, and so complete, the sink behind it: a file sink would
 * rename a partial result into place). Decorators extend it and override what they watch.
 */
export class ForwardingSink implements SinkPort {
  constructor(protected readonly inner: SinkPort) {}

  open(table: TableSchema): Promise<SinkCheckpoint | undefined> {
    return this.inner.open(table);
  }

  checkpoint(): Promise<SinkCheckpoint | undefined> {
    return this.inner.checkpoint();
  }

  commit(trigger: TriggerCommit): Promise<void> {
    return this.inner.commit(trigger);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  abort(): Promise<void> {
    return this.inner.abort !== undefined ? this.inner.abort() : this.inner.close();
  }
}
