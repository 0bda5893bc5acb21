import type { SourceRecord } from '../../domain/records';

/**
 * Records fetched by kafkajs and not yet polled, with what the source knows of each partition's
 * progress: how far it queued, how far it delivered, and the high watermark of its last fetch.
 */
export class RecordQueue {
  private queue: SourceRecord[] = [];
  private head = 0;
  /** Characters of the queued values, at least (see `overCharBudget`). */
  private queuedChars = 0;
  /** Per partition, the offset after the last record queued in this run. */
  readonly queuedUpTo = new Map<number, number>();
  /** Per partition, the offset after the last record polled. */
  private readonly polledUpTo = new Map<number, number>();
  private readonly highWatermarks = new Map<number, number>();

  get available(): number {
    return this.queue.length - this.head;
  }

  push(record: SourceRecord): void {
    this.queue.push(record);
    this.queuedChars += record.value?.length ?? 0;
    this.queuedUpTo.set(record.partition, record.position + 1);
  }

  /** Up to `n` records, oldest first; returns with them, per partition, the offset after the last. */
  take(n: number): { readonly records: readonly SourceRecord[]; readonly upTo: ReadonlyMap<number, number> } {
    const count = Math.min(n, this.available);
    const records = this.queue.slice(this.head, this.head + count);
    this.head += count;
    const upTo = new Map<number, number>();
    for (const r of records) {
      this.polledUpTo.set(r.partition, r.position + 1);
      upTo.set(r.partition, r.position + 1);
      this.queuedChars -= r.value?.length ?? 0;
    }
    if (this.head === this.queue.length) this.drop();
    return { records, upTo };
  }

  /** Forgets what is queued (its partitions may be gone, or read again from elsewhere). */
  drop(): void {
    this.queue = [];
    this.head = 0;
  }

  /** Forgets the queue and how far each partition was queued: a seek says where reading goes on. */
  reset(): void {
    this.drop();
    this.queuedUpTo.clear();
  }

  /** Reading `partition` starts again at `offset`. */
  restart(partition: number, offset: number): void {
    this.queuedUpTo.set(partition, offset);
    this.polledUpTo.set(partition, offset);
  }

  fetched(partition: number, highWatermark: number): void {
    this.highWatermarks.set(partition, highWatermark);
  }

  /** Per fetched partition, the records after the last one polled (or after `resumeFrom`). */
  lag(resumeFrom: ReadonlyMap<number, number>): Map<number, number> {
    const lag = new Map<number, number>();
    for (const [p, high] of this.highWatermarks)
      lag.set(p, Math.max(0, high - (this.polledUpTo.get(p) ?? resumeFrom.get(p) ?? 0)));
    return lag;
  }

  /**
   * Whether the queued values hold more than `budget` characters. The running count only grows by
   * what is queued and shrinks by what is polled, so after the queue was dropped (a seek, a
   * rebalance) it is too high, never too low: past the budget, it is counted again from the queue.
   */
  overCharBudget(budget: number): boolean {
    if (this.queuedChars <= budget) return false;
    let chars = 0;
    for (let i = this.head; i < this.queue.length; i++) chars += (this.queue[i] as SourceRecord).value?.length ?? 0;
    this.queuedChars = chars;
    return chars > budget;
  }

  pendingFor(partition: number): boolean {
    for (let i = this.head; i < this.queue.length; i++)
      if ((this.queue[i] as SourceRecord).partition === partition) return true;
    return false;
  }
}
