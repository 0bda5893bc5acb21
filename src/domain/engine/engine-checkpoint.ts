/**
 * What a restart needs to rebuild the engine exactly, per partition. Instead of writing the
 * aggregates of open windows and the remembered ids at every trigger, the engine records where the
 * oldest record that still matters sits, and the watermark just before it. A restart re-reads from
 * there and makes the same decisions again (they depend only on the records of the partition, in
 * order, and on that watermark), so the state comes back as it was, for the cost of re-reading one
 * window's worth of input:
 *
 *   positions:  … 480 ─── 500 ──────────── 730 ────── 812 │ 813 …
 *                         └ replayFrom: first record of    └ nextPosition: first record not yet
 *                           the oldest open window or id     committed; replayed records before it
 *                           (a trigger boundary, with the    emit no dead letters again
 *                           watermark it had there)
 */
export interface PartitionCheckpoint {
  /** First position not yet committed: where new input starts. */
  readonly nextPosition: number;
  /** The partition's watermark now (epoch ms, -Infinity before any record). */
  readonly watermarkMs: number;
  /** Where to re-read from to rebuild open windows and remembered ids (≤ nextPosition). */
  readonly replayFrom: number;
  /** Max event time seen before `replayFrom` (-Infinity if none): the watermark to start the replay with. */
  readonly replayMaxEventMs: number;
  /**
   * Windows ending at or before this were closed and emitted with this partition's records; a
   * replay of the partition must not reopen them. Per partition, because instances of a group close
   * windows at different instants: a replay under another instance's (earlier) value would re-emit
   * a closed window with only the records after `replayFrom`, overwriting the complete row.
   */
  readonly closedUpToMs: number;
}

export interface EngineCheckpoint {
  readonly partitions: ReadonlyMap<number, PartitionCheckpoint>;
}
