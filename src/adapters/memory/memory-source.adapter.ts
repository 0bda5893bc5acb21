import type { SourceRecord } from '../../domain/records';
import type { SourceBatch, SourcePort } from '../../ports/source.port';

export interface MemorySourceOptions {
  /** Record values per partition, in order; `undefined` is a record without a value (tombstone). */
  readonly partitions: ReadonlyMap<number, readonly (string | undefined)[]>;
  /** Sizes of successive polls, cycled (lets tests cut the input into arbitrary batches). */
  readonly batchSizes?: readonly number[];
  /** A bounded source ends when all is read; an unbounded one keeps returning empty batches. */
  readonly bounded?: boolean;
}

/**
 * The in-memory source: partitions of strings, read round-robin one batch at a time (passing over
 * partitions held back while others have records left). Positions are indexes into each
 * partition's array. Records can be appended while it runs (`push`), like Beam's TestStream.
 */
export class MemorySource implements SourcePort {
  private readonly data = new Map<number, (string | undefined)[]>();
  private readonly cursor = new Map<number, number>();
  private readonly ended = new Set<number>();
  private next = 0;
  private pollCount = 0;
  private held: ReadonlySet<number> = new Set();
  readonly acknowledged: Map<number, number>[] = [];
  closed = false;

  constructor(private readonly options: MemorySourceOptions) {
    for (const [p, values] of options.partitions) this.data.set(p, [...values]);
  }

  push(partition: number, ...values: (string | undefined)[]): void {
    const list = this.data.get(partition);
    if (list === undefined) this.data.set(partition, values);
    else list.push(...values);
  }

  async open(resumeFrom: ReadonlyMap<number, number>): Promise<readonly number[]> {
    for (const p of this.data.keys()) this.cursor.set(p, resumeFrom.get(p) ?? 0);
    return [...this.data.keys()];
  }

  /** Moves the given partitions to new positions (as after a rebalance, or to continue a snapshot). */
  async seek(positions: ReadonlyMap<number, number>): Promise<void> {
    for (const [p, position] of positions) {
      this.cursor.set(p, position);
      this.ended.delete(p);
    }
  }

  async poll(maxRecords: number): Promise<SourceBatch> {
    const sizes = this.options.batchSizes;
    const size = Math.min(
      maxRecords,
      sizes !== undefined && sizes.length > 0 ? (sizes[this.pollCount++ % sizes.length] as number) : maxRecords,
    );
    const ids = [...this.data.keys()].sort((a, b) => a - b);
    const bounded = this.options.bounded ?? true;
    // Round robin; partitions held back only in a second round, when no other one has records.
    for (let tries = 0; tries < 2 * ids.length; tries++) {
      const p = ids[this.next++ % ids.length] as number;
      if (this.ended.has(p) || (tries < ids.length && this.held.has(p))) continue;
      const values = this.data.get(p) ?? [];
      const from = this.cursor.get(p) ?? 0;
      const to = Math.min(values.length, from + Math.max(1, size));
      const records: SourceRecord[] = [];
      for (let i = from; i < to; i++) records.push({ partition: p, position: i, value: values[i] });
      this.cursor.set(p, to);
      const endedPartitions = bounded && to >= values.length ? [p] : [];
      for (const e of endedPartitions) this.ended.add(e);
      if (records.length > 0 || endedPartitions.length > 0) {
        return { records, endedPartitions, exhausted: bounded && this.ended.size === ids.length };
      }
    }
    return { records: [], endedPartitions: [], exhausted: bounded };
  }

  holdBack(partitions: ReadonlySet<number>): void {
    this.held = partitions;
  }

  async acknowledge(positions: ReadonlyMap<number, number>): Promise<void> {
    this.acknowledged.push(new Map(positions));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
