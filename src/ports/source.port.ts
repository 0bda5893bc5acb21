import type { ServiceIdentifier } from 'inversify';
import type { SourceRecord } from '../domain/records';

export interface SourceBatch {
  /** Records in partition order: within one partition, positions strictly increase. */
  readonly records: readonly SourceRecord[];
  /** Partitions of a bounded source that were read to their end by this poll. */
  readonly endedPartitions: readonly number[];
  /** True once a bounded source has delivered everything; an unbounded source never sets it. */
  readonly exhausted: boolean;
  /** Records waiting after this batch, per partition, where the source knows (Kafka: high watermark − position). */
  readonly lag?: ReadonlyMap<number, number>;
  /**
   * Set when the partitions this source reads changed (a consumer-group rebalance): the new set.
   * Such a batch holds no records, and none arrive for the new set until `seek` says where to start.
   */
  readonly assigned?: readonly number[];
  /**
   * Set when the group is about to take partitions away (a rebalance began): the reader should
   * commit what it has processed now; the source holds the partitions until the next
   * `acknowledge` (or a timeout), so the next owner starts from that commit. Such a batch holds no
   * records.
   */
  readonly revoking?: boolean;
  /**
   * Set while the source cannot reach its service and is reconnecting on its own (a broker
   * outage): what failed. Records resume where they stopped once it is back.
   */
  readonly unavailable?: string;
}

/**
 * Where records come from: partitions of ordered records, each with a position.
 *
 * Contract:
 * - `open(resumeFrom)` starts every partition at the position given for it (the next record to
 *   read, as stored with the sink's data) or at its beginning, and returns the partitions it reads.
 * - `poll` returns at most `maxRecords` records, waiting at most `maxWaitMs` for the first one; it
 *   may return an empty batch. Records of one partition come in order, each exactly once per run.
 * - `acknowledge(positions)` is called after the sink committed those positions; a source may use it
 *   for lag monitoring (Kafka offsets) but must never treat it as the resume point.
 * - Delivery is at-least-once across restarts: exactly-once comes from the sink storing positions
 *   atomically with the data.
 */
export interface SourcePort {
  open(resumeFrom: ReadonlyMap<number, number>): Promise<readonly number[]>;
  /** After an `assigned` batch: where each assigned partition starts (sources that rebalance only). */
  seek?(positions: ReadonlyMap<number, number>): Promise<void>;
  poll(maxRecords: number, maxWaitMs: number): Promise<SourceBatch>;
  acknowledge(positions: ReadonlyMap<number, number>): Promise<void>;
  /**
   * Advice, replacing the previous call's: stop reading these partitions until a later call no
   * longer names them, because their event time ran ahead of the others' (`EventTimeAlignment`).
   * Records already buffered may still be delivered, and a source with nothing else to read may
   * read them anyway. Called after every poll: must be cheap when the set did not change.
   */
  holdBack?(partitions: ReadonlySet<number>): void;
  close(): Promise<void>;
}

export const SourcePort: ServiceIdentifier<SourcePort> = Symbol.for('hexstream.SourcePort');
