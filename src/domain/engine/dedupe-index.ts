/**
 * Ids of accepted records, remembered while a window of their record is open. An id belongs to the
 * partition of its record and is forgotten once that partition's watermark passes the end of the
 * record's last window (ARCHITECTURE §2: "once all of the earlier record's windows closed, the id is
 * forgotten"). Lookups check expiry exactly; `forgetClosed` frees memory in bulk at each trigger.
 */
export class DedupeIndex {
  /** id → [partition, end of the last window of its record]. */
  private readonly byId = new Map<number | string, { partition: number; lastEndMs: number }>();
  /** partition → window end → ids whose record's last window ends there. */
  private readonly expiry = new Map<number, Map<number, (number | string)[]>>();

  isRemembered(id: number | string, watermarkOf: (partition: number) => number): boolean {
    const seen = this.byId.get(id);
    return seen !== undefined && watermarkOf(seen.partition) < seen.lastEndMs;
  }

  remember(id: number | string, partition: number, lastEndMs: number): void {
    this.byId.set(id, { partition, lastEndMs });
    let buckets = this.expiry.get(partition);
    if (buckets === undefined) {
      buckets = new Map();
      this.expiry.set(partition, buckets);
    }
    const bucket = buckets.get(lastEndMs);
    if (bucket === undefined) buckets.set(lastEndMs, [id]);
    else bucket.push(id);
  }

  forgetClosed(watermarkOf: (partition: number) => number): void {
    for (const [partition, buckets] of this.expiry) {
      const w = watermarkOf(partition);
      for (const [endMs, ids] of buckets) {
        if (endMs > w) continue;
        for (const id of ids) {
          const seen = this.byId.get(id);
          // The id may have been remembered again later (by a newer record): keep that one.
          if (seen !== undefined && seen.partition === partition && seen.lastEndMs === endMs) this.byId.delete(id);
        }
        buckets.delete(endMs);
      }
    }
  }

  size(): number {
    return this.byId.size;
  }
}
