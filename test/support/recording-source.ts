import type { SourceBatch, SourcePort } from '../../src/ports/source.port';

export interface Delivered {
  readonly partition: number;
  readonly position: number;
}

/** Wraps a source and records every record it delivered and when it was acknowledged. */
export class RecordingSource implements SourcePort {
  readonly delivered: Delivered[] = [];
  readonly acknowledged: Map<number, number>[] = [];
  readonly seeks: Map<number, number>[] = [];
  /** Present when the wrapped source can seek. */
  readonly seek?: (positions: ReadonlyMap<number, number>) => Promise<void>;
  /** Present when the wrapped source can hold partitions back. */
  readonly holdBack?: (partitions: ReadonlySet<number>) => void;

  constructor(
    private readonly inner: SourcePort,
    /** Called on each acknowledge, before it is passed on (e.g. to see what the sink holds then). */
    private readonly onAcknowledge: () => void = () => undefined,
  ) {
    const seek = inner.seek?.bind(inner);
    if (seek !== undefined) {
      this.seek = async (positions) => {
        this.seeks.push(new Map(positions));
        await seek(positions);
      };
    }
    const holdBack = inner.holdBack?.bind(inner);
    if (holdBack !== undefined) this.holdBack = holdBack;
  }

  open(resumeFrom: ReadonlyMap<number, number>): Promise<readonly number[]> {
    return this.inner.open(resumeFrom);
  }

  async poll(maxRecords: number, maxWaitMs: number): Promise<SourceBatch> {
    const batch = await this.inner.poll(maxRecords, maxWaitMs);
    for (const r of batch.records) this.delivered.push({ partition: r.partition, position: r.position });
    return batch;
  }

  async acknowledge(positions: ReadonlyMap<number, number>): Promise<void> {
    this.onAcknowledge();
    this.acknowledged.push(new Map(positions));
    await this.inner.acknowledge(positions);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
