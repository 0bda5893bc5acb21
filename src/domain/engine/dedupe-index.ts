import type { IdBucketSnapshot } from './engine-snapshot';

/**
 * Ids of accepted records, remembered while a window of their record is open. An id belongs to the
 * partition of its record and is forgotten once that partition's watermark passes the end of the
 * record's last window (ARCHITECTURE §2: "once all of the earlier record's windows closed, the id is
 * forgotten").
 *
 * Ids are kept in one set per (partition, last window end), so forgetting is dropping whole sets,
 * with one index from id to set for lookups:
 *
 *   partition 0:  end 12:01 {17, 18, 21}   end 12:02 {22, 23}      W_0 = 12:01:30
 *                 └ closed: ignored, dropped at the next trigger ┘  └ open: asked ┘
 */
interface Bucket {
  readonly partition: number;
  readonly endMs: number;
  /**
   * Each id once (an array, not a Set: the index already knows which ids a bucket holds; ids as
   * doubles take 8 bytes each in an array).
   */
  readonly ids: Array<number | string>;
  /** Position of the first id added: positions grow within a partition, so it is the smallest. */
  readonly firstPosition: number;
}

export class DedupeIndex {
  /** Few (open window ends × partitions), so a plain array beats nested maps on the hot path. */
  private buckets: Bucket[] = [];
  private lastBucket: Bucket | undefined;
  /**
   * Each remembered id to its bucket, so a lookup is one map access instead of one set per bucket.
   * An id in several buckets (accepted again after it was forgotten) maps to all of them.
   */
  private readonly index = new Map<number | string, Bucket | Bucket[]>();

  /**
   * Whether `id` belongs to a record with a window still open. `partition` and `watermarkMs`, if
   * given, are the asking record's partition and its W before that record (which `watermarkOf`
   * would no longer return); other partitions are asked through `watermarkOf`.
   */
  isRemembered(
    id: number | string,
    watermarkOf: (partition: number) => number,
    partition = -1,
    watermarkMs = -Infinity,
  ): boolean {
    const found = this.index.get(id);
    if (found === undefined) return false;
    if (!Array.isArray(found)) return isOpen(found, watermarkOf, partition, watermarkMs);
    for (const b of found) if (isOpen(b, watermarkOf, partition, watermarkMs)) return true;
    return false;
  }

  remember(id: number | string, partition: number, lastEndMs: number, position = 0): void {
    let bucket = this.lastBucket;
    if (bucket === undefined || bucket.partition !== partition || bucket.endMs !== lastEndMs) {
      bucket = this.buckets.find((b) => b.partition === partition && b.endMs === lastEndMs);
      if (bucket === undefined) {
        bucket = { partition, endMs: lastEndMs, ids: [], firstPosition: position };
        this.buckets.push(bucket);
      }
      this.lastBucket = bucket;
    }
    if (this.indexId(id, bucket)) bucket.ids.push(id);
  }

  forgetClosed(watermarkOf: (partition: number) => number): void {
    const kept: Bucket[] = [];
    for (const b of this.buckets) {
      if (b.endMs > watermarkOf(b.partition)) kept.push(b);
      else for (const id of b.ids) this.unindexId(id, b);
    }
    this.buckets = kept;
    this.lastBucket = undefined;
  }

  /** Maps `id` to `bucket` too; false when it was already (the bucket holds the id). */
  private indexId(id: number | string, bucket: Bucket): boolean {
    const found = this.index.get(id);
    if (found === undefined) this.index.set(id, bucket);
    else if (Array.isArray(found)) {
      if (found.includes(bucket)) return false;
      found.push(bucket);
    } else if (found !== bucket) this.index.set(id, [found, bucket]);
    else return false;
    return true;
  }

  private unindexId(id: number | string, bucket: Bucket): void {
    const found = this.index.get(id);
    if (found === bucket) this.index.delete(id);
    else if (Array.isArray(found)) {
      const rest = found.filter((b) => b !== bucket);
      if (rest.length === 0) this.index.delete(id);
      else this.index.set(id, rest.length === 1 ? (rest[0] as Bucket) : rest);
    }
  }

  /** Smallest position of an id of `partition` still remembered (its watermark below the bucket's end). */
  firstLivePosition(partition: number, watermarkMs: number): number | undefined {
    let min: number | undefined;
    for (const b of this.buckets) {
      if (b.partition === partition && b.endMs > watermarkMs && (min === undefined || b.firstPosition < min))
        min = b.firstPosition;
    }
    return min;
  }

  /** The live buckets, for a snapshot (closed ones were dropped by the last `forgetClosed`). */
  snapshot(): IdBucketSnapshot[] {
    return this.buckets.map((b) => ({
      partition: b.partition,
      endMs: b.endMs,
      firstPosition: b.firstPosition,
      ids: b.ids.slice(),
    }));
  }

  restore(buckets: readonly IdBucketSnapshot[]): void {
    this.lastBucket = undefined;
    this.index.clear();
    this.buckets = buckets.map((snap) => {
      const b: Bucket = { partition: snap.partition, endMs: snap.endMs, firstPosition: snap.firstPosition, ids: [] };
      // An id listed twice is held once, as a Set would.
      for (const id of snap.ids) if (this.indexId(id, b)) b.ids.push(id);
      return b;
    });
  }

  size(): number {
    let n = 0;
    for (const b of this.buckets) n += b.ids.length;
    return n;
  }
}

/** Whether bucket `b`'s windows are open: for the asking partition by its W before the record, for others by theirs now. */
function isOpen(
  b: Bucket,
  watermarkOf: (partition: number) => number,
  partition: number,
  watermarkMs: number,
): boolean {
  return (b.partition === partition ? watermarkMs : watermarkOf(b.partition)) < b.endMs;
}
