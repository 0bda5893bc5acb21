import type { SourceBatch, SourcePort } from '../../ports/source.port';
import type { FailpointHook } from './failpoints';

/**
 * A source whose `acknowledge` first passes a failpoint: the pipeline acknowledges a trigger's
 * positions right after the sink committed them, so the point sits between the two commits.
 * The composition wraps the source with it only when the point is on.
 */
export class FailpointSource implements SourcePort {
  readonly seek?: (positions: ReadonlyMap<number, number>) => Promise<void>;

  constructor(
    private readonly inner: SourcePort,
    private readonly beforeAcknowledge: FailpointHook,
  ) {
    const seek = inner.seek?.bind(inner);
    if (seek !== undefined) this.seek = seek;
  }

  open(resumeFrom: ReadonlyMap<number, number>): Promise<readonly number[]> {
    return this.inner.open(resumeFrom);
  }

  poll(maxRecords: number, maxWaitMs: number): Promise<SourceBatch> {
    return this.inner.poll(maxRecords, maxWaitMs);
  }

  async acknowledge(positions: ReadonlyMap<number, number>): Promise<void> {
    await this.beforeAcknowledge();
    await this.inner.acknowledge(positions);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
