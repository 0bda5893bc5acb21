import type { SourceBatch } from '../../ports/source.port';

const NONE: ReadonlySet<number> = new Set();

/**
 * Watermark alignment: which partitions the source should stop reading for now because their
 * event time ran too far ahead of the others.
 *
 * A window closes only once every partition's watermark has passed its end, so a partition read
 * faster than the others in event time (it holds fewer records per minute, or its fetches came
 * first) keeps every window since the slowest one's watermark open: state would grow with the
 * skew, and with a backfill's progress. Holding back the partitions ahead keeps the skew, and so
 * the open windows, under a constant:
 *
 *   W_slowest ──────●                                   held back: W_p > W_slowest + maxDrift
 *   W_1       ──────────●            (reads on)
 *   W_2       ─────────────────────────●  (held back until the slowest catches up)
 *                   └── maxDrift ──┘
 *
 * Only partitions with records waiting set the pace: one that has nothing to read (its lag is 0,
 * or a bounded source read it to its end) cannot catch up by others waiting, and one without a
 * record yet has no watermark. Holding back is advice to the source; records it already buffered
 * still come, so the skew may exceed `maxDriftMs` by what a source buffers.
 */
export class EventTimeAlignment {
  /** Partitions with nothing to read now, as the source last said. */
  private readonly caughtUp = new Set<number>();
  private readonly ended = new Set<number>();

  constructor(private readonly maxDriftMs: number) {}

  /** Takes what a poll said about the partitions (lag, partitions read to their end). */
  observe(batch: Pick<SourceBatch, 'lag' | 'endedPartitions'>): void {
    for (const p of batch.endedPartitions) this.ended.add(p);
    if (batch.lag === undefined) return;
    for (const [p, n] of batch.lag) {
      if (n === 0) this.caughtUp.add(p);
      else this.caughtUp.delete(p);
    }
  }

  /** The partitions to hold back, given each partition's watermark. */
  holdBack(watermarks: ReadonlyMap<number, number>): ReadonlySet<number> {
    let slowest = Infinity;
    for (const [p, w] of watermarks)
      if (Number.isFinite(w) && w < slowest && !this.caughtUp.has(p) && !this.ended.has(p)) slowest = w;
    if (slowest === Infinity) return NONE;
    let held: Set<number> | undefined;
    for (const [p, w] of watermarks) {
      if (Number.isFinite(w) && w - slowest > this.maxDriftMs) (held ??= new Set()).add(p);
    }
    return held ?? NONE;
  }

  /** The source's partitions changed (a rebalance): what it said before no longer holds. */
  reset(): void {
    this.caughtUp.clear();
    this.ended.clear();
  }
}
